"""Calls (接警), incidents (事件), their timeline and grade history, reports (信息报送), merge proposals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec

STATUS_LABELS = {"received": "接警", "handling": "处置中", "closed": "结束"}


class Incident(Base):
    """An incident: what, where, how many, how grave, where it stands."""

    __tablename__ = "incidents"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32), index=True)  # operational subtype (建筑火灾 …)
    category: Mapped[str] = mapped_column(String(16), default="")  # GB/T 35561 class
    place_text: Mapped[str] = mapped_column(String(300), default="")
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="received")
    dead: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    seriously_injured: Mapped[int] = mapped_column(Integer, default=0)
    injured: Mapped[int] = mapped_column(Integer, default=0)
    trapped: Mapped[int] = mapped_column(Integer, default=0)
    endangered: Mapped[int] = mapped_column(Integer, default=0)
    evacuated: Mapped[int] = mapped_column(Integer, default=0)
    loss_wan: Mapped[float] = mapped_column(Float, default=0.0)
    grade: Mapped[str] = mapped_column(String(20), index=True, default="general")
    response_level: Mapped[str] = mapped_column(String(4), default="IV")
    risk_flags: Mapped[Any] = mapped_column(JSONType, default=list)
    hazards: Mapped[Any] = mapped_column(JSONType, default=list)
    keywords: Mapped[Any] = mapped_column(JSONType, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(32), default="call")  # call | alarm | manual
    source_ref: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Call(Base):
    """One call received (来电): who, when, what was said, what was extracted, which incident it fed."""

    __tablename__ = "incident_calls"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    caller_number: Mapped[str] = mapped_column(String(32), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    transcript: Mapped[str] = mapped_column(Text)
    audio_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    extraction: Mapped[Any] = mapped_column(JSONType, default=dict)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"),
                                                    nullable=True, index=True)
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    taken_by: Mapped[str] = mapped_column(String(64), default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TimelineEntry(Base):
    """Everything that happened to an incident, in order (接警、合并、核增伤亡、定级、状态、报送…)."""

    __tablename__ = "incident_timeline"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[Any] = mapped_column(JSONType, default=dict)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class GradeRevision(Base):
    """One (re)grading of an incident: the counts it used and the result; ``change`` raised/lowered/set."""

    __tablename__ = "incident_grades"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    grade: Mapped[str] = mapped_column(String(20))
    response_level: Mapped[str] = mapped_column(String(4))
    risk_flags: Mapped[Any] = mapped_column(JSONType, default=list)
    counts: Mapped[Any] = mapped_column(JSONType, default=dict)
    reasons: Mapped[Any] = mapped_column(JSONType, default=list)
    change: Mapped[str] = mapped_column(String(16))  # initial | raised | lowered | unchanged
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Report(Base):
    """A report in the chain (首报/续报/终报 to a level): text in the official format, due, submitted, received."""

    __tablename__ = "incident_reports"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # first | followup | final
    level: Mapped[str] = mapped_column(String(16))  # county | city | province | state
    text: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    on_time: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    received_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MergeProposal(Base):
    """A call that looks like an open incident (same type, near in time and place): merge or not."""

    __tablename__ = "incident_merge_proposals"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("incident_calls.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    minutes_apart: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed | merged | rejected
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
