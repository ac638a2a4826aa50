"""Raising alarms inside a transaction (the ingest batch, the offline check): de-duplicated per
(point, rule), upgraded when a higher level is reached, repeats counted and suppressed; each new
or upgraded alarm is audited, emitted (``monitoring.alarm_raised``) and carries its graded notices
(owner unit and county officer; the city for 一/二级 and escalations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.timeutil import fmt_local
from yingji.monitoring.models import Alarm, MonitoringPoint
from yingji.monitoring.rules import (
    KIND_LABELS,
    RECIPIENT_LABELS,
    Finding,
    default_catalog,
    notice_recipients,
    raise_or_repeat,
)


def snapshot(a: Alarm) -> dict[str, Any]:
    return {"point_id": a.point_id, "rule_key": a.rule_key, "kind": a.kind, "level": a.level, "state": a.state,
            "value": a.value, "repeat_count": a.repeat_count, "escalated": a.escalated_at is not None}


def payload(a: Alarm, **extra: Any) -> dict[str, Any]:
    return {"alarm_id": a.id, "point_id": a.point_id, "unit_id": a.unit_id, "risk_source_id": a.risk_source_id,
            "device_type": a.device_type, "kind": a.kind, "level": a.level, "state": a.state, "title": a.title,
            "lon": a.lon, "lat": a.lat, "value": a.value, "division_code": a.division_code,
            "raised_at": a.raised_at.isoformat(), **extra}


def add_notices(a: Alarm, now: datetime, *, escalated: bool = False) -> list[dict[str, Any]]:
    level_label = default_catalog().level_label(a.level)
    new = [{"to": to, "label": RECIPIENT_LABELS[to], "level": a.level, "at": now.isoformat(), "escalation": escalated,
            "message": f"【{level_label}{'·升级' if escalated else ''}】{a.title}（{fmt_local(now)}）"}
           for to in notice_recipients(a.level, escalated=escalated)]
    a.notices = [*(a.notices or []), *new]
    return new


def apply_findings(db: Session, actor: Principal, findings: list[tuple[MonitoringPoint, Finding, datetime]],
                   result: Any = None) -> list[Alarm]:
    from yingji.monitoring.ingest import open_alarms

    catalog = default_catalog()
    current = open_alarms(db, [p.id for p, _, _ in findings])
    touched = []
    for point, f, at in findings:
        existing = current.get((point.id, f.rule_key))
        what = raise_or_repeat(existing.level if existing else None, f.level, catalog.level_rank)
        if what == "repeat":
            assert existing is not None
            existing.repeat_count += 1
            existing.last_at, existing.value = at, f.value
            if result is not None:
                result.alarms_repeated += 1
            continue
        dtype = catalog.type(point.device_type)
        title = f"{point.name}：{f.message}"
        if existing is None:
            a = Alarm(point_id=point.id, device_type=point.device_type, rule_key=f.rule_key, kind=f.kind,
                      metric=f.metric, level=f.level, state="raised", title=title[:300],
                      message=f"{dtype.label if dtype else point.device_type}“{point.name}”{KIND_LABELS[f.kind]}：{f.message}",
                      value=f.value, division_code=point.division_code, unit_id=point.unit_id,
                      risk_source_id=point.risk_source_id, lon=point.lon, lat=point.lat, raised_at=at, last_at=at,
                      repeat_count=0, notices=[], synthetic=point.synthetic)
            db.add(a)
            db.flush()
            current[(point.id, f.rule_key)] = a
            before = None
            event = "monitoring.alarm_raised"
        else:
            a = existing
            before = snapshot(a)
            a.level, a.value, a.last_at, a.title = f.level, f.value, at, title[:300]
            event = "monitoring.alarm_upgraded"
        notices = add_notices(a, at)
        audit.record(db, actor, event, "monitoring_alarm", a.id,
                     division_code=a.division_code, before=before, after=snapshot(a))
        events.emit(db, event, division_code=a.division_code, actor=actor.username,
                    summary=f"【{catalog.level_label(a.level)}】{a.title}", payload=payload(a, notices=notices))
        touched.append(a)
        if result is not None:
            result.alarms_raised += 1
            result.alarm_ids.append(a.id)
    return touched


def points_by_id(db: Session, ids: list[int]) -> dict[int, MonitoringPoint]:
    return {p.id: p for p in db.execute(select(MonitoringPoint).where(MonitoringPoint.id.in_(ids))).scalars()}
