"""Every write of the duty domain: roster entries, shift hand-overs, duty log lines.

The hand-over summary (open incidents, overdue reports) belongs to a domain above this one: it is
asked through the read hook ``duty.handover_summary`` (incidents answers it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core import audit, events, hooks
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Division
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.scope import ensure_in_scope
from yingji.duty import permissions, service
from yingji.duty.models import ROLE_LABELS, DutyHandover, DutyLogEntry, DutyShift
from yingji.duty.schemas import HandoverIn, LogIn, ShiftIn

HANDOVER_HOOK = "duty.handover_summary"


def _check(db: Session, actor: Principal, division_code: str) -> None:
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)
    ensure_in_scope(actor, division_code)
    if db.get(Division, division_code) is None:
        raise ValidationFailed("行政区划代码不存在", field="division_code")


def add_shift(db: Session, actor: Principal, data: ShiftIn) -> DutyShift:
    """Put a person on the roster for a day (带班领导 / 值班员 / 副班)."""
    with atomic(db):
        _check(db, actor, data.division_code)
        if service.shift_of(db, data.division_code, data.day, data.role, data.name) is not None:
            raise Conflict("该人员当日已在值班表中", field="name")
        starts, ends = service.shift_window(data.day)
        s = DutyShift(division_code=data.division_code, day=data.day, role=data.role, name=data.name,
                      phone=data.phone, starts_at=starts, ends_at=ends)
        db.add(s)
        db.flush()
        audit.record(db, actor, "duty.shift_added", "duty_shift", s.id, division_code=s.division_code,
                     after={"day": s.day, "role": s.role, "name": s.name})
        events.emit(db, "duty.shift_added", division_code=s.division_code, actor=actor.username,
                    summary=f"{s.day} {ROLE_LABELS[s.role]}：{s.name}", payload={"shift_id": s.id})
    return s


def hand_over(db: Session, actor: Principal, data: HandoverIn) -> DutyHandover:
    """Record a shift hand-over with the automatic summary of open incidents and overdue reports."""
    with atomic(db):
        _check(db, actor, data.division_code)
        summary: dict[str, Any] = {"open_incidents": [], "overdue_reports": []}
        for part in hooks.collect(db, actor, HANDOVER_HOOK, division_code=data.division_code):
            for key, value in part.items():
                summary[key] = summary.get(key, []) + value if isinstance(value, list) else value
        h = DutyHandover(division_code=data.division_code, from_name=data.from_name, to_name=data.to_name,
                         summary=summary, notes=data.notes, actor=actor.username, at=utcnow())
        db.add(h)
        db.flush()
        audit.record(db, actor, "duty.handed_over", "duty_handover", h.id, division_code=h.division_code,
                     after={"from": h.from_name, "to": h.to_name})
        events.emit(db, "duty.handed_over", division_code=h.division_code, actor=actor.username,
                    summary=f"交接班：{h.from_name} → {h.to_name}（未结事件 {len(summary['open_incidents'])} 起，"
                            f"逾期报告 {len(summary['overdue_reports'])} 份）", payload={"handover_id": h.id})
    return h


def add_log(db: Session, actor: Principal, data: LogIn) -> DutyLogEntry:
    """A duty log line, optionally about an incident (its id is kept as given: duty sits below incidents)."""
    with atomic(db):
        _check(db, actor, data.division_code)
        e = DutyLogEntry(division_code=data.division_code, text=data.text, incident_id=data.incident_id,
                         author=actor.username, at=utcnow())
        db.add(e)
        db.flush()
        audit.record(db, actor, "duty.logged", "duty_log", e.id, division_code=e.division_code,
                     after={"incident_id": e.incident_id})
        events.emit(db, "duty.logged", division_code=e.division_code, actor=actor.username,
                    summary=f"值班日志：{data.text[:60]}", payload={"log_id": e.id, "incident_id": e.incident_id})
    return e
