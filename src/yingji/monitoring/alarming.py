"""Raising alarms inside a transaction (the ingest batch, the offline check): de-duplicated per
(point, rule), upgraded when a higher level is reached, repeats counted and suppressed; each new
or upgraded alarm is audited, emitted (``monitoring.alarm_raised``) and carries its graded notices
(owner unit and county officer; the city for 一/二级 and escalations).

The notices are *delivered* in the same transaction: one :class:`AlarmNotice` row per addressee
(:func:`address`, pure: who gets what, by jurisdiction), so a notice is stored and visible to its
addressee exactly when the alarm is — the inbox (``GET /api/v1/monitoring/notices``, home card
``monitoring.notices``) reads them. The addressees of a whole batch are looked up in one query
(:class:`AddressBook`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal, User
from yingji.core.db import utcnow
from yingji.core.scope import in_scope
from yingji.core.timeutil import fmt_local
from yingji.monitoring.models import Alarm, AlarmNotice, MonitoringPoint
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


#: the role that receives each audience's notices (the city duty office: 市级值班员)
AUDIENCE_ROLES = {"unit": "enterprise_manager", "county": "county_officer", "city": "city_duty"}


@dataclass(frozen=True)
class Addressee:
    """What addressing needs of a user (plain data: the rule is tested without a database)."""

    id: int
    role: str
    scope_code: str
    unit_id: int | None = None
    active: bool = True


def address(users: Iterable[Addressee], *, level: str, division_code: str, unit_id: int | None,
            escalated: bool = False) -> list[tuple[int, str]]:
    """``[(user id, audience)]`` of an alarm's graded notice (pure).

    * ``unit`` — the owner unit's enterprise safety managers (their unit is the alarm's unit and their
      jurisdiction holds the point); an alarm without an owner unit has no unit audience;
    * ``county`` — the county officers whose jurisdiction *is* the alarm's county (not a neighbour's,
      not a township's officers);
    * ``city`` — for 一/二级 (red/orange) and escalations: the city duty officers whose jurisdiction
      holds the alarm.

    Inactive accounts and every other role get nothing; each user at most once."""
    audiences = notice_recipients(level, escalated=escalated)
    county = division_code[:6]
    out: list[tuple[int, str]] = []
    seen: set[int] = set()
    for u in users:
        if not u.active or u.id in seen:
            continue
        if "unit" in audiences and u.role == AUDIENCE_ROLES["unit"]:
            ok, audience = unit_id is not None and u.unit_id == unit_id and in_scope(u.scope_code, division_code), "unit"
        elif "county" in audiences and u.role == AUDIENCE_ROLES["county"]:
            ok, audience = u.unit_id is None and u.scope_code == county, "county"
        elif "city" in audiences and u.role == AUDIENCE_ROLES["city"]:
            ok, audience = u.unit_id is None and in_scope(u.scope_code, division_code), "city"
        else:
            continue
        if ok:
            seen.add(u.id)
            out.append((u.id, audience))
    return out


class AddressBook:
    """The possible addressees of a batch's alarms, read in one query (owner units' managers, the
    counties' officers, the city duty officers)."""

    def __init__(self, db: Session, places: Iterable[tuple[str, int | None]]):
        places = list(places)
        counties = sorted({d[:6] for d, _ in places})
        units = sorted({u for _, u in places if u is not None})
        conds = [User.role == AUDIENCE_ROLES["city"]]
        if counties:
            conds.append((User.role == AUDIENCE_ROLES["county"]) & User.scope_code.in_(counties))
        if units:
            conds.append((User.role == AUDIENCE_ROLES["unit"]) & User.unit_id.in_(units))
        self.users = [Addressee(i, r, s, u) for i, r, s, u in db.execute(
            select(User.id, User.role, User.scope_code, User.unit_id)
            .where(User.active.is_(True), or_(*conds)).order_by(User.id))]

    def address(self, a: Alarm, *, escalated: bool = False) -> list[tuple[int, str]]:
        return address(self.users, level=a.level, division_code=a.division_code, unit_id=a.unit_id,
                       escalated=escalated)


def add_notices(a: Alarm, now: datetime, *, escalated: bool = False,
                book: AddressBook | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Record the graded notices on the alarm (one per audience, with how many people got it) and
    return them with the inbox rows to insert (one per addressee; none without ``book``)."""
    level_label = default_catalog().level_label(a.level)
    when = now if escalated else a.last_at
    message = f"【{level_label}{'·升级' if escalated else ''}】{a.title}（{fmt_local(when)}）"
    to = book.address(a, escalated=escalated) if book is not None else []
    if escalated:  # the unit and the county hold an open notice already: the escalation goes to the city
        to = [(uid, aud) for uid, aud in to if aud == "city"]
    rows = [{"alarm_id": a.id, "user_id": uid, "audience": aud, "level": a.level, "escalation": escalated,
             "message": message[:400], "division_code": a.division_code, "unit_id": a.unit_id,
             "raised_at": when, "delivered_at": now, "done_at": None}
            for uid, aud in to]
    new = [{"to": aud, "label": RECIPIENT_LABELS[aud], "level": a.level, "at": now.isoformat(), "escalation": escalated,
            "message": message, "delivered": sum(1 for _, x in to if x == aud)}
           for aud in notice_recipients(a.level, escalated=escalated)]
    a.notices = [*(a.notices or []), *new]
    return new, rows


def deliver(db: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Store the inbox rows (one multi-row insert) inside the caller's transaction."""
    if rows:
        db.execute(insert(AlarmNotice), list(rows))
    return len(rows)


def close_notices(db: Session, alarm_id: int, now: datetime) -> None:
    """The alarm moved on (acknowledged, handled or closed): its open notices are done."""
    db.execute(update(AlarmNotice).where(AlarmNotice.alarm_id == alarm_id, AlarmNotice.done_at.is_(None))
               .values(done_at=now))


def apply_findings(db: Session, actor: Principal, findings: list[tuple[MonitoringPoint, Finding, datetime]],
                   result: Any = None) -> list[Alarm]:
    from yingji.monitoring.ingest import open_alarms

    catalog = default_catalog()
    current = open_alarms(db, [p.id for p, _, _ in findings])
    book = AddressBook(db, [(p.division_code, p.unit_id) for p, _, _ in findings])
    inbox: list[dict[str, Any]] = []
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
        notices, rows = add_notices(a, utcnow(), book=book)
        inbox.extend(rows)
        audit.record(db, actor, event, "monitoring_alarm", a.id,
                     division_code=a.division_code, before=before, after=snapshot(a))
        events.emit(db, event, division_code=a.division_code, actor=actor.username,
                    summary=f"【{catalog.level_label(a.level)}】{a.title}", payload=payload(a, notices=notices))
        touched.append(a)
        if result is not None:
            result.alarms_raised += 1
            result.alarm_ids.append(a.id)
    deliver(db, inbox)
    return touched


def points_by_id(db: Session, ids: list[int]) -> dict[int, MonitoringPoint]:
    return {p.id: p for p in db.execute(select(MonitoringPoint).where(MonitoringPoint.id.in_(ids))).scalars()}
