"""Who may do what with plans — one source for the actions and the pages' buttons.

Each function answers ``None`` when the actor may act, or the Chinese reason why not.
* reading needs ``plans:read``; writing plans and drills needs ``plans:write``;
* 审批、备案 are acts of the government (enterprise users draft their unit's plan only);
* starting a plan and working its task board: ``plans:write``, or a dispatcher's
  ``incidents:write`` / ``dispatch:write`` (the duty room starts plans while handling incidents).
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal
from yingji.core.scope import division_level
from yingji.plans.lifecycle import ACTION_LABELS, EDITABLE, allowed_actions

GOVERNMENT_ACTIONS = frozenset({"approve", "file"})
RESPONSE_PERMISSIONS = ("plans:write", "incidents:write", "dispatch:write")


def write_refusal(actor: Principal) -> str | None:
    if not actor.can("plans:write"):
        return f"您的角色（{actor.role_label}）只能查看，不能修改预案"
    return None


def edit_refusal(actor: Principal, plan: Any) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if plan.state not in EDITABLE:
        return "预案已审批或备案，须先“启动修订”才能修改"
    return None


def transition_refusal(actor: Principal, plan: Any, action: str) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if action in GOVERNMENT_ACTIONS and actor.unit_id is not None:
        return f"“{ACTION_LABELS[action]}”须由政府部门办理，企业用户不能操作"
    return None


def permitted_transitions(actor: Principal, plan: Any) -> list[str]:
    return [a for a in allowed_actions(plan.state) if transition_refusal(actor, plan, a) is None]


def response_refusal(actor: Principal) -> str | None:
    """Starting a plan, working its task board."""
    if not any(actor.can(p) for p in RESPONSE_PERMISSIONS):
        return f"您的角色（{actor.role_label}）不能启动预案或更新任务"
    return None


def overdue_check_refusal(actor: Principal) -> str | None:
    """The overdue check over every board is a city-level act (or the platform's scheduled job)."""
    if (reason := response_refusal(actor)) is not None:
        return reason
    if actor.via == "system":
        return None
    if actor.unit_id is not None or division_level(actor.scope_code) not in ("city", "province"):
        return "任务逾期检查须由市级用户运行（看板本身随时显示逾期）"
    return None


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_write": write_refusal(actor) is None, "can_respond": response_refusal(actor) is None,
            "is_government": actor.unit_id is None}
