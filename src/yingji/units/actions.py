"""Every write of units: registration, changes, bulk import.

Each public function is one action: permission checked, one transaction (``atomic``), an audit
record per changed unit, events emitted on commit. Enterprise managers (``principal.unit_id``)
may change only their own unit's details and never register units.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import atomic
from yingji.core.divisions import township_in_scope as township
from yingji.core.errors import Conflict, Forbidden
from yingji.core.importing import run_import
from yingji.core.scope import ensure_in_scope, get_scoped, visible
from yingji.units import permissions
from yingji.units.catalog import check_industry
from yingji.units.models import Unit
from yingji.units.schemas import UnitIn, UnitPatch

UNIT_FIELDS = ("name", "credit_code", "industry", "division_code", "address", "lon", "lat", "scale",
               "standardisation_level", "legal_person", "safety_manager", "phone", "supervising_department",
               "notes")


def _snapshot(u: Unit) -> dict[str, Any]:
    return {k: getattr(u, k) for k in UNIT_FIELDS} | {"risk_level": u.risk_level}


def _credit_conflict(db: Session, actor: Principal, credit_code: str, field: str = "credit_code") -> None:
    """A credit code is unique nationally. Say so without revealing a unit outside the actor's scope."""
    existing = db.scalar(select(Unit).where(Unit.credit_code == credit_code))
    if existing is None:
        return
    if visible(actor, existing):
        raise Conflict(f"统一社会信用代码 {credit_code} 已登记（{existing.name}，编号 {existing.id}）", field=field)
    raise Conflict("该统一社会信用代码不能在本辖区登记，请核对代码或联系市级应急管理部门", field=field,
                   code="credit_code_unavailable")


def _may_write(actor: Principal) -> None:
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)


def _no_enterprise_create(actor: Principal) -> None:
    if (reason := permissions.register_refusal(actor)) is not None:
        raise Forbidden(reason)


def _new_unit(db: Session, actor: Principal, data: UnitIn) -> Unit:
    township(db, actor, data.division_code)
    check_industry(data.industry)
    _credit_conflict(db, actor, data.credit_code)
    unit = Unit(**{k: getattr(data, k) for k in UNIT_FIELDS}, synthetic=False)
    db.add(unit)
    db.flush()
    audit.record(db, actor, "unit.created", "unit", unit.id, division_code=unit.division_code, after=_snapshot(unit))
    return unit


def create_unit(db: Session, actor: Principal, data: UnitIn) -> Unit:
    _may_write(actor)
    _no_enterprise_create(actor)
    with atomic(db):
        unit = _new_unit(db, actor, data)
        events.emit(db, "unit.created", division_code=unit.division_code, actor=actor.username,
                    summary=f"登记生产经营单位 {unit.name}", payload={"unit_id": unit.id})
    return unit


def update_unit(db: Session, actor: Principal, unit_id: int, patch: UnitPatch) -> Unit:
    _may_write(actor)
    with atomic(db):
        unit = get_scoped(db, actor, Unit, unit_id, what="生产经营单位")
        ensure_in_scope(actor, unit.division_code)
        before = _snapshot(unit)
        changes = {k: v for k, v in patch.model_dump(exclude_unset=True).items()
                   if v is not None or k in ("lon", "lat")}
        changed = sorted(k for k in changes if changes[k] != getattr(unit, k))
        if (reason := permissions.edit_refusal(actor, unit, changed)) is not None:
            locked = [k for k in changed if k not in permissions.editable_fields(actor)]
            raise Forbidden(reason, field=locked[0] if locked else None)
        if "division_code" in changes:
            township(db, actor, changes["division_code"])
        if "industry" in changes:
            check_industry(changes["industry"])
        for k, v in changes.items():
            setattr(unit, k, v)
        db.flush()
        after = _snapshot(unit)
        audit.record(db, actor, "unit.updated", "unit", unit.id, division_code=unit.division_code,
                     before=before, after=after)
        events.emit(db, "unit.updated", division_code=unit.division_code, actor=actor.username,
                    summary=f"修改生产经营单位 {unit.name}",
                    payload={"unit_id": unit.id, "fields": sorted(k for k in after if after[k] != before[k])})
    return unit


def import_units(db: Session, actor: Principal, content: bytes, filename: str, *, mode: str = "all_or_nothing",
                 dry_run: bool = False) -> tuple[int, int, list[Any], bool]:
    """Import units from xlsx/csv. Returns (total rows, imported, errors, committed)."""
    from yingji.units.importing import parse_units

    _may_write(actor)
    _no_enterprise_create(actor)
    rows, errors = parse_units(content, filename)

    def check(data: UnitIn, seen: set[str]) -> None:
        township(db, actor, data.division_code, field="乡镇（街道）代码")
        check_industry(data.industry, field="行业代码")
        if data.credit_code in seen:
            raise Conflict(f"统一社会信用代码 {data.credit_code} 在文件中重复", field="统一社会信用代码")
        _credit_conflict(db, actor, data.credit_code, field="统一社会信用代码")
        seen.add(data.credit_code)

    return run_import(db, actor, rows, errors, mode=mode, dry_run=dry_run, check=check,
                      make=lambda data: _new_unit(db, actor, data), what="unit", label="单位",
                      event_type="units.imported", filename=filename)
