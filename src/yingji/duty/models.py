"""Duty (值班值守): the roster per bureau (leader on duty and 24-hour staff), hand-overs and the duty log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec

ROLE_LABELS = {"leader": "带班领导", "officer": "值班员", "deputy": "副班"}


class DutyShift(Base):
    """One person on duty at one bureau (division) on one day (a 24-hour shift from ``starts_at``)."""

    __tablename__ = "duty_shifts"
    __scope__ = ScopeSpec(division="division_code")
    __table_args__ = (UniqueConstraint("division_code", "day", "role", "name", name="uq_duty_shifts_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    role: Mapped[str] = mapped_column(String(16))  # leader | officer | deputy
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(32), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DutyHandover(Base):
    """A shift hand-over: who handed to whom, with the automatic summary taken at that moment."""

    __tablename__ = "duty_handovers"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    from_name: Mapped[str] = mapped_column(String(64))
    to_name: Mapped[str] = mapped_column(String(64))
    summary: Mapped[Any] = mapped_column(JSONType, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class DutyLogEntry(Base):
    """A duty log line (值班日志), optionally about an incident."""

    __tablename__ = "duty_log"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    text: Mapped[str] = mapped_column(Text)
    incident_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
