"""Who may manage recipients and send broadcast drills (the warnings domain checks its own publishing)."""

from __future__ import annotations

from yingji.core.auth import Principal


def write_refusal(actor: Principal) -> str | None:
    if not actor.can("broadcast:write"):
        return f"您的角色（{actor.role_label}）不能管理预警接收对象"
    if actor.unit_id is not None:
        return "企业用户不能管理预警接收对象"
    return None


def page_flags(actor: Principal) -> dict[str, bool]:
    return {"can_write": write_refusal(actor) is None}
