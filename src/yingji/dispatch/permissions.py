"""Who may do what in dispatch — the one source of truth for the actions AND the pages' buttons.

Writing (registering forces, changing a unit's status, issuing dispatch orders, raising a grade)
needs ``dispatch:write``: the dispatcher (调度员) and the government duty/officer roles hold it,
the read-only leader does not. Enterprise users see no forces (jurisdiction, :mod:`yingji.core.scope`).
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal

PERMISSION = "dispatch:write"


def write_refusal(actor: Principal) -> str | None:
    if not actor.can(PERMISSION):
        return f"您的角色（{actor.role_label}）只能查看救援力量和调派单，不能调派或修改"
    if actor.unit_id is not None:
        return "企业用户不能调派救援力量"
    return None


def page_flags(actor: Principal) -> dict[str, Any]:
    ok = write_refusal(actor) is None
    return {"can_dispatch": ok, "can_edit": ok, "can_import": ok, "can_set_status": ok}
