"""Who may do what to units — the one source of truth for the actions AND the pages' buttons.

Each function answers ``None`` when the actor may act, or the Chinese reason why not; the actions
raise :class:`~yingji.core.errors.Forbidden` with it, the pages offer only what these allow.

Rules: writing needs ``units:write`` (the read-only leader and the dispatcher have none);
registering and importing units are the supervising government's (an enterprise manager keeps
its own unit's details up to date but registers no unit); an enterprise manager changes only the
contact and operating details of its own unit (:data:`ENTERPRISE_EDITABLE`) — identity, industry
and location are the bureau's. Jurisdiction (which units at all) is :mod:`yingji.core.scope`'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from yingji.core.auth import Principal

PERMISSION = "units:write"

#: every field of a unit a government user may change (UnitPatch)
EDITABLE = ("name", "industry", "division_code", "address", "lon", "lat", "scale", "standardisation_level",
            "legal_person", "safety_manager", "phone", "supervising_department", "notes")
#: what an enterprise manager may change about its own unit (identity and location are the bureau's)
ENTERPRISE_EDITABLE = frozenset({"address", "scale", "standardisation_level", "legal_person", "safety_manager",
                                 "phone", "notes", "lon", "lat"})


def write_refusal(actor: Principal) -> str | None:
    if not actor.can(PERMISSION):
        return f"您的角色（{actor.role_label}）只能查看生产经营单位，不能登记或修改"
    return None


def register_refusal(actor: Principal) -> str | None:
    """Registering (or importing) units."""
    if (reason := write_refusal(actor)) is not None:
        return reason
    if actor.unit_id is not None:
        return "企业用户只能维护本单位的信息，不能登记新单位"
    return None


def editable_fields(actor: Principal) -> list[str]:
    """The unit fields this actor may change (of the units it may see)."""
    if write_refusal(actor) is not None:
        return []
    return [f for f in EDITABLE if actor.unit_id is None or f in ENTERPRISE_EDITABLE]


def edit_refusal(actor: Principal, unit: Any = None, changed: Iterable[str] = ()) -> str | None:
    """Changing ``unit`` (``changed``: the fields whose value would change)."""
    if (reason := write_refusal(actor)) is not None:
        return reason
    locked = sorted(set(changed) - set(editable_fields(actor)))
    if locked:
        return "企业用户不能修改单位的名称、行业、所在区划等登记信息（请联系属地应急管理部门）"
    return None


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_register": register_refusal(actor) is None, "can_import": register_refusal(actor) is None,
            "can_edit": write_refusal(actor) is None, "editable_fields": editable_fields(actor)}
