"""Every write of the monitoring domain: points (register, change, import), telemetry uploads,
alarm steps, the periodic checks (escalation, offline) and the hand-over of an alarm to the
incident and warning domains (hooks they answer)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.core import audit, events, hooks
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import township_in_scope
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.importing import ImportRowError
from yingji.core.scope import get_scoped, scoped
from yingji.monitoring import alarming, permissions
from yingji.monitoring.ingest import BatchResult, Message, store_batch
from yingji.monitoring.models import Alarm, LatestValue, MonitoringPoint
from yingji.monitoring.rules import (
    ACTION_LABELS,
    Finding,
    Transition,
    default_catalog,
    due_for_escalation,
    effective_rules,
    is_offline,
    next_alarm_state,
)
from yingji.monitoring.schemas import AlarmActionIn, PointIn, PointPatch

OPEN_INCIDENT_HOOK = "monitoring.alarm_open_incident"
PROPOSE_WARNING_HOOK = "monitoring.alarm_propose_warning"
NOT_DEPLOYED = "事件/预警模块未部署"


def _refuse(reason: str | None, field: str | None = None) -> None:
    if reason is not None:
        raise Forbidden(reason, field=field)


def _point_snapshot(p: MonitoringPoint) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "device_type": p.device_type, "division_code": p.division_code,
            "unit_id": p.unit_id, "risk_source_id": p.risk_source_id, "lon": p.lon, "lat": p.lat,
            "active": p.active, "rules_override": p.rules_override}


def _check_point(db: Session, actor: Principal, data: PointIn, field_prefix: str = "") -> dict[str, Any]:
    """Validate a new point; returns the resolved columns (unit/risk source checked and in scope)."""
    from yingji.risk.models import RiskSource
    from yingji.units.models import Unit

    dtype = default_catalog().type(data.device_type)
    if dtype is None:
        raise ValidationFailed(f"设备类型 {data.device_type} 未定义", field=field_prefix + "device_type")
    township_in_scope(db, actor, data.division_code, field=field_prefix + "division_code")
    unit_id = data.unit_id
    if data.risk_source_id is not None:
        source = get_scoped(db, actor, RiskSource, data.risk_source_id, what="风险源")
        if unit_id is not None and unit_id != source.unit_id:
            raise ValidationFailed("风险源不属于该责任单位", field=field_prefix + "risk_source_id")
        unit_id = source.unit_id  # a major hazard source's tanks belong to its unit
    if unit_id is not None:
        get_scoped(db, actor, Unit, unit_id, what="生产经营单位")
    if data.rules_override:
        try:
            effective_rules(dtype, data.rules_override)
        except (KeyError, TypeError, ValueError):
            raise ValidationFailed("规则覆盖格式错误", field=field_prefix + "rules_override") from None
    if db.scalar(select(MonitoringPoint.id).where(MonitoringPoint.code == data.code)) is not None:
        raise Conflict(f"设备编码 {data.code} 已登记", field=field_prefix + "code")
    return {"unit_id": unit_id}


def _new_point(db: Session, actor: Principal, data: PointIn, unit_id: int | None,
               synthetic: bool = False) -> MonitoringPoint:
    p = MonitoringPoint(code=data.code, name=data.name, device_type=data.device_type, division_code=data.division_code,
                        unit_id=unit_id, risk_source_id=data.risk_source_id, lon=data.lon, lat=data.lat,
                        address=data.address, rules_override=data.rules_override or {}, active=True, online=True,
                        synthetic=synthetic)
    db.add(p)
    db.flush()
    audit.record(db, actor, "monitoring.point_created", "monitoring_point", p.id, division_code=p.division_code,
                 after=_point_snapshot(p))
    return p


def create_point(db: Session, actor: Principal, data: PointIn) -> MonitoringPoint:
    actor.require("monitoring:write")
    with atomic(db):
        resolved = _check_point(db, actor, data)
        p = _new_point(db, actor, data, resolved["unit_id"])
        events.emit(db, "monitoring.point_created", division_code=p.division_code, actor=actor.username,
                    summary=f"登记监测点 {p.code}（{p.name}）", payload={"point_id": p.id, "unit_id": p.unit_id})
    return p


def update_point(db: Session, actor: Principal, point_id: int, data: PointPatch) -> MonitoringPoint:
    actor.require("monitoring:write")
    with atomic(db):
        p = get_scoped(db, actor, MonitoringPoint, point_id, what="监测点")
        before = _point_snapshot(p)
        if data.rules_override is not None:
            try:
                effective_rules(default_catalog().type(p.device_type), data.rules_override)  # type: ignore[arg-type]
            except (KeyError, TypeError, ValueError):
                raise ValidationFailed("规则覆盖格式错误", field="rules_override") from None
        for key, value in data.model_dump(exclude_none=True).items():
            setattr(p, key, value)
        p.updated_at = utcnow()
        audit.record(db, actor, "monitoring.point_updated", "monitoring_point", p.id, division_code=p.division_code,
                     before=before, after=_point_snapshot(p))
        events.emit(db, "monitoring.point_updated", division_code=p.division_code, actor=actor.username,
                    summary=f"修改监测点 {p.code}", payload={"point_id": p.id, "unit_id": p.unit_id})
    return p


def import_points(db: Session, actor: Principal, content: bytes, filename: str, *, mode: str = "all_or_nothing",
                  dry_run: bool = False) -> tuple[int, int, list[ImportRowError], bool]:
    """Import monitoring points from xlsx/csv, every row checked (row errors in Chinese)."""
    from pydantic import ValidationError

    from yingji.core.importing import row_errors, run_import
    from yingji.monitoring.importing import POINT_LABELS, parse_rows
    from yingji.risk.models import RiskSource
    from yingji.units.models import Unit

    _refuse(permissions.write_refusal(actor))
    raw, errors = parse_rows(content, filename)
    rows: list[tuple[int, PointIn]] = []
    for rownum, values in raw:
        credit, source_code = values.pop("credit_code", None), values.pop("source_code", None)
        if credit is not None:
            unit = db.scalar(select(Unit).where(Unit.credit_code == credit))
            if unit is None:
                errors.append(ImportRowError(row=rownum, field="单位统一社会信用代码", message=f"单位 {credit} 不存在"))
                continue
            values["unit_id"] = unit.id
        if source_code is not None:
            source = db.scalar(select(RiskSource).where(RiskSource.code == source_code))
            if source is None:
                errors.append(ImportRowError(row=rownum, field="风险源编号", message=f"风险源 {source_code} 不存在"))
                continue
            values["risk_source_id"] = source.id
        try:
            rows.append((rownum, PointIn(**values)))
        except ValidationError as exc:
            errors.extend(row_errors(rownum, exc, POINT_LABELS))
    resolved: dict[int, int | None] = {}

    def check(item: tuple[int, PointIn], seen: set[str]) -> None:
        rownum, data = item
        if data.code in seen:
            raise Conflict(f"设备编码 {data.code} 在文件中重复", field="设备编码")
        try:
            resolved[rownum] = _check_point(db, actor, data)["unit_id"]
        except (ValidationFailed, Conflict, Forbidden) as exc:
            exc.field = POINT_LABELS.get(exc.field or "", exc.field)
            raise
        seen.add(data.code)

    def make(item: tuple[int, PointIn]) -> MonitoringPoint:
        rownum, data = item
        return _new_point(db, actor, data, resolved.get(rownum))

    return run_import(db, actor, [(n, (n, d)) for n, d in rows], errors, mode=mode, dry_run=dry_run, check=check,
                      make=make, what="monitoring_points", label="监测点", event_type="monitoring.points_imported",
                      filename=filename)


def ingest_telemetry(db: Session, actor: Principal, messages: list[dict[str, Any]],
                     now: datetime | None = None) -> BatchResult:
    """HTTP batch upload (device gateways): the same path as MQTT, one transaction, one audit record."""
    _refuse(permissions.platform_refusal(actor))
    return store_batch(db, [Message(payload=m, source="http") for m in messages], actor=actor, now=now)


def act_on_alarm(db: Session, actor: Principal, alarm_id: int, body: AlarmActionIn,
                 now: datetime | None = None) -> Alarm:
    """Acknowledge → handle → close one alarm."""
    actor.require("monitoring:write")
    now = now or utcnow()
    with atomic(db):
        a = get_scoped(db, actor, Alarm, alarm_id, what="告警")
        _refuse(permissions.write_refusal(actor))
        before = alarming.snapshot(a)
        try:
            a.state = next_alarm_state(a.state, body.action)
        except Transition as exc:
            raise Conflict(str(exc), field="action") from None
        if body.action == "acknowledge":
            a.acknowledged_at, a.acknowledged_by = now, actor.username
        elif body.action == "handle":
            a.handled_at, a.handled_by, a.handle_note = now, actor.username, body.note
        else:
            a.closed_at, a.closed_by = now, actor.username
            if body.note:
                a.handle_note = (a.handle_note + "\n" + body.note).strip()
        alarming.close_notices(db, a.id, now)  # someone took it up: the addressees' notices are done
        event = {"acknowledge": "monitoring.alarm_acknowledged", "handle": "monitoring.alarm_handled",
                 "close": "monitoring.alarm_closed"}[body.action]
        audit.record(db, actor, event, "monitoring_alarm", a.id, division_code=a.division_code, before=before,
                     after=alarming.snapshot(a) | {"note": body.note})
        events.emit(db, event, division_code=a.division_code, actor=actor.username,
                    summary=f"告警{ACTION_LABELS[body.action]}：{a.title}", payload=alarming.payload(a))
    return a


def run_checks(db: Session, actor: Principal, now: datetime | None = None, *,
               escalate_after_s: int | None = None) -> dict[str, int]:
    """The periodic job: escalate raised alarms not acknowledged in time; raise offline alarms for points
    that missed their heartbeats (and mark points back online). Always audited (one record per run)."""
    actor.require("monitoring:write")
    now = now or utcnow()
    catalog = default_catalog()
    after = escalate_after_s if escalate_after_s is not None else _escalate_after()
    out = {"escalated": 0, "offline": 0, "back_online": 0}
    with atomic(db):
        due = [a for a in db.execute(scoped(actor, Alarm).where(
            Alarm.state == "raised", Alarm.escalated_at.is_(None),
            Alarm.raised_at < now - timedelta(seconds=after))).scalars()
            if due_for_escalation(a.state, a.raised_at, False, now, after)]
        book = alarming.AddressBook(db, [(a.division_code, a.unit_id) for a in due]) if due else None
        inbox: list[dict[str, Any]] = []
        for a in due:
            before = alarming.snapshot(a)
            a.escalated_at = now
            notices, rows = alarming.add_notices(a, now, escalated=True, book=book)
            inbox.extend(rows)
            audit.record(db, actor, "monitoring.alarm_escalated", "monitoring_alarm", a.id,
                         division_code=a.division_code, before=before, after=alarming.snapshot(a))
            events.emit(db, "monitoring.alarm_escalated", division_code=a.division_code, actor=actor.username,
                        summary=f"告警超时未确认，已升级：{a.title}", payload=alarming.payload(a, notices=notices))
            out["escalated"] += 1
        alarming.deliver(db, inbox)
        last_seen = dict(db.execute(select(LatestValue.point_id, func.max(LatestValue.ts))
                                    .group_by(LatestValue.point_id)).all())
        findings = []
        for p in db.execute(scoped(actor, MonitoringPoint).where(MonitoringPoint.active.is_(True))).scalars():
            dtype = catalog.type(p.device_type)
            if dtype is None:
                continue
            offline = is_offline(last_seen.get(p.id), dtype.heartbeat_s, catalog.missed_heartbeats, now)
            if offline and p.online:
                p.online = False
                out["offline"] += 1
                findings.append((p, Finding("offline", "offline", "", "blue", 0.0,
                                            f"设备离线：超过 {catalog.missed_heartbeats} 个心跳周期未上报"), now))
            elif not offline and not p.online:
                p.online = True
                out["back_online"] += 1
        if findings:
            alarming.apply_findings(db, actor, findings)
        audit.record(db, actor, "monitoring.checks_run", "monitoring_checks", now.strftime("%Y%m%d%H%M%S"),
                     after=out)
        events.emit(db, "monitoring.checks_run", division_code=None, actor=actor.username,
                    summary=f"监测巡检：升级 {out['escalated']}，离线 {out['offline']}，恢复 {out['back_online']}",
                    payload=out)
    return out


def _escalate_after() -> int:
    from yingji.config import get_settings

    return int(getattr(get_settings(), "monitoring_escalate_after", 300))


def _hand_over(db: Session, actor: Principal, alarm_id: int, hook: str, event: str, label: str,
               **extra: Any) -> Alarm:
    actor.require("monitoring:write")
    with atomic(db):
        a = get_scoped(db, actor, Alarm, alarm_id, what="告警")
        _refuse(permissions.write_refusal(actor))
        data = {"alarm_id": a.id, "title": a.title, "kind": a.kind, "level": a.level, "lon": a.lon, "lat": a.lat,
                "division_code": a.division_code, "unit_id": a.unit_id, "occurred_at": a.raised_at, **extra}
        if hooks.send(db, actor, hook, **data) == 0:
            raise Conflict(NOT_DEPLOYED)
        audit.record(db, actor, event, "monitoring_alarm", a.id, division_code=a.division_code, after=data)
        events.emit(db, event, division_code=a.division_code, actor=actor.username,
                    summary=f"告警{label}：{a.title}", payload=alarming.payload(a))
    return a


def open_incident(db: Session, actor: Principal, alarm_id: int) -> Alarm:
    """Turn an alarm into an incident (the incidents domain answers ``monitoring.alarm_open_incident``)."""
    return _hand_over(db, actor, alarm_id, OPEN_INCIDENT_HOOK, "monitoring.alarm_incident_opened", "转为事件")


def propose_warning(db: Session, actor: Principal, alarm_id: int, hazard_type: str | None = None) -> Alarm:
    """Propose a warning from an alarm (the warnings domain answers ``monitoring.alarm_propose_warning``)."""
    a_type = hazard_type
    if a_type is None:
        with db.no_autoflush:
            alarm = db.get(Alarm, alarm_id)
            a_type = _hazard_type(alarm.device_type) if alarm is not None else "other"
    return _hand_over(db, actor, alarm_id, PROPOSE_WARNING_HOOK, "monitoring.alarm_warning_proposed", "提请发布预警",
                      hazard_type=a_type)


def _hazard_type(device_type: str) -> str:
    return {"rain_gauge": "rainstorm", "water_level": "flood", "landslide": "geological", "wind": "typhoon",
            "fire_hotspot": "forest_fire", "tank": "hazchem", "gas_detector": "hazchem", "gas_pipe": "gas",
            "bridge": "infrastructure", "water_main": "infrastructure"}.get(device_type, "other")


def _rollup_hours(db: Session, hour_list: list[datetime]) -> int:
    """(Re)compute the hourly rows of ``hour_list`` from the raw readings; returns the rows written."""
    from sqlalchemy import delete, insert

    from yingji.monitoring.history import HOUR
    from yingji.monitoring.models import HourlyValue, Reading

    written = 0
    for h in hour_list:
        rows = db.execute(select(Reading.point_id, Reading.metric, func.count(), func.min(Reading.value),
                                 func.max(Reading.value), func.sum(Reading.value))
                          .where(Reading.ts >= h, Reading.ts < h + HOUR)
                          .group_by(Reading.point_id, Reading.metric)).all()
        db.execute(delete(HourlyValue).where(HourlyValue.hour == h))
        if rows:
            db.execute(insert(HourlyValue), [{"point_id": pid, "metric": m, "hour": h, "n": n, "vmin": lo, "vmax": hi,
                                              "vsum": total} for pid, m, n, lo, hi, total in rows])
            written += len(rows)
    return written


def rollup_history(db: Session, actor: Principal, *, lookback_hours: int = 24, now: datetime | None = None,
                   full: bool = False) -> dict[str, Any]:
    """Down-sample the raw readings into hourly rows (count, min, max, sum per point, metric and hour).

    Recomputes every complete hour from ``lookback_hours`` behind the newest hour already rolled up
    (late readings are folded in) — or from the oldest reading on the first run or when ``full`` —
    up to the last complete hour. Idempotent; audited as one run."""
    from yingji.monitoring.history import HOUR, floor_hour, hours
    from yingji.monitoring.models import HourlyValue, Reading

    actor.require("monitoring:write")
    now = now or utcnow()
    with atomic(db):
        newest = None if full else db.scalar(select(func.max(HourlyValue.hour)))
        since = (newest - timedelta(hours=lookback_hours) + HOUR) if newest is not None else db.scalar(
            select(func.min(Reading.ts)))
        todo = list(hours(since, now)) if since is not None else []
        written = _rollup_hours(db, todo)
        out = {"hours": len(todo), "rows": written, "from_hour": todo[0].isoformat() if todo else None,
               "to_hour": (todo[-1] + HOUR).isoformat() if todo else floor_hour(now).isoformat()}
        audit.record(db, actor, "monitoring.history_rolled_up", "monitoring_hourly", floor_hour(now).strftime("%Y%m%d%H"),
                     after=out)
        events.emit(db, "monitoring.history_rolled_up", division_code=None, actor=actor.username,
                    summary=f"监测历史按小时汇总：{len(todo)} 小时，{written} 行", payload=out)
    return out


def purge_history(db: Session, actor: Principal, *, retention_days: int, hourly_retention_days: int | None = None,
                  now: datetime | None = None) -> int:
    """Retention: delete raw readings older than ``retention_days`` — after computing the hourly rows
    of the hours being deleted from them, so the down-sampled history stays exact — and hourly rows
    older than ``hourly_retention_days``. Latest values and alarms stay; audited as one run."""
    from sqlalchemy import delete

    from yingji.monitoring.history import floor_hour, hours
    from yingji.monitoring.models import HourlyValue, Reading

    actor.require("monitoring:write")
    now = now or utcnow()
    cutoff = floor_hour(now - timedelta(days=retention_days))  # whole hours only: a bucket is never cut
    with atomic(db):
        oldest = db.scalar(select(func.min(Reading.ts)).where(Reading.ts < cutoff))
        rolled = _rollup_hours(db, list(hours(oldest, cutoff))) if oldest is not None else 0
        n = db.execute(delete(Reading).where(Reading.ts < cutoff)).rowcount or 0
        hourly = 0
        if hourly_retention_days is not None:
            hourly = db.execute(delete(HourlyValue).where(
                HourlyValue.hour < now - timedelta(days=hourly_retention_days))).rowcount or 0
        after = {"deleted": n, "retention_days": retention_days, "hourly_rows_written": rolled,
                 "hourly_deleted": hourly, "hourly_retention_days": hourly_retention_days}
        audit.record(db, actor, "monitoring.history_purged", "monitoring_readings", now.strftime("%Y%m%d"), after=after)
        events.emit(db, "monitoring.history_purged", division_code=None, actor=actor.username,
                    summary=f"清理 {retention_days} 天前的监测历史 {n} 条（先按小时汇总）", payload={"deleted": n,
                                                                                     "hourly_deleted": hourly})
    return n
