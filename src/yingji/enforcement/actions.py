"""Every write of the enforcement domain: annual plans, plan links, penalties, blacklist."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Division
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.scope import ensure_in_scope, get_scoped, visible, within
from yingji.enforcement import permissions
from yingji.enforcement.catalog import load_inspection_frequencies
from yingji.enforcement.models import BlacklistEntry, InspectionPlan, Penalty, PlannedInspection
from yingji.enforcement.planning import annual_plan
from yingji.enforcement.schemas import BlacklistIn, BlacklistRemoveIn, PenaltyIn, PlanGenerateIn
from yingji.hazards.models import Inspection
from yingji.hazards.service import mark_planned_visit
from yingji.risk.grading import LEVEL_KEYS
from yingji.units.models import Unit


def _refuse(reason: str | None, field: str | None = None) -> None:
    if reason is not None:
        raise Forbidden(reason, field=field)


def _frequencies(raw: dict[str, int] | None) -> dict[str | None, int] | None:
    if raw is None:
        return None
    freq: dict[str | None, int] = dict(load_inspection_frequencies())
    for key, n in raw.items():
        if key == "unrated":
            freq[None] = n
        elif key in LEVEL_KEYS:
            freq[key] = n
        else:
            raise ValidationFailed(f"风险等级“{key}”无效，可选：{'、'.join(LEVEL_KEYS)}、unrated",
                                   field="frequencies")
    return freq


def generate_plan(db: Session, actor: Principal, data: PlanGenerateIn) -> InspectionPlan:
    """年度执法检查计划 of every unit in ``division_code`` from their risk levels (planning.annual_plan)."""
    _refuse(permissions.plan_refusal(actor), field="division_code")
    with atomic(db):
        ensure_in_scope(actor, data.division_code)
        if db.get(Division, data.division_code) is None:
            raise ValidationFailed(f"行政区划 {data.division_code} 不存在", field="division_code")
        existing = db.scalar(select(InspectionPlan).where(InspectionPlan.year == data.year,
                                                          InspectionPlan.division_code == data.division_code))
        if existing is not None:
            if not data.replace:
                raise Conflict(f"{data.year} 年该区划的检查计划已存在（如需重新生成请选择“重新生成”）",
                               field="year")
            done = db.scalar(select(func.count()).select_from(PlannedInspection).where(
                PlannedInspection.plan_id == existing.id, PlannedInspection.done_inspection_id.is_not(None)))
            if done:
                raise Conflict(f"该计划已有 {done} 次检查完成，不能重新生成", field="replace")
            db.execute(delete(PlannedInspection).where(PlannedInspection.plan_id == existing.id))
            audit.record(db, actor, "inspection_plan.replaced", "inspection_plan", existing.id,
                         division_code=existing.division_code, before={"year": existing.year,
                                                                      "items": existing.item_count})
            db.delete(existing)
            db.flush()
        units = db.execute(select(Unit.id, Unit.risk_level, Unit.division_code).where(
            within(Unit.division_code, data.division_code))
            .order_by(Unit.id)).all()
        unit_rows = [{"id": u.id, "level": u.risk_level, "division_code": u.division_code} for u in units]
        items = annual_plan(unit_rows, data.year, frequencies=_frequencies(data.frequencies), seed=data.seed)
        plan = InspectionPlan(year=data.year, division_code=data.division_code,
                              params={"seed": data.seed, "frequencies": data.frequencies, "units": len(unit_rows)},
                              item_count=len(items), actor=actor.username, generated_at=utcnow())
        db.add(plan)
        db.flush()
        if items:
            db.execute(PlannedInspection.__table__.insert(), [
                {"plan_id": plan.id, "unit_id": p.unit_id, "division_code": p.division_code,
                 "planned_date": p.planned_date, "sequence": p.sequence, "level": p.level,
                 "done_inspection_id": None} for p in items])
        audit.record(db, actor, "inspection_plan.generated", "inspection_plan", plan.id,
                     division_code=plan.division_code, after={"year": plan.year, "items": len(items),
                                                              "units": len(unit_rows)})
        events.emit(db, "inspection_plan.generated", division_code=plan.division_code, actor=actor.username,
                    summary=f"{data.year} 年度执法检查计划已生成：{len(unit_rows)} 家单位 {len(items)} 次检查",
                    payload={"plan_id": plan.id, "year": plan.year})
    return plan


def link_inspection(db: Session, actor: Principal, item_id: int, inspection_id: int) -> PlannedInspection:
    _refuse(permissions.visit_refusal(actor), field="inspection_id")
    with atomic(db):
        item = get_scoped(db, actor, PlannedInspection, item_id, what="计划检查")
        insp = get_scoped(db, actor, Inspection, inspection_id, what="检查记录")
        if insp.unit_id != item.unit_id:
            raise ValidationFailed("检查记录与计划检查不是同一单位", field="inspection_id")
        if item.done_inspection_id is not None:
            raise Conflict("该计划检查已关联检查记录", field="inspection_id")
        if insp.kind != "department":
            raise ValidationFailed("年度执法检查计划只能由部门检查完成，企业自查不能关联", field="inspection_id")
        other = db.scalar(select(PlannedInspection.id).where(PlannedInspection.done_inspection_id == insp.id,
                                                             PlannedInspection.id != item.id))
        if other is not None:
            raise Conflict(f"该检查记录已关联计划检查 #{other}", field="inspection_id")
        item.done_inspection_id = insp.id
        mark_planned_visit(insp, item.id)
        audit.record(db, actor, "planned_inspection.done", "planned_inspection", item.id,
                     division_code=item.division_code, after={"inspection_id": insp.id})
        events.emit(db, "planned_inspection.done", division_code=item.division_code, actor=actor.username,
                    summary=f"计划检查 #{item.id} 已完成", payload={"item_id": item.id, "unit_id": item.unit_id,
                                                                 "inspection_id": insp.id})
    return item


def record_penalty(db: Session, actor: Principal, data: PenaltyIn) -> Penalty:
    _refuse(permissions.penalty_refusal(actor))
    with atomic(db):
        unit = get_scoped(db, actor, Unit, data.unit_id, what="生产经营单位")
        existing = db.scalar(select(Penalty).where(Penalty.decision_no == data.decision_no))
        if existing is not None:  # decision numbers are unique; one outside the actor's scope is not described
            raise Conflict(f"处罚决定书文号 {data.decision_no} 已登记" if visible(actor, existing)
                           else f"处罚决定书文号 {data.decision_no} 不可用，请核对文号", field="decision_no")
        p = Penalty(unit_id=unit.id, division_code=unit.division_code, decision_no=data.decision_no,
                    amount_yuan=data.amount_yuan, reason=data.reason, decided_at=data.decided_at,
                    actor=actor.username, synthetic=False)
        db.add(p)
        db.flush()
        audit.record(db, actor, "penalty.recorded", "penalty", p.id, division_code=p.division_code,
                     after={"unit_id": unit.id, "decision_no": p.decision_no, "amount_yuan": str(p.amount_yuan)})
        events.emit(db, "penalty.recorded", division_code=p.division_code, actor=actor.username,
                    summary=f"{unit.name} 行政处罚 {p.decision_no}", payload={"penalty_id": p.id, "unit_id": unit.id})
    return p


def blacklist_add(db: Session, actor: Principal, data: BlacklistIn) -> BlacklistEntry:
    _refuse(permissions.blacklist_refusal(actor))
    with atomic(db):
        unit = get_scoped(db, actor, Unit, data.unit_id, what="生产经营单位")
        if db.scalar(select(BlacklistEntry.id).where(BlacklistEntry.unit_id == unit.id,
                                                     BlacklistEntry.removed_at.is_(None))) is not None:
            raise Conflict("该单位已在黑名单中", field="unit_id")
        e = BlacklistEntry(unit_id=unit.id, division_code=unit.division_code, reason=data.reason,
                           listed_at=data.listed_at or utcnow(), actor=actor.username, synthetic=False)
        db.add(e)
        db.flush()
        audit.record(db, actor, "blacklist.added", "blacklist_entry", e.id, division_code=e.division_code,
                     after={"unit_id": unit.id, "reason": e.reason})
        events.emit(db, "blacklist.added", division_code=e.division_code, actor=actor.username,
                    summary=f"{unit.name} 列入安全生产失信黑名单", payload={"entry_id": e.id, "unit_id": unit.id})
    return e


def blacklist_remove(db: Session, actor: Principal, entry_id: int, data: BlacklistRemoveIn) -> BlacklistEntry:
    _refuse(permissions.blacklist_refusal(actor))
    with atomic(db):
        e = get_scoped(db, actor, BlacklistEntry, entry_id, what="黑名单记录")
        if e.removed_at is not None:
            raise Conflict("该记录已移出黑名单", field="removal_reason")
        removed_at = data.removed_at or utcnow()
        if removed_at < e.listed_at:
            raise ValidationFailed("移出日期不能早于列入日期", field="removed_at")
        e.removed_at, e.removal_reason = removed_at, data.removal_reason
        audit.record(db, actor, "blacklist.removed", "blacklist_entry", e.id, division_code=e.division_code,
                     after={"removal_reason": e.removal_reason})
        events.emit(db, "blacklist.removed", division_code=e.division_code, actor=actor.username,
                    summary=f"单位 #{e.unit_id} 移出黑名单", payload={"entry_id": e.id, "unit_id": e.unit_id})
    return e

