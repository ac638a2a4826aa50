"""Reads of the duty domain: the roster, who is on duty now, the log, hand-overs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.db import utcnow
from yingji.core.listing import ListSpec, eq, within_division
from yingji.core.scope import scoped, within
from yingji.core.service import division_names
from yingji.core.timeutil import local_tz, to_local
from yingji.duty.models import ROLE_LABELS, DutyHandover, DutyLogEntry, DutyShift
from yingji.duty.schemas import LogQuery

SHIFT_START = time(8, 30)  # a 24-hour shift from 08:30 local (common practice; one constant)

LOG = ListSpec(model=DutyLogEntry, query=LogQuery,
               filters={"division": within_division(DutyLogEntry.division_code),
                        "incident_id": eq(DutyLogEntry.incident_id)},
               sorts={"at": DutyLogEntry.at, "id": DutyLogEntry.id}, default_sort=("-at",))
HANDOVERS = ListSpec(model=DutyHandover, query=LogQuery,
                     filters={"division": within_division(DutyHandover.division_code)},
                     sorts={"at": DutyHandover.at, "id": DutyHandover.id}, default_sort=("-at",))


def shift_window(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, SHIFT_START, tzinfo=local_tz())
    return start, start + timedelta(hours=24)


def duty_day(at: datetime) -> date:
    """The roster day whose shift covers ``at`` (before 08:30 it is still yesterday's)."""
    local = to_local(at)
    return local.date() - timedelta(days=1) if local.time() < SHIFT_START else local.date()


def on_duty(db: Session, principal: Principal, division: str | None = None,
            at: datetime | None = None) -> list[dict[str, Any]]:
    """The people on duty at ``at`` (default now) in scope: ``[{name, phone, division_code, role}]``."""
    at = at or utcnow()
    stmt = scoped(principal, DutyShift).where(DutyShift.starts_at <= at, DutyShift.ends_at > at)
    if division:
        stmt = stmt.where(within(DutyShift.division_code, division))
    rows = list(db.scalars(stmt.order_by(DutyShift.division_code, DutyShift.role, DutyShift.name)))
    names = division_names(db, {r.division_code for r in rows})
    return [{"name": r.name, "phone": r.phone, "division_code": r.division_code, "role": r.role,
             "role_label": ROLE_LABELS.get(r.role, r.role), "division_name": names.get(r.division_code, "")}
            for r in rows]


def roster(db: Session, principal: Principal, division: str | None, start: date | None, days: int) -> dict[str, Any]:
    start = start or duty_day(utcnow())
    stmt = scoped(principal, DutyShift).where(DutyShift.day >= start, DutyShift.day < start + timedelta(days=days))
    if division:
        stmt = stmt.where(within(DutyShift.division_code, division))
    shifts = list(db.scalars(stmt.order_by(DutyShift.day, DutyShift.division_code, DutyShift.role)))
    return {"start": start, "days": days, "shifts": shifts, "on_duty": on_duty(db, principal, division)}


def log_rows(db: Session, principal: Principal, query: LogQuery) -> dict[str, Any]:
    return LOG.page(db, principal, query)


def handovers(db: Session, principal: Principal, query: LogQuery) -> dict[str, Any]:
    return HANDOVERS.page(db, principal, query)


def shift_of(db: Session, division_code: str, day: date, role: str, name: str) -> DutyShift | None:
    return db.scalar(select(DutyShift).where(DutyShift.division_code == division_code, DutyShift.day == day,
                                             DutyShift.role == role, DutyShift.name == name))
