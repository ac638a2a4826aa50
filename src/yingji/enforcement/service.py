"""Reads of the enforcement domain, always through the jurisdiction filter."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core.api import PageParams, paginate
from yingji.core.auth import Principal
from yingji.core.scope import get_scoped, scoped, within
from yingji.enforcement.models import BlacklistEntry, InspectionPlan, Penalty, PlannedInspection
from yingji.risk.models import Unit


def _with_units(db: Session, rows: list[Any], model: Any) -> list[dict[str, Any]]:
    ids = {r.unit_id for r in rows}
    names = dict(db.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()) if ids else {}
    return [{c.key: getattr(r, c.key) for c in model.__table__.columns} | {"unit_name": names.get(r.unit_id, "")}
            for r in rows]


def list_plans(db: Session, *, principal: Principal, params: PageParams, year: int | None = None) -> tuple[list[InspectionPlan], int]:
    stmt = scoped(principal, InspectionPlan).order_by(InspectionPlan.year.desc(), InspectionPlan.division_code)
    if year:
        stmt = stmt.where(InspectionPlan.year == year)
    return paginate(db, stmt, params)


def get_plan(db: Session, *, principal: Principal, plan_id: int) -> InspectionPlan:
    return get_scoped(db, principal, InspectionPlan, plan_id, what="检查计划")


def plan_summary(db: Session, *, principal: Principal, plan_id: int) -> dict[str, Any]:
    plan = get_plan(db, principal=principal, plan_id=plan_id)
    months = Counter()
    done = Counter()
    for d, finished in db.execute(scoped(principal, PlannedInspection).with_only_columns(
            PlannedInspection.planned_date, PlannedInspection.done_inspection_id)
            .where(PlannedInspection.plan_id == plan.id)).all():
        months[d.month] += 1
        done[d.month] += int(finished is not None)
    return {"plan": plan, "by_month": [{"month": m, "planned": months[m], "done": done[m]} for m in range(1, 13)]}


def plan_items(db: Session, *, principal: Principal, params: PageParams, plan_id: int, month: int | None = None,
               unit_id: int | None = None, division: str | None = None) -> tuple[list[dict[str, Any]], int]:
    plan = get_plan(db, principal=principal, plan_id=plan_id)
    stmt = (scoped(principal, PlannedInspection).where(PlannedInspection.plan_id == plan.id)
            .order_by(PlannedInspection.planned_date, PlannedInspection.unit_id, PlannedInspection.sequence))
    if month:
        from datetime import date

        start = date(plan.year, month, 1)
        end = date(plan.year + 1, 1, 1) if month == 12 else date(plan.year, month + 1, 1)
        stmt = stmt.where(PlannedInspection.planned_date >= start, PlannedInspection.planned_date < end)
    if unit_id:
        stmt = stmt.where(PlannedInspection.unit_id == unit_id)
    if division:
        stmt = stmt.where(within(PlannedInspection.division_code, division))
    items, total = paginate(db, stmt, params)
    return _with_units(db, items, PlannedInspection), total


def list_penalties(db: Session, *, principal: Principal, params: PageParams, unit_id: int | None = None,
                   division: str | None = None) -> tuple[list[dict[str, Any]], int]:
    stmt = scoped(principal, Penalty).order_by(Penalty.decided_at.desc(), Penalty.id.desc())
    if unit_id:
        stmt = stmt.where(Penalty.unit_id == unit_id)
    if division:
        stmt = stmt.where(within(Penalty.division_code, division))
    items, total = paginate(db, stmt, params)
    return _with_units(db, items, Penalty), total


def list_blacklist(db: Session, *, principal: Principal, params: PageParams, active: bool | None = None,
                   division: str | None = None) -> tuple[list[dict[str, Any]], int]:
    stmt = scoped(principal, BlacklistEntry).order_by(BlacklistEntry.listed_at.desc(), BlacklistEntry.id.desc())
    if active is True:
        stmt = stmt.where(BlacklistEntry.removed_at.is_(None))
    elif active is False:
        stmt = stmt.where(BlacklistEntry.removed_at.is_not(None))
    if division:
        stmt = stmt.where(within(BlacklistEntry.division_code, division))
    items, total = paginate(db, stmt, params)
    return _with_units(db, items, BlacklistEntry), total


def decorate_one(db: Session, row: Any) -> dict[str, Any]:
    return _with_units(db, [row], type(row))[0]
