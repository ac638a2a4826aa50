"""Every write of the dispatch domain: the forces registry, unit status, dispatch orders.

Each public function is one action: permission checked, one transaction (``atomic``), an audit
record per changed entity, events emitted on commit. Issuing an order for an incident sends the
``dispatch.order_issued`` hook (the incidents domain adds a timeline line when it exists).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events, hooks
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import township_in_scope
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.importing import run_import
from yingji.core.scope import get_scoped, visible
from yingji.core.timeutil import to_local
from yingji.dispatch import permissions, service
from yingji.dispatch.grading import dispatch_config, grade_label, merge_plan, requirements
from yingji.dispatch.labels import SPECIALTIES
from yingji.dispatch.models import DispatchOrder, Expert, Force, OrderUnit, Vehicle
from yingji.dispatch.ranking import fmt_duration
from yingji.dispatch.schemas import (
    AddUnitsIn,
    ExpertIn,
    ForceIn,
    OrderIn,
    PickIn,
    RaiseIn,
    StatusIn,
    VehicleIn,
)
from yingji.dispatch.status import DISPATCHABLE, STATUS_LABELS, arrival_within, transition_refusal

ORDER_ISSUED_HOOK = "dispatch.order_issued"
FORCE_FIELDS = ("code", "name", "kind", "station_level", "specialties", "division_code", "address", "lon", "lat",
                "personnel", "contact", "phone", "notes")


def _may_write(actor: Principal) -> None:
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)


def _check_specialties(values: list[str], field: str = "specialties") -> None:
    bad = [v for v in values if v not in SPECIALTIES]
    if bad:
        raise ValidationFailed(f"未配置的专业领域：{'、'.join(bad)}", field=field)


# -- registry --------------------------------------------------------------------------------------

def _new_force(db: Session, actor: Principal, data: ForceIn) -> Force:
    township_in_scope(db, actor, data.division_code)
    _check_specialties(data.specialties)
    if db.scalar(select(Force.id).where(Force.code == data.code)) is not None:
        raise Conflict(f"力量编号 {data.code} 已登记", field="code")
    force = Force(**{k: getattr(data, k) for k in FORCE_FIELDS}, synthetic=False)
    db.add(force)
    db.flush()
    audit.record(db, actor, "dispatch.force_created", "dispatch_force", force.id, division_code=force.division_code,
                 after={k: getattr(force, k) for k in FORCE_FIELDS})
    return force


def create_force(db: Session, actor: Principal, data: ForceIn) -> Force:
    _may_write(actor)
    with atomic(db):
        force = _new_force(db, actor, data)
        events.emit(db, "dispatch.force_created", division_code=force.division_code, actor=actor.username,
                    summary=f"登记救援力量 {force.name}", payload={"force_id": force.id})
    return force


def _new_vehicle(db: Session, actor: Principal, data: VehicleIn, force: Force | None = None) -> Vehicle:
    force = force or get_scoped(db, actor, Force, data.force_id, what="救援力量")
    if data.vehicle_type not in dispatch_config()["unit_types"]:
        raise ValidationFailed(f"未配置的车辆（装备）类型：{data.vehicle_type}", field="vehicle_type")
    if db.scalar(select(Vehicle.id).where(Vehicle.callsign == data.callsign)) is not None:
        raise Conflict(f"车辆呼号 {data.callsign} 已登记", field="callsign")
    v = Vehicle(force_id=force.id, division_code=force.division_code, callsign=data.callsign,
                vehicle_type=data.vehicle_type, capabilities=list(data.capabilities), crew=data.crew,
                status="available", status_at=utcnow(), synthetic=False)
    db.add(v)
    db.flush()
    audit.record(db, actor, "dispatch.vehicle_created", "dispatch_vehicle", v.id, division_code=v.division_code,
                 after={"force_id": force.id, "callsign": v.callsign, "vehicle_type": v.vehicle_type})
    return v


def create_vehicle(db: Session, actor: Principal, data: VehicleIn) -> Vehicle:
    _may_write(actor)
    with atomic(db):
        v = _new_vehicle(db, actor, data)
        events.emit(db, "dispatch.vehicle_created", division_code=v.division_code, actor=actor.username,
                    summary=f"登记救援车辆 {v.callsign}", payload={"vehicle_id": v.id, "force_id": v.force_id})
    return v


def _new_expert(db: Session, actor: Principal, data: ExpertIn) -> Expert:
    township_in_scope(db, actor, data.division_code)
    _check_specialties(data.specialties)
    e = Expert(name=data.name, specialties=list(data.specialties), organisation=data.organisation, title=data.title,
               phone=data.phone, division_code=data.division_code, available=True, synthetic=False)
    db.add(e)
    db.flush()
    audit.record(db, actor, "dispatch.expert_created", "dispatch_expert", e.id, division_code=e.division_code,
                 after={"name": e.name, "specialties": e.specialties})
    return e


def create_expert(db: Session, actor: Principal, data: ExpertIn) -> Expert:
    _may_write(actor)
    with atomic(db):
        e = _new_expert(db, actor, data)
        events.emit(db, "dispatch.expert_created", division_code=e.division_code, actor=actor.username,
                    summary=f"登记应急专家 {e.name}", payload={"expert_id": e.id})
    return e


def import_forces(db: Session, actor: Principal, content: bytes, filename: str, *, mode: str = "all_or_nothing",
                  dry_run: bool = False) -> tuple[int, int, list[Any], bool]:
    """Import forces from xlsx/csv (Chinese headers); every bad row is reported with its row number."""
    from yingji.dispatch.importing import parse_forces

    _may_write(actor)
    rows, errors = parse_forces(content, filename)

    def check(data: ForceIn, seen: set[str]) -> None:
        township_in_scope(db, actor, data.division_code, field="乡镇（街道）代码")
        _check_specialties(data.specialties, field="专业领域")
        if data.code in seen:
            raise Conflict(f"力量编号 {data.code} 在文件中重复", field="力量编号")
        if db.scalar(select(Force.id).where(Force.code == data.code)) is not None:
            raise Conflict(f"力量编号 {data.code} 已登记", field="力量编号")
        seen.add(data.code)

    return run_import(db, actor, rows, errors, mode=mode, dry_run=dry_run, check=check,
                      make=lambda data: _new_force(db, actor, data), what="dispatch_force", label="救援力量",
                      event_type="dispatch.forces_imported", filename=filename)


def import_vehicles(db: Session, actor: Principal, content: bytes, filename: str, *, mode: str = "all_or_nothing",
                    dry_run: bool = False) -> tuple[int, int, list[Any], bool]:
    """Import vehicles (列 力量编号 names the force they belong to)."""
    from yingji.dispatch.importing import parse_vehicles

    _may_write(actor)
    rows, errors = parse_vehicles(content, filename)
    forces: dict[str, Force] = {}

    def check(item: tuple[str, VehicleIn], seen: set[str]) -> None:
        code, data = item
        force = db.scalar(select(Force).where(Force.code == code))
        if force is None or not visible(actor, force):
            raise ValidationFailed(f"力量编号 {code} 不存在或不在您的管辖范围内", field="力量编号")
        if data.vehicle_type not in dispatch_config()["unit_types"]:
            raise ValidationFailed(f"未配置的车辆（装备）类型：{data.vehicle_type}", field="车辆类型")
        if data.callsign in seen:
            raise Conflict(f"车辆呼号 {data.callsign} 在文件中重复", field="车辆呼号")
        if db.scalar(select(Vehicle.id).where(Vehicle.callsign == data.callsign)) is not None:
            raise Conflict(f"车辆呼号 {data.callsign} 已登记", field="车辆呼号")
        seen.add(data.callsign)
        forces[code] = force

    def make(item: tuple[str, VehicleIn]) -> Vehicle:
        code, data = item
        force = forces[code]
        return _new_vehicle(db, actor, data.model_copy(update={"force_id": force.id}), force=force)

    return run_import(db, actor, rows, errors, mode=mode, dry_run=dry_run, check=check, make=make,
                      what="dispatch_vehicle", label="救援车辆", event_type="dispatch.vehicles_imported",
                      filename=filename)


def import_experts(db: Session, actor: Principal, content: bytes, filename: str, *, mode: str = "all_or_nothing",
                   dry_run: bool = False) -> tuple[int, int, list[Any], bool]:
    """Import experts (专家库) from xlsx/csv; every bad row reported with its row number."""
    from yingji.dispatch.importing import parse_experts

    _may_write(actor)
    rows, errors = parse_experts(content, filename)

    def check(data: ExpertIn, seen: set[str]) -> None:
        township_in_scope(db, actor, data.division_code, field="乡镇（街道）代码")

    return run_import(db, actor, rows, errors, mode=mode, dry_run=dry_run, check=check,
                      make=lambda data: _new_expert(db, actor, data), what="dispatch_expert", label="应急专家",
                      event_type="dispatch.experts_imported", filename=filename)


# -- unit status --------------------------------------------------------------------------------------

def _active_unit(db: Session, v: Vehicle) -> OrderUnit | None:
    if v.order_id is None:
        return None
    return db.scalar(select(OrderUnit).where(OrderUnit.order_id == v.order_id, OrderUnit.vehicle_id == v.id,
                                             OrderUnit.released_at.is_(None)))


def _status_event(db: Session, actor: Principal, v: Vehicle, before: str, note: str = "",
                  extra: dict[str, Any] | None = None) -> None:
    audit.record(db, actor, "dispatch.vehicle_status", "dispatch_vehicle", v.id, division_code=v.division_code,
                 before={"status": before}, after={"status": v.status, "order_id": v.order_id, "note": note})
    events.emit(db, "dispatch.vehicle_status", division_code=v.division_code, actor=actor.username,
                summary=f"{v.callsign}：{STATUS_LABELS[before]} → {STATUS_LABELS[v.status]}",
                payload={"vehicle_id": v.id, "force_id": v.force_id, "status": v.status, "from": before,
                         "order_id": v.order_id, "at": v.status_at.isoformat(), **(extra or {})})


def set_vehicle_status(db: Session, actor: Principal, vehicle_id: int, data: StatusIn, *,
                       now: datetime | None = None) -> Vehicle:
    """Change a unit's status; on its order, record departure, arrival (against the 5-minute
    standard) and release; the order ends when its last unit is released."""
    _may_write(actor)
    now = now or utcnow()
    with atomic(db):
        v = get_scoped(db, actor, Vehicle, vehicle_id, what="救援车辆（装备）")
        before = v.status
        if (reason := transition_refusal(before, data.status)) is not None:
            raise Conflict(reason, field="status")
        if data.status == "dispatched":
            raise Conflict("调派须通过调派单下达", field="status")
        unit = _active_unit(db, v)
        extra: dict[str, Any] = {}
        if unit is not None:
            if data.status == "en_route":
                unit.departed_at = now
            elif data.status == "on_scene":
                unit.arrived_at = now
                unit.arrival_seconds = max(0.0, (now - unit.dispatched_at).total_seconds())
                unit.within_standard = arrival_within(unit.arrival_seconds, dispatch_config()["arrival_standard_seconds"])
                extra = {"arrival_seconds": unit.arrival_seconds, "within_standard": unit.within_standard}
            elif data.status in ("returning", "available"):
                unit.released_at = now
        v.status, v.status_at = data.status, now
        order_id = v.order_id
        if data.status in ("returning", "available"):
            v.order_id = None
        db.flush()
        _status_event(db, actor, v, before, data.note, extra)
        if order_id is not None and unit is not None and unit.released_at is not None:
            _close_if_done(db, actor, order_id, now)
    return v


def _close_if_done(db: Session, actor: Principal, order_id: int, now: datetime) -> None:
    open_units = db.scalar(select(OrderUnit.id).where(OrderUnit.order_id == order_id,
                                                     OrderUnit.released_at.is_(None)).limit(1))
    order = db.get(DispatchOrder, order_id)
    if open_units is not None or order is None or order.status != "issued":
        return
    order.status, order.closed_at = "closed", now
    db.flush()
    audit.record(db, actor, "dispatch.order_closed", "dispatch_order", order.id, division_code=order.division_code,
                 before={"status": "issued"}, after={"status": "closed"})
    events.emit(db, "dispatch.order_closed", division_code=order.division_code, actor=actor.username,
                summary=f"调派单 {order.code} 力量全部归队", payload={"order_id": order.id})


# -- orders ---------------------------------------------------------------------------------------------

def _dispatch_units(db: Session, actor: Principal, order: DispatchOrder, picks: list[PickIn],
                    rec: service.Recommendation, router: Any, now: datetime) -> list[OrderUnit]:
    if len({p.vehicle_id for p in picks}) != len(picks):
        raise ValidationFailed("同一车辆不能重复调派", field="vehicles")
    types = dispatch_config()["unit_types"]
    shown = rec.picks()
    manual_ids = [p.vehicle_id for p in picks if p.vehicle_id not in shown]
    manual = {c.vehicle_id: c for c in service.candidates(db, actor, order.lon, order.lat,
                                                          router or service.default_router(),
                                                          vehicle_ids=manual_ids)[0]} if manual_ids else {}
    out = []
    for p in picks:
        if p.unit_type not in types:
            raise ValidationFailed(f"未配置的车辆（装备）类型：{p.unit_type}", field="vehicles")
        v = get_scoped(db, actor, Vehicle, p.vehicle_id, what="救援车辆（装备）")
        if v.status not in DISPATCHABLE:
            raise Conflict(f"{v.callsign} 当前为“{STATUS_LABELS[v.status]}”，不能调派", field="vehicles")
        if p.vehicle_id in shown:
            _, pick, selected = shown[p.vehicle_id]
            c, recommended = pick.candidate, selected
            reason = pick.reason if selected else f"调度员改选备选力量：{pick.reason}"
        else:
            c = manual.get(p.vehicle_id)
            secs = c.seconds if c is not None else None
            reason = "调度员增派" + (f"；行驶约 {fmt_duration(secs)}" if secs is not None else "")
            recommended = False
        unit = OrderUnit(order_id=order.id, vehicle_id=v.id, division_code=order.division_code, unit_type=p.unit_type,
                         travel_seconds=c.seconds if c else None, travel_meters=c.meters if c else None,
                         travel_model=c.model if c else "", reason=reason, recommended=recommended, dispatched_at=now)
        db.add(unit)
        before = v.status
        v.status, v.status_at, v.order_id = "dispatched", now, order.id
        db.flush()
        _status_event(db, actor, v, before, f"调派单 {order.code}")
        out.append(unit)
    return out


def _order_code(order_id: int, now: datetime) -> str:
    return f"DP{to_local(now):%Y%m%d}-{order_id:05d}"


def issue_order(db: Session, actor: Principal, data: OrderIn, *, router: Any = None,
                now: datetime | None = None) -> DispatchOrder:
    """Generate the dispatch order (调派单) from the dispatcher's accepted or edited choice."""
    _may_write(actor)
    now = now or utcnow()
    with atomic(db):
        rec = service.recommend(db, actor, data, router=router)
        for eid in data.expert_ids:
            get_scoped(db, actor, Expert, eid, what="应急专家")
        order = DispatchOrder(code=f"tmp-{now.timestamp()}-{actor.username}"[:32], incident_id=data.incident_id,
                              division_code=rec.division.code, incident_type=data.incident_type,
                              address=data.address or rec.division.name, lon=data.lon, lat=data.lat, grade=rec.grade,
                              grade_basis=rec.grade_basis, plan_based=rec.plan_based, requirements=rec.requirements,
                              expert_ids=list(data.expert_ids), notes=data.notes, status="issued",
                              issued_by=actor.username, issued_at=now, synthetic=False)
        db.add(order)
        db.flush()
        order.code = _order_code(order.id, now)
        units = _dispatch_units(db, actor, order, data.vehicles, rec, router, now)
        audit.record(db, actor, "dispatch.order_issued", "dispatch_order", order.id, division_code=order.division_code,
                     after={"code": order.code, "incident_id": order.incident_id, "grade": order.grade,
                            "incident_type": order.incident_type, "vehicles": [u.vehicle_id for u in units]})
        summary = (f"下达调派单 {order.code}：{grade_label(order.grade)}，"
                   f"{dispatch_config()['incident_types'][order.incident_type]['label']}，调派 {len(units)} 车")
        events.emit(db, "dispatch.order_issued", division_code=order.division_code, actor=actor.username,
                    summary=summary, payload={"order_id": order.id, "incident_id": order.incident_id,
                                              "grade": order.grade, "vehicles": [u.vehicle_id for u in units]})
        if order.incident_id is not None:
            hooks.send(db, actor, ORDER_ISSUED_HOOK, incident_id=order.incident_id, order_id=order.id, summary=summary)
    return order


def raise_grade(db: Session, actor: Principal, order_id: int, data: RaiseIn) -> DispatchOrder:
    """Raise an order's fire-alarm grade (never lower it); the requirements follow the new grade."""
    _may_write(actor)
    with atomic(db):
        order = get_scoped(db, actor, DispatchOrder, order_id, what="调派单")
        if order.status != "issued":
            raise Conflict("调派已结束，不能再提升等级", field="grade")
        if data.grade <= order.grade:
            raise ValidationFailed(f"火警等级只能提升、不能降低：当前为 {order.grade} 级", field="grade")
        before = order.grade
        plan_rows = [r for r in (order.requirements or []) if r.get("source") in ("plan", "grade+plan")]
        order.grade = data.grade
        order.requirements = merge_plan(requirements(order.incident_type, data.grade), plan_rows)
        order.grade_basis = [*(order.grade_basis or []), f"提升至{grade_label(data.grade)}：{data.reason}"]
        db.flush()
        audit.record(db, actor, "dispatch.grade_raised", "dispatch_order", order.id, division_code=order.division_code,
                     before={"grade": before}, after={"grade": order.grade, "reason": data.reason})
        events.emit(db, "dispatch.grade_raised", division_code=order.division_code, actor=actor.username,
                    summary=f"调派单 {order.code} 提升至{grade_label(order.grade)}",
                    payload={"order_id": order.id, "incident_id": order.incident_id, "grade": order.grade})
    return order


def add_units(db: Session, actor: Principal, order_id: int, data: AddUnitsIn, *, router: Any = None,
              now: datetime | None = None) -> DispatchOrder:
    """增派: send more units on an issued order (e.g. after raising its grade)."""
    _may_write(actor)
    now = now or utcnow()
    with atomic(db):
        order = get_scoped(db, actor, DispatchOrder, order_id, what="调派单")
        if order.status != "issued":
            raise Conflict("调派已结束，不能增派", field="vehicles")
        from yingji.dispatch.schemas import RecommendIn

        rec = service.recommend(db, actor, RecommendIn(
            incident_id=order.incident_id, lon=order.lon, lat=order.lat, division_code=order.division_code,
            incident_type=order.incident_type, fire_grade=order.grade, use_plan=order.plan_based), router=router) \
            if order.incident_id is None else service.recommend(db, actor, RecommendIn(
                incident_id=order.incident_id, lon=order.lon, lat=order.lat, division_code=order.division_code,
                incident_type=order.incident_type, use_plan=order.plan_based), router=router)
        units = _dispatch_units(db, actor, order, data.vehicles, rec, router, now)
        audit.record(db, actor, "dispatch.units_added", "dispatch_order", order.id, division_code=order.division_code,
                     after={"vehicles": [u.vehicle_id for u in units]})
        events.emit(db, "dispatch.units_added", division_code=order.division_code, actor=actor.username,
                    summary=f"调派单 {order.code} 增派 {len(units)} 车",
                    payload={"order_id": order.id, "incident_id": order.incident_id,
                             "vehicles": [u.vehicle_id for u in units]})
        if order.incident_id is not None:
            hooks.send(db, actor, ORDER_ISSUED_HOOK, incident_id=order.incident_id, order_id=order.id,
                       summary=f"调派单 {order.code} 增派 {len(units)} 车")
    return order
