"""Risk sources (风险点/危险源) of units, their assessments and control measures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class RiskSource(Base):
    """A risk point / hazard source (风险点/危险源) of a unit, with its current level denormalised."""

    __tablename__ = "risk_sources"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")
    __table_args__ = (
        Index("ix_risk_sources_division_level", "division_code", "level"),
        Index("ix_risk_sources_level_division", "level", "division_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    class_code: Mapped[str] = mapped_column(String(8), index=True)
    subclass_code: Mapped[str] = mapped_column(String(8), index=True)
    industry: Mapped[str] = mapped_column(String(32), index=True)  # copied from the unit for filtering
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"))  # township
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)  # WGS84
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    geometry: Mapped[dict | None] = mapped_column(JSONType, nullable=True, deferred=True)
    description: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    method: Mapped[str | None] = mapped_column(String(8), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    latest_assessment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    management_tier: Mapped[str] = mapped_column(String(64), default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RiskAssessment(Base):
    """One assessment of a risk source (history; the latest one sets the source's level)."""

    __tablename__ = "risk_assessments"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("risk_sources.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    method: Mapped[str] = mapped_column(String(8))  # lec | ls
    factors: Mapped[dict] = mapped_column(JSONType)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(16), nullable=True)
    level: Mapped[str] = mapped_column(String(16))
    assessor: Mapped[str] = mapped_column(String(100), default="")
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")


class ControlMeasure(Base):
    """A control measure of a risk source (管控措施) and who is responsible for it."""

    __tablename__ = "risk_control_measures"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("risk_sources.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    measure: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32), default="")  # 工程技术/管理/培训教育/个体防护/应急处置
    responsible_tier: Mapped[str] = mapped_column(String(32), default="")  # 公司/部门/班组/岗位
    responsible_person: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
