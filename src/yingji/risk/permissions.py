"""Who may do what to risk sources — the one source of truth for the actions AND the pages' buttons.

Each function answers ``None`` when the actor may act, or the Chinese reason why not; the actions
raise :class:`~yingji.core.errors.Forbidden` with it, the pages offer only what these allow.

Rules: writing needs ``supervision:write`` (the read-only leader and the dispatcher have none).
Enterprise managers register, assess and add control measures for their own unit's risk sources
(双重预防机制: the enterprise identifies and grades its risks; the bureau supervises) —
jurisdiction and the own-unit restriction are :mod:`yingji.core.scope`'s. The management tier
(管控层级) follows from the assessed level; changing it by hand is a government act.
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal

PERMISSION = "supervision:write"


def write_refusal(actor: Principal) -> str | None:
    if not actor.can(PERMISSION):
        return f"您的角色（{actor.role_label}）只能查看安全风险信息，不能登记、评估或修改风险源"
    return None


def register_refusal(actor: Principal) -> str | None:
    """Registering (or importing) risk sources of a unit the actor may see."""
    return write_refusal(actor)


def assess_refusal(actor: Principal, source: Any = None) -> str | None:
    return write_refusal(actor)


def measure_refusal(actor: Principal, source: Any = None) -> str | None:
    return write_refusal(actor)


def edit_refusal(actor: Principal, source: Any = None, changed: set[str] | frozenset[str] = frozenset()) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    if "management_tier" in changed and actor.unit_id is not None:
        return "管控层级由评估等级确定，企业用户不能直接修改"
    return None


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_register_source": register_refusal(actor) is None, "can_assess": assess_refusal(actor) is None,
            "can_add_measure": measure_refusal(actor) is None, "can_edit_source": edit_refusal(actor) is None,
            "can_import": register_refusal(actor) is None}
