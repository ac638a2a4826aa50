"""Inspections (检查记录), hidden hazards (隐患), their timeline, 挂牌督办 listings and notices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class Inspection(Base):
    """One inspection of a unit: its self-check (企业自查) or a department's (部门检查)."""

    __tablename__ = "inspections"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # self | department
    inspector: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100), default="")
    industry: Mapped[str] = mapped_column(String(32))  # checklist used
    items: Mapped[Any] = mapped_column(JSONType, default=list)  # [{code, text, result, note}]
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    planned_inspection_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Hazard(Base):
    """A hidden hazard (事故隐患) and where it stands in the 排查治理 lifecycle."""

    __tablename__ = "hazards"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id", ondelete="SET NULL"),
                                                      nullable=True, index=True)
    checklist_item_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    tier: Mapped[str] = mapped_column(String(32), index=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    attachments: Mapped[Any] = mapped_column(JSONType, default=list)
    state: Mapped[str] = mapped_column(String(16), index=True, default="reported")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    plan: Mapped[Any | None] = mapped_column(JSONType, nullable=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    supervision_level: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)
    listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    applied_steps: Mapped[Any] = mapped_column(JSONType, default=list)
    reported_by: Mapped[str] = mapped_column(String(64), default="")
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class HazardTransition(Base):
    """One step of a hazard's timeline (上报、确认、整改、验收、退回、销号)."""

    __tablename__ = "hazard_transitions"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SupervisionListing(Base):
    """挂牌督办 ledger row: who listed which hazard, under which 限期整改通知, until when."""

    __tablename__ = "supervision_listings"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[str] = mapped_column(String(8), index=True)  # county | city
    listed_by: Mapped[str] = mapped_column(String(100))
    notice_no: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    actor: Mapped[str] = mapped_column(String(64), default="")
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lifted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # username; "" = 销号自动摘牌
    lift_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Notification(Base):
    """A notice sent about a hazard (逾期提醒、督办通知、待办) and to whom.

    A *to-do* (``kind = "todo"``) is addressed to whoever must take the hazard's next step: the unit
    (``audience = "unit"``: its enterprise users) or the supervising government
    (``audience = "government"`` at ``audience_level`` county/city: the government users of that
    level or below whose jurisdiction holds the hazard). It is open until the hazard moves on
    (``done_at``).
    """

    __tablename__ = "hazard_notifications"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id", ondelete="CASCADE"),
                                                  nullable=True, index=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipients: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    audience: Mapped[str | None] = mapped_column(String(16), nullable=True)  # unit | government (to-dos)
    audience_level: Mapped[str | None] = mapped_column(String(8), nullable=True)  # county | city (government)
    action: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the step expected
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
