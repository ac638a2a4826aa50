"""Who may do what to a warning — the one source of truth for the actions AND the pages' buttons.

Each function answers ``None`` when the actor may act, or the Chinese reason why not.

* writing needs ``warnings:write`` and a government account (enterprise users cannot issue warnings);
* the area must lie in the actor's jurisdiction (checked by the actions);
* **two-person rule**: the approver is neither the author nor whoever submitted this revision;
* only an approved revision (the very revision approved) is published.
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal

OPS = ("edit", "submit", "approve", "reject", "publish", "update", "cancel", "comment")
OP_LABELS = {"edit": "修改", "submit": "提交审批", "approve": "审批通过", "reject": "退回", "publish": "签发",
             "update": "更新（升级/降级）", "cancel": "解除", "comment": "意见"}


def write_refusal(actor: Principal) -> str | None:
    if not actor.can("warnings:write"):
        return f"您的角色（{actor.role_label}）不能编制或签发预警"
    if actor.unit_id is not None:
        return "预警须由政府应急部门编制，企业用户不能操作"
    return None


def refusal(actor: Principal, w: Any, op: str) -> str | None:
    """Why ``actor`` may not take step ``op`` on warning ``w`` now (None: may)."""
    if (reason := write_refusal(actor)) is not None:
        return reason
    closed = w.status in ("cancelled", "expired")
    if op == "comment":
        return None
    if closed:
        return "预警已解除或失效，不能再操作"
    if op == "edit":
        if w.review not in ("editing", "rejected"):
            return "只有草稿或被退回的修订可以修改（已提交的请先退回）"
        if w.op == "cancel":
            return "解除申请不能修改内容"
        return None
    if op == "submit":
        return None if w.review in ("editing", "rejected") else "只有草稿或被退回的修订可以提交审批"
    if op in ("approve", "reject"):
        if w.review != "pending":
            return "只有已提交的修订可以审批或退回"
        if op == "approve" and actor.username in (w.author, w.submitted_by):
            return "双人审核：起草人或提交人不能审批自己的预警"
        return None
    if op == "publish":
        if w.review != "approved" or w.approved_revision != w.revision:
            return "须先经第二人审批通过才能签发"
        return None
    if op in ("update", "cancel"):
        if w.status != "active":
            return "只有已发布生效的预警可以更新或解除"
        if w.review in ("pending", "approved"):
            return "该预警已有待审批或待签发的修订"
        return None
    return f"未知操作 {op}"


def allowed(actor: Principal, w: Any) -> list[str]:
    return [op for op in OPS if refusal(actor, w, op) is None]


def refusals(actor: Principal, w: Any) -> dict[str, str]:
    return {op: r for op in OPS if (r := refusal(actor, w, op)) is not None}


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_write": write_refusal(actor) is None, "username": actor.username}
