"""Reads of units, always through the jurisdiction filter; and the one write other packages may make.

:func:`set_risk_levels` is the documented downward entry point for the risk domain: the risk
level of a unit is derived from its risk sources, so the risk domain's actions (which audit and
emit) keep the denormalised ``units.risk_level`` column up to date through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.listing import ListSpec, contains, eq, null_or_eq, within_division
from yingji.core.scope import get_scoped
from yingji.units.models import Unit
from yingji.units.schemas import UnitQuery

UNASSESSED = "unassessed"

UNITS = ListSpec(
    model=Unit,
    query=UnitQuery,
    filters={"industry": eq(Unit.industry), "level": null_or_eq(Unit.risk_level, UNASSESSED),
             "division": within_division(Unit.division_code), "q": contains(Unit.name, Unit.credit_code)},
    sorts={"id": Unit.id, "name": Unit.name, "credit_code": Unit.credit_code, "industry": Unit.industry,
           "division_code": Unit.division_code, "risk_level": Unit.risk_level, "updated_at": Unit.updated_at},
    labels={"name": "名称", "credit_code": "信用代码", "industry": "行业", "division_code": "区划",
            "risk_level": "风险等级", "updated_at": "更新时间"},
    default_sort=("id",),
)


def get_unit(db: Session, *, principal: Principal, unit_id: int) -> Unit:
    return get_scoped(db, principal, Unit, unit_id, what="生产经营单位")


def set_risk_levels(db: Session, levels: Mapping[int, str | None]) -> None:
    """Store units' derived risk levels (inside the caller's audited transaction)."""
    rows: list[dict[str, Any]] = [{"id": uid, "risk_level": level} for uid, level in levels.items()]
    for i in range(0, len(rows), 2000):
        db.execute(update(Unit), rows[i:i + 2000])
