"""Law enforcement (执法检查): annual plans, planned visits, penalties and the blacklist."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class InspectionPlan(Base):
    """年度执法检查计划 of one division (county or city) for one year."""

    __tablename__ = "inspection_plans"
    __scope__ = ScopeSpec(division="division_code")
    __table_args__ = (UniqueConstraint("year", "division_code", name="uq_inspection_plans_year_division"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    params: Mapped[Any] = mapped_column(JSONType, default=dict)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(64), default="")
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlannedInspection(Base):
    __tablename__ = "planned_inspections"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    planned_date: Mapped[date] = mapped_column(Date, index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    level: Mapped[str | None] = mapped_column(String(16), nullable=True)
    done_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id", ondelete="SET NULL"),
                                                           nullable=True)


class Penalty(Base):
    """行政处罚决定."""

    __tablename__ = "penalties"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    decision_no: Mapped[str] = mapped_column(String(64), unique=True)
    amount_yuan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    synthetic: Mapped[bool] = mapped_column(default=False)
    actor: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BlacklistEntry(Base):
    """安全生产失信（黑名单）: listed with a reason, removed with a reason."""

    __tablename__ = "blacklist_entries"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    reason: Mapped[str] = mapped_column(Text)
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    removal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    synthetic: Mapped[bool] = mapped_column(default=False)
    actor: Mapped[str] = mapped_column(String(64), default="")
