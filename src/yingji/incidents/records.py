"""In-transaction writers shared by the actions and the hook handlers (no ``atomic`` here: the caller's).

Each writes the rows, their timeline entries, the audit record and the event of one change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import utcnow
from yingji.core.timeutil import fmt_local, to_local
from yingji.incidents.grading import Counts, grade, grade_label
from yingji.incidents.models import STATUS_LABELS, GradeRevision, Incident, TimelineEntry

COUNT_FIELDS = ("dead", "missing", "seriously_injured", "injured", "trapped", "endangered", "evacuated", "loss_wan")
COUNT_LABELS = {"dead": "死亡", "missing": "失踪", "seriously_injured": "重伤", "injured": "受伤", "trapped": "被困",
                "endangered": "涉险", "evacuated": "疏散", "loss_wan": "直接经济损失（万元）"}


def snapshot(i: Incident) -> dict[str, Any]:
    return {"code": i.code, "type": i.type, "status": i.status, "grade": i.grade,
            "response_level": i.response_level, "division_code": i.division_code,
            **{f: getattr(i, f) for f in COUNT_FIELDS}}


def payload(i: Incident, **extra: Any) -> dict[str, Any]:
    return {"incident_id": i.id, "code": i.code, "type": i.type, "status": i.status, "grade": i.grade,
            "lon": i.lon, "lat": i.lat, **extra}


def counts_of(i: Incident) -> Counts:
    return Counts(**{f: getattr(i, f) or 0 for f in COUNT_FIELDS})


def timeline(db: Session, i: Incident, kind: str, text: str, actor: str, at: datetime | None = None,
             **data: Any) -> TimelineEntry:
    entry = TimelineEntry(incident_id=i.id, division_code=i.division_code, kind=kind, text=text,
                          data=data, actor=actor, at=at or utcnow())
    db.add(entry)
    return entry


def regrade(db: Session, actor: Principal, i: Incident, *, initial: bool = False) -> GradeRevision:
    """Grade the incident from its counts; record the revision (raised / lowered / unchanged)."""
    from yingji.incidents.grading import GRADE_KEYS

    result = grade(counts_of(i))
    before = i.grade
    if initial:
        change = "initial"
    else:
        diff = GRADE_KEYS.index(result.grade) - GRADE_KEYS.index(before)
        change = "raised" if diff > 0 else "lowered" if diff < 0 else "unchanged"
    i.grade, i.response_level, i.risk_flags = result.grade, result.response_level, result.risk_flags
    rev = GradeRevision(incident_id=i.id, division_code=i.division_code, grade=result.grade,
                        response_level=result.response_level, risk_flags=result.risk_flags,
                        counts={f: getattr(i, f) for f in COUNT_FIELDS}, reasons=result.reasons, change=change,
                        actor=actor.username, at=utcnow())
    db.add(rev)
    if change != "unchanged":
        words = {"initial": "初判", "raised": "升级为", "lowered": "降级为"}[change]
        flags = f"；较大涉险：{'、'.join(result.risk_flag_labels)}" if result.risk_flags else ""
        timeline(db, i, "grade", f"事件等级{words}{result.grade_label}（{result.response_label}响应）{flags}",
                 actor.username, grade=result.grade, previous=None if initial else before, change=change)
    return rev


def new_incident(db: Session, actor: Principal, *, type: str, category: str, title: str, place_text: str,
                 lon: float | None, lat: float | None, division_code: str, counts: dict[str, Any],
                 hazards: list[str], keywords: list[str], description: str, occurred_at: datetime,
                 received_at: datetime, source: str, source_ref: str | None = None, unit_id: int | None = None,
                 synthetic: bool = False, origin_text: str = "") -> Incident:
    i = Incident(code="tmp", title=title or f"{place_text or ''}{type}"[:200], type=type, category=category,
                 place_text=place_text, lon=lon, lat=lat, division_code=division_code, status="received",
                 grade="general", response_level="IV", risk_flags=[], hazards=list(hazards), keywords=list(keywords),
                 description=description, source=source, source_ref=source_ref, unit_id=unit_id,
                 occurred_at=occurred_at, received_at=received_at, closed_at=None, created_by=actor.username,
                 synthetic=synthetic, **{f: counts.get(f) or 0 for f in COUNT_FIELDS})
    db.add(i)
    db.flush()
    i.code = f"SJ{to_local(received_at):%Y%m%d}{i.id:05d}"
    timeline(db, i, "received", origin_text or f"{fmt_local(received_at)} 接报：{i.title}", actor.username,
             at=received_at, source=source)
    regrade(db, actor, i, initial=True)
    db.flush()
    audit.record(db, actor, "incident.created", "incident", i.id, division_code=i.division_code, after=snapshot(i))
    events.emit(db, "incident.created", division_code=i.division_code, actor=actor.username,
                summary=f"新事件 {i.code}：{i.title}（{grade_label(i.grade)}）", payload=payload(i))
    return i


def open_incidents(db: Session, type_: str | None = None) -> list[Incident]:
    stmt = select(Incident).where(Incident.status != "closed")
    if type_:
        stmt = stmt.where(Incident.type == type_)
    return list(db.scalars(stmt))


def status_text(status: str) -> str:
    return STATUS_LABELS.get(status, status)
