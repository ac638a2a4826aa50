"""Reads of the enforcement domain, always through the jurisdiction filter (lists: core.listing)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.errors import NotFound
from yingji.core.listing import ListSpec, eq, within_division
from yingji.core.scope import ancestors, scope_clause, scoped, within
from yingji.enforcement.models import BlacklistEntry, InspectionPlan, Penalty, PlannedInspection
from yingji.enforcement.schemas import (
    BlacklistOut,
    BlacklistQuery,
    PenaltyOut,
    PenaltyQuery,
    PlanItemOut,
    PlanItemQuery,
    PlanOut,
    PlanQuery,
)
from yingji.units.models import Unit


def plan_visible(principal: Principal) -> Any:
    """Plans a user sees: those of divisions inside their jurisdiction, and those of the divisions
    containing it (the city's annual plan: a county or township sees its part — the items are
    filtered to its jurisdiction). Enterprise users see no plans."""
    if principal.unit_id is not None:
        return false()
    return within(InspectionPlan.division_code, principal.scope_code) | InspectionPlan.division_code.in_(
        ancestors(principal.scope_code))


def _plan_division(code: str) -> Any:
    """``?division=``: plans of that division, inside it, or containing it (its part of a wider plan)."""
    return within(InspectionPlan.division_code, code) | InspectionPlan.division_code.in_(ancestors(code))


PLANS = ListSpec(
    model=InspectionPlan, query=PlanQuery,
    filters={"year": eq(InspectionPlan.year), "division": _plan_division},
    sorts={"year": InspectionPlan.year, "division_code": InspectionPlan.division_code,
           "generated_at": InspectionPlan.generated_at, "id": InspectionPlan.id},
    labels={"year": "年度", "division_code": "区划", "generated_at": "生成时间"},
    default_sort=("-year", "division_code"),
    scope=False,  # plan_visible() instead: a county sees its part of the city's plan
)


def plans(db: Session, *, principal: Principal, query: PlanQuery) -> dict[str, Any]:
    """The plans the principal sees, each with the number of its visits inside the jurisdiction."""
    def out(rows: list[InspectionPlan]) -> list[PlanOut]:
        ids = [p.id for p in rows]
        mine = dict(db.execute(select(PlannedInspection.plan_id, func.count()).where(
            PlannedInspection.plan_id.in_(ids), scope_clause(principal, PlannedInspection))
            .group_by(PlannedInspection.plan_id)).all()) if ids else {}
        return [PlanOut.model_validate(p).model_copy(update={"items_in_scope": int(mine.get(p.id, 0))})
                for p in rows]

    return PLANS.page(db, None, query, out=out, base=select(InspectionPlan).where(plan_visible(principal)))


def _month(plan_year: int) -> Any:
    def clause(month: int) -> Any:
        start = date(plan_year, month, 1)
        end = date(plan_year + 1, 1, 1) if month == 12 else date(plan_year, month + 1, 1)
        return (PlannedInspection.planned_date >= start) & (PlannedInspection.planned_date < end)
    return clause


def plan_items_spec(plan: InspectionPlan) -> ListSpec:
    return ListSpec(
        model=PlannedInspection, query=PlanItemQuery,
        filters={"month": _month(plan.year), "unit_id": eq(PlannedInspection.unit_id),
                 "division": within_division(PlannedInspection.division_code),
                 "done": lambda v: PlannedInspection.done_inspection_id.is_not(None) if v
                 else PlannedInspection.done_inspection_id.is_(None)},
        sorts={"planned_date": PlannedInspection.planned_date, "unit_id": PlannedInspection.unit_id,
               "sequence": PlannedInspection.sequence, "level": PlannedInspection.level, "id": PlannedInspection.id},
        labels={"planned_date": "计划日期", "unit_id": "单位", "sequence": "第几次", "level": "风险等级"},
        default_sort=("planned_date", "unit_id", "sequence"),
    )


PENALTIES = ListSpec(
    model=Penalty, query=PenaltyQuery,
    filters={"unit_id": eq(Penalty.unit_id), "division": within_division(Penalty.division_code)},
    sorts={"decided_at": Penalty.decided_at, "amount_yuan": Penalty.amount_yuan, "decision_no": Penalty.decision_no,
           "id": Penalty.id},
    labels={"decided_at": "决定日期", "amount_yuan": "罚款金额", "decision_no": "文号"},
    default_sort=("-decided_at",),
)

BLACKLIST = ListSpec(
    model=BlacklistEntry, query=BlacklistQuery,
    filters={"active": lambda v: BlacklistEntry.removed_at.is_(None) if v else BlacklistEntry.removed_at.is_not(None),
             "division": within_division(BlacklistEntry.division_code), "unit_id": eq(BlacklistEntry.unit_id)},
    sorts={"listed_at": BlacklistEntry.listed_at, "removed_at": BlacklistEntry.removed_at, "id": BlacklistEntry.id},
    labels={"listed_at": "列入日期", "removed_at": "移出日期"},
    default_sort=("-listed_at",),
)


def unit_names(db: Session, rows: list[Any]) -> dict[int, str]:
    ids = {r.unit_id for r in rows}
    return dict(db.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()) if ids else {}


def with_units(db: Session, rows: list[Any], out: type[Any]) -> list[Any]:
    """Response models of ``rows`` with the unit's name."""
    names = unit_names(db, rows)
    return [out.model_validate(r).model_copy(update={"unit_name": names.get(r.unit_id, "")}) for r in rows]


def get_plan(db: Session, *, principal: Principal, plan_id: int) -> InspectionPlan:
    plan = db.scalar(select(InspectionPlan).where(InspectionPlan.id == plan_id, plan_visible(principal)))
    if plan is None:
        raise NotFound("检查计划不存在或不在您的管辖范围内")
    return plan


def plan_summary(db: Session, *, principal: Principal, plan_id: int) -> dict[str, Any]:
    plan = get_plan(db, principal=principal, plan_id=plan_id)
    months: Counter[int] = Counter()
    done: Counter[int] = Counter()
    for d, finished in db.execute(scoped(principal, PlannedInspection).with_only_columns(
            PlannedInspection.planned_date, PlannedInspection.done_inspection_id)
            .where(PlannedInspection.plan_id == plan.id)).all():
        months[d.month] += 1
        done[d.month] += int(finished is not None)
    plan_out = PlanOut.model_validate(plan).model_copy(update={"items_in_scope": sum(months.values())})
    return {"plan": plan_out, "by_month": [{"month": m, "planned": months[m], "done": done[m]} for m in range(1, 13)]}


def plan_items(db: Session, *, principal: Principal, plan_id: int, query: PlanItemQuery) -> dict[str, Any]:
    plan = get_plan(db, principal=principal, plan_id=plan_id)
    base = select(PlannedInspection).where(PlannedInspection.plan_id == plan.id)
    return plan_items_spec(plan).page(db, principal, query, base=base,
                                      out=lambda rows: with_units(db, rows, PlanItemOut))


def penalties(db: Session, *, principal: Principal, query: PenaltyQuery) -> dict[str, Any]:
    return PENALTIES.page(db, principal, query, out=lambda rows: with_units(db, rows, PenaltyOut))


def blacklist(db: Session, *, principal: Principal, query: BlacklistQuery) -> dict[str, Any]:
    return BLACKLIST.page(db, principal, query, out=lambda rows: with_units(db, rows, BlacklistOut))
