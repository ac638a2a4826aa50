"""Reads of the monitoring domain: points, alarms, latest values for the live map, history, online rates."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.db import utcnow
from yingji.core.listing import ListSpec, contains, eq, within_division
from yingji.core.scope import get_scoped, scope_clause, scoped
from yingji.monitoring import permissions
from yingji.monitoring.models import Alarm, AlarmNotice, DeadLetter, LatestValue, MonitoringPoint, Reading
from yingji.monitoring.rules import (
    ACTION_LABELS,
    DEAD_LETTER_REASONS,
    KIND_LABELS,
    STATE_LABELS,
    TARGET_ONLINE_RATE,
    default_catalog,
    effective_rules,
)
from yingji.monitoring.schemas import AlarmQuery, DeadLetterQuery, PointQuery

POINTS = ListSpec(
    model=MonitoringPoint, query=PointQuery,
    filters={"device_type": eq(MonitoringPoint.device_type), "division": within_division(MonitoringPoint.division_code),
             "unit_id": eq(MonitoringPoint.unit_id), "risk_source_id": eq(MonitoringPoint.risk_source_id),
             "online": eq(MonitoringPoint.online), "q": contains(MonitoringPoint.code, MonitoringPoint.name)},
    sorts={"id": MonitoringPoint.id, "code": MonitoringPoint.code, "name": MonitoringPoint.name,
           "device_type": MonitoringPoint.device_type},
    default_sort=("code",), labels={"code": "设备编码", "name": "名称", "device_type": "设备类型"},
)

ALARMS = ListSpec(
    model=Alarm, query=AlarmQuery,
    filters={"state": eq(Alarm.state), "open": lambda v: (Alarm.state != "closed") if v else (Alarm.state == "closed"),
             "level": eq(Alarm.level), "device_type": eq(Alarm.device_type),
             "division": within_division(Alarm.division_code), "point_id": eq(Alarm.point_id)},
    sorts={"id": Alarm.id, "raised_at": Alarm.raised_at, "level": Alarm.level, "state": Alarm.state},
    default_sort=("-raised_at",), labels={"raised_at": "告警时间", "level": "级别", "state": "状态"},
)

DEAD_LETTERS = ListSpec(
    model=DeadLetter, query=DeadLetterQuery, filters={"reason": eq(DeadLetter.reason)},
    sorts={"id": DeadLetter.id, "received_at": DeadLetter.received_at}, default_sort=("-id",), scope=False,
)


def catalog_out() -> dict[str, Any]:
    cat = default_catalog()
    return {
        "levels": list(cat.levels),
        "types": [{"key": t.key, "label": t.label, "category": t.category, "heartbeat_s": t.heartbeat_s,
                   "hooked": t.hooked,
                   "metrics": [{"key": m.key, "label": m.label, "unit": m.unit, "min": m.min, "max": m.max}
                               for m in t.metrics],
                   "rules": list(t.rules)} for t in cat.types.values()],
        "states": STATE_LABELS, "actions": ACTION_LABELS, "kinds": KIND_LABELS,
        "dead_letter_reasons": DEAD_LETTER_REASONS, "missed_heartbeats": cat.missed_heartbeats,
        "target_online_rate": TARGET_ONLINE_RATE,
    }


def latest_of(db: Session, point_ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    for chunk in range(0, len(point_ids), 5000):
        ids = point_ids[chunk:chunk + 5000]
        for pid, metric, ts, value in db.execute(select(LatestValue.point_id, LatestValue.metric, LatestValue.ts,
                                                        LatestValue.value).where(LatestValue.point_id.in_(ids))):
            out[pid][metric] = {"value": value, "ts": ts.isoformat()}
    return out


def open_alarm_levels(db: Session, principal: Principal) -> dict[int, dict[str, Any]]:
    """Worst open alarm per point in scope: ``{point_id: {level, alarm_id, state}}``."""
    rank = default_catalog().level_rank
    out: dict[int, dict[str, Any]] = {}
    for a in db.execute(scoped(principal, Alarm).where(Alarm.state != "closed")).scalars():
        cur = out.get(a.point_id)
        if cur is None or rank.get(a.level, 0) > rank.get(cur["level"], 0):
            out[a.point_id] = {"level": a.level, "alarm_id": a.id, "state": a.state, "title": a.title}
    return out


def map_data(db: Session, principal: Principal, device_type: str | None = None) -> dict[str, Any]:
    """Every point in scope with its latest values and worst open alarm (the live map's one request)."""
    stmt = scoped(principal, MonitoringPoint).where(MonitoringPoint.active.is_(True))
    if device_type:
        stmt = stmt.where(MonitoringPoint.device_type == device_type)
    points = list(db.execute(stmt).scalars())
    latest = latest_of(db, [p.id for p in points])
    alarms = open_alarm_levels(db, principal)
    return {"points": [{"id": p.id, "code": p.code, "name": p.name, "device_type": p.device_type, "lon": p.lon,
                        "lat": p.lat, "online": p.online, "risk_source_id": p.risk_source_id, "unit_id": p.unit_id,
                        "synthetic": p.synthetic, "latest": latest.get(p.id, {}), "alarm": alarms.get(p.id)}
                       for p in points],
            "sources": source_alarms(db, principal)}


def source_alarms(db: Session, principal: Principal | None) -> list[dict[str, Any]]:
    """Major hazard sources with an open alarm on one of their points: the worst level and where."""
    from yingji.risk.models import RiskSource

    rank = default_catalog().level_rank
    stmt = select(Alarm).where(Alarm.state != "closed", Alarm.risk_source_id.is_not(None))
    if principal is not None:
        stmt = scoped(principal, Alarm, stmt)
    worst: dict[int, Alarm] = {}
    for a in db.execute(stmt).scalars():
        cur = worst.get(a.risk_source_id)  # type: ignore[arg-type]
        if cur is None or rank.get(a.level, 0) > rank.get(cur.level, 0):
            worst[a.risk_source_id] = a  # type: ignore[index]
    if not worst:
        return []
    sources = {s.id: s for s in db.execute(select(RiskSource).where(RiskSource.id.in_(list(worst)))).scalars()}
    return [{"source_id": sid, "name": sources[sid].name if sid in sources else "", "level": a.level,
             "alarm_id": a.id, "state": a.state, "title": a.title,
             "lon": sources[sid].lon if sid in sources and sources[sid].lon is not None else a.lon,
             "lat": sources[sid].lat if sid in sources and sources[sid].lat is not None else a.lat}
            for sid, a in worst.items()]


def point_detail(db: Session, principal: Principal, point_id: int) -> dict[str, Any]:
    p = get_scoped(db, principal, MonitoringPoint, point_id, what="监测点")
    dtype = default_catalog().type(p.device_type)
    return {"point": p, "type": dtype, "rules": effective_rules(dtype, p.rules_override) if dtype else [],
            "latest": latest_of(db, [p.id]).get(p.id, {}),
            "alarms": list(db.execute(select(Alarm).where(Alarm.point_id == p.id).order_by(Alarm.raised_at.desc())
                                      .limit(20)).scalars())}


RAW_HOURS = 48  # longer windows are drawn from the hourly (down-sampled) history


def history(db: Session, principal: Principal, point_id: int, metric: str | None, hours: int,
            now: datetime | None = None, resolution: str = "auto") -> dict[str, Any]:
    """One metric's history over the ``hours`` before its newest reading: raw readings up to 48 hours
    (or ``resolution="raw"``), hourly buckets beyond (mean, min, max, count) — the rolled-up rows, and
    the raw readings aggregated on the fly for hours not rolled up yet."""
    from yingji.monitoring.history import aggregate, floor_hour
    from yingji.monitoring.models import HourlyValue

    p = get_scoped(db, principal, MonitoringPoint, point_id, what="监测点")
    dtype = default_catalog().type(p.device_type)
    metrics = [m.key for m in dtype.metrics] if dtype else []
    metric = metric if metric in metrics else (metrics[0] if metrics else "")
    newest = db.scalar(select(func.max(Reading.ts)).where(Reading.point_id == p.id, Reading.metric == metric))
    end = newest or now or utcnow()
    start = end - timedelta(hours=hours)
    hourly = resolution == "hour" or (resolution == "auto" and hours > RAW_HOURS)
    out: dict[str, Any] = {"point_id": p.id, "metric": metric, "hours": hours,
                           "resolution": "hour" if hourly else "raw"}
    if not hourly:
        rows = db.execute(select(Reading.ts, Reading.value).where(
            Reading.point_id == p.id, Reading.metric == metric, Reading.ts > start)
            .order_by(Reading.ts).limit(20000)).all()
        out["points"] = [{"ts": ts.isoformat(), "value": v} for ts, v in rows]
        return out
    first = floor_hour(start)
    rolled = {h.hour: h for h in db.execute(select(HourlyValue).where(
        HourlyValue.point_id == p.id, HourlyValue.metric == metric, HourlyValue.hour >= first)).scalars()}
    rolled_to = max(rolled) if rolled else None
    raw_from = rolled_to + timedelta(hours=1) if rolled_to is not None else first
    fresh = aggregate(db.execute(select(Reading.ts, Reading.value).where(
        Reading.point_id == p.id, Reading.metric == metric, Reading.ts >= raw_from).order_by(Reading.ts)).all())
    points = [{"ts": h.hour.isoformat(), "value": round(h.vsum / h.n, 6), "min": h.vmin, "max": h.vmax, "n": h.n}
              for h in sorted(rolled.values(), key=lambda h: h.hour)]
    out["points"] = points + [b.as_point() for b in fresh]
    return out


def online_stats(db: Session, principal: Principal) -> dict[str, Any]:
    """Online rate per device type and per owner unit against the 99.5 % target."""
    from yingji.units.models import Unit

    rows = db.execute(scoped(principal, MonitoringPoint, select(
        MonitoringPoint.device_type, MonitoringPoint.unit_id, MonitoringPoint.online, func.count()))
        .where(MonitoringPoint.active.is_(True))
        .group_by(MonitoringPoint.device_type, MonitoringPoint.unit_id, MonitoringPoint.online)).all()
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_unit: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    total = [0, 0]
    for dtype, unit_id, online, n in rows:
        for acc in (by_type[dtype], total, *( [by_unit[unit_id]] if unit_id is not None else [])):
            acc[0] += n * bool(online)
            acc[1] += n
    names = dict(db.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(by_unit)))).all()) if by_unit else {}
    cat = default_catalog()

    def rate(acc: list[int]) -> dict[str, Any]:
        r = acc[0] / acc[1] if acc[1] else None
        return {"online": acc[0], "total": acc[1], "rate": r, "meets_target": r is not None and r >= TARGET_ONLINE_RATE}

    return {"target": TARGET_ONLINE_RATE, "total": rate(total),
            "by_type": [{"key": k, "label": cat.type(k).label if cat.type(k) else k, **rate(v)}
                        for k, v in sorted(by_type.items())],
            "by_unit": sorted(({"unit_id": k, "name": names.get(k, ""), **rate(v)} for k, v in by_unit.items()),
                              key=lambda r: (r["rate"] if r["rate"] is not None else 1, r["unit_id"]))[:200]}


def alarm_flags(principal: Principal, alarm: Alarm) -> dict[str, Any]:
    return {"actions": permissions.permitted_alarm_actions(principal, alarm),
            "can_follow_up": permissions.write_refusal(principal) is None}


def alarm_counts_today(db: Session, principal: Principal, division: str | None) -> dict[str, int]:
    from yingji.core.home import count_by_county
    from yingji.core.timeutil import local_midnight, local_now

    since = local_midnight(local_now().date())
    return count_by_county(db, principal, Alarm, Alarm.raised_at >= since, division=division)


def _inbox(principal: Principal) -> Any:
    """SQL condition on :class:`AlarmNotice`: addressed to ``principal`` (and inside their jurisdiction)."""
    return (AlarmNotice.user_id == (principal.user_id or -1)) & scope_clause(principal, AlarmNotice)


def my_notices(db: Session, principal: Principal, *, open_only: bool = True, limit: int = 50) -> dict[str, Any]:
    """The principal's alarm notices, newest first (open ones: the alarm not yet taken up)."""
    stmt = select(AlarmNotice).where(_inbox(principal))
    if open_only:
        stmt = stmt.where(AlarmNotice.done_at.is_(None))
    items = list(db.execute(stmt.order_by(AlarmNotice.delivered_at.desc(), AlarmNotice.id.desc())
                            .limit(limit)).scalars())
    n_open = db.scalar(select(func.count()).select_from(AlarmNotice)
                       .where(_inbox(principal), AlarmNotice.done_at.is_(None))) or 0
    return {"open": int(n_open), "items": items}


def open_notice_counts(db: Session, principal: Principal, division: str | None) -> dict[str, int]:
    """``{county: n}`` of the principal's open notices (the home card)."""
    from yingji.core.home import count_by_county

    return count_by_county(db, principal, AlarmNotice, AlarmNotice.user_id == (principal.user_id or -1),
                           AlarmNotice.done_at.is_(None), division=division)
