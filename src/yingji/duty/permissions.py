"""Who may keep the roster and the duty log (the one source of truth for actions and pages).

Writing needs ``duty:write`` (duty officers and county/township officers); enterprise users keep no
government duty; every record lies inside the writer's jurisdiction (checked by the actions).
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal


def write_refusal(actor: Principal) -> str | None:
    if not actor.can("duty:write"):
        return f"您的角色（{actor.role_label}）只能查看值班安排"
    if actor.unit_id is not None:
        return "值班值守由应急管理部门办理，企业用户不能操作"
    return None


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_write": write_refusal(actor) is None}
