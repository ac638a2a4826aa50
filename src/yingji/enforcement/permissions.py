"""Who may do what in 执法检查 — the one source of truth for the actions AND the page's buttons.

Each function answers ``None`` when the actor may act, or the Chinese reason why not; the actions
raise :class:`~yingji.core.errors.Forbidden` with it, the page offers only what these allow.

Rules: annual plans, penalties and the blacklist are acts of the supervising government: they
need ``enforcement:write`` (the read-only leader, the dispatcher and enterprise managers have
none) and a government account (no unit). Completing a planned visit also records a department
inspection, so it needs the hazards domain's department-inspection right as well. Jurisdiction
is :mod:`yingji.core.scope`'s (a plan only for a division inside the actor's).
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal
from yingji.hazards import permissions as hazard_permissions

PERMISSION = "enforcement:write"


def write_refusal(actor: Principal) -> str | None:
    if actor.unit_id is not None:
        return "执法检查（检查计划、行政处罚、失信黑名单）由监管部门执行，企业用户只能查看本单位的记录"
    if not actor.can(PERMISSION):
        return f"您的角色（{actor.role_label}）只能查看执法检查信息，不能修改"
    return None


def plan_refusal(actor: Principal) -> str | None:
    return write_refusal(actor)


def penalty_refusal(actor: Principal) -> str | None:
    return write_refusal(actor)


def blacklist_refusal(actor: Principal) -> str | None:
    return write_refusal(actor)


def visit_refusal(actor: Principal) -> str | None:
    """Completing a planned visit (a department inspection of the hazards domain)."""
    if (reason := write_refusal(actor)) is not None:
        return reason
    if not hazard_permissions.page_flags(actor)["can_inspect_department"]:
        return f"您的角色（{actor.role_label}）不能登记部门检查"
    return None


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_plan": plan_refusal(actor) is None, "can_penalise": penalty_refusal(actor) is None,
            "can_blacklist": blacklist_refusal(actor) is None, "can_inspect": visit_refusal(actor) is None}
