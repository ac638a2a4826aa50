"""Every write of the elevators domain: registration, the readings hook (困人 detection opens a rescue
and notifies the maintenance company in the same transaction), rescue steps, tier escalation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import township_in_scope
from yingji.core.errors import Conflict, Forbidden
from yingji.core.scope import get_scoped, scoped
from yingji.elevators.models import Elevator, Rescue
from yingji.elevators.rules import ACTION_LABELS, default_config, escalation_tier, next_rescue_state, track
from yingji.elevators.schemas import ElevatorIn, RescueActionIn


def _snap(r: Rescue) -> dict[str, Any]:
    return {"elevator_id": r.elevator_id, "state": r.state, "tier": r.tier, "reason": r.reason}


def _payload(r: Rescue, e: Elevator | None = None, **extra: Any) -> dict[str, Any]:
    return {"rescue_id": r.id, "elevator_id": r.elevator_id, "unit_id": r.unit_id, "state": r.state, "tier": r.tier,
            "detected_at": r.detected_at.isoformat(), "arrival_deadline": r.arrival_deadline.isoformat(),
            "address": e.address if e else None, **extra}


def _notice(r: Rescue, tier: str, at: datetime, e: Elevator) -> dict[str, Any]:
    label = next((t["label"] for t in default_config().tiers if t["key"] == tier), tier)
    n = {"tier": tier, "label": label, "at": at.isoformat(),
         "message": f"【困人】{e.address}{e.building} 电梯 {e.registration_code} 有人被困，请立即前往救援"
                    f"（{'维保单位 ' + e.maintenance_company if tier == 'maintenance' else label}）"}
    r.notices = [*(r.notices or []), n]
    return n


def register(db: Session, actor: Principal, data: ElevatorIn) -> Elevator:
    actor.require("monitoring:write")
    with atomic(db):
        township_in_scope(db, actor, data.division_code)
        if db.scalar(select(Elevator.id).where((Elevator.registration_code == data.registration_code)
                                               | (Elevator.device_code == data.device_code))) is not None:
            raise Conflict("注册代码或物联网终端编码已登记", field="registration_code")
        e = Elevator(registration_code=data.registration_code, device_code=data.device_code, address=data.address,
                     building=data.building, division_code=data.division_code, user_unit_id=data.user_unit_id,
                     maintenance_company=data.maintenance_company, maintenance_phone=data.maintenance_phone,
                     last_inspection=data.last_inspection, running={}, faults=0, trips=0)
        db.add(e)
        db.flush()
        audit.record(db, actor, "elevator.registered", "elevator", e.id, division_code=e.division_code,
                     after=data.model_dump(mode="json"))
        events.emit(db, "elevator.registered", division_code=e.division_code, actor=actor.username,
                    summary=f"登记电梯 {e.registration_code}（{e.address}）", payload={"elevator_id": e.id,
                                                                                   "unit_id": e.user_unit_id})
    return e


def readings_stored(db: Session, actor: Principal, readings: list[dict[str, Any]]) -> list[Rescue]:
    """Called inside the monitoring ingest's transaction (hook ``monitoring.readings_stored``)."""
    cfg = default_config()
    codes = {r["device_code"] for r in readings}
    elevators = {e.device_code: e for e in db.execute(select(Elevator).where(Elevator.device_code.in_(codes))).scalars()}
    if not elevators:
        return []
    open_ids = {eid for (eid,) in db.execute(select(Rescue.elevator_id).where(
        Rescue.elevator_id.in_([e.id for e in elevators.values()]), Rescue.state != "released"))}
    opened = []
    for r in sorted(readings, key=lambda x: x["ts"]):
        e = elevators.get(r["device_code"])
        if e is None:
            continue
        values, ts = r["values"], r["ts"]
        prev = dict(e.running or {})
        if int(values.get("fault", 0) or 0):
            e.faults += 1
        if int(values.get("state", 0) or 0) == 1 and int(prev.get("state", 0) or 0) != 1:
            e.trips += 1
        e.running = {**prev, **values, "ts": ts.isoformat()}
        e.stuck_since, reason = track(e.stuck_since, values, ts, cfg)
        if reason is None or e.id in open_ids:
            continue
        now = utcnow()
        rescue = Rescue(elevator_id=e.id, division_code=e.division_code, unit_id=e.user_unit_id,
                        maintenance_company=e.maintenance_company, reason=reason, state="notified", tier="maintenance",
                        detected_at=ts, notified_at=now, arrival_deadline=ts + cfg.arrival_deadline, notices=[])
        db.add(rescue)
        db.flush()
        notice = _notice(rescue, "maintenance", now, e)
        audit.record(db, actor, "elevator.rescue_opened", "elevator_rescue", rescue.id, division_code=e.division_code,
                     after=_snap(rescue))
        events.emit(db, "elevator.rescue_opened", division_code=e.division_code, actor=actor.username,
                    summary=notice["message"], payload=_payload(rescue, e, notice=notice))
        open_ids.add(e.id)
        opened.append(rescue)
    return opened


def act(db: Session, actor: Principal, rescue_id: int, body: RescueActionIn, now: datetime | None = None) -> Rescue:
    actor.require("monitoring:write")
    now = now or utcnow()
    with atomic(db):
        r = get_scoped(db, actor, Rescue, rescue_id, what="困人救援")
        before = _snap(r)
        try:
            r.state = next_rescue_state(r.state, body.action)
        except ValueError as exc:
            raise Conflict(str(exc), field="action") from None
        setattr(r, {"acknowledge": "acknowledged_at", "arrive": "arrived_at", "release": "released_at"}[body.action], now)
        audit.record(db, actor, f"elevator.rescue_{body.action}", "elevator_rescue", r.id,
                     division_code=r.division_code, before=before, after=_snap(r))
        events.emit(db, f"elevator.rescue_{body.action}", division_code=r.division_code, actor=actor.username,
                    summary=f"困人救援{ACTION_LABELS[body.action]}（救援 {r.id}）", payload=_payload(r))
    return r


def escalate(db: Session, actor: Principal, now: datetime | None = None) -> int:
    """Unacknowledged rescues move to the next tier (96333 centre, then fire rescue); audited as one run."""
    actor.require("monitoring:write")
    if actor.unit_id is not None:
        raise Forbidden("只有监管部门或平台可以执行救援升级")
    now = now or utcnow()
    cfg = default_config()
    n = 0
    with atomic(db):
        for r in db.execute(scoped(actor, Rescue).where(Rescue.state == "notified")).scalars():
            tier = escalation_tier(r.tier, r.state, r.notified_at, now, cfg)
            if tier is None:
                continue
            e = db.get(Elevator, r.elevator_id)
            before = _snap(r)
            r.tier, r.notified_at = tier, now
            notice = _notice(r, tier, now, e)
            audit.record(db, actor, "elevator.rescue_escalated", "elevator_rescue", r.id,
                         division_code=r.division_code, before=before, after=_snap(r))
            events.emit(db, "elevator.rescue_escalated", division_code=r.division_code, actor=actor.username,
                        summary=f"困人救援未响应，已升级至{notice['label']}", payload=_payload(r, e, notice=notice))
            n += 1
        audit.record(db, actor, "elevator.escalation_run", "elevator_rescues", now.strftime("%Y%m%d%H%M%S"),
                     after={"escalated": n})
        events.emit(db, "elevator.escalation_run", division_code=None, actor=actor.username,
                    summary=f"困人救援升级检查：升级 {n} 起", payload={"escalated": n})
    return n


