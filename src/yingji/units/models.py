"""The unit (生产经营单位) every domain refers to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class Unit(Base):
    """An enterprise or other supervised unit (school, crowded place, construction site…)."""

    __tablename__ = "units"
    __scope__ = ScopeSpec(division="division_code", unit="id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(32), unique=True)  # 统一社会信用代码
    industry: Mapped[str] = mapped_column(String(32), index=True)  # code from units/config/industries.json
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)  # WGS84
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    scale: Mapped[str] = mapped_column(String(16), default="")  # 大型/中型/小型/微型
    standardisation_level: Mapped[str] = mapped_column(String(16), default="")  # 安全生产标准化等级
    legal_person: Mapped[str] = mapped_column(String(100), default="")
    safety_manager: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    supervising_department: Mapped[str] = mapped_column(String(100), default="")
    # the highest level of the unit's risk sources, maintained by the risk domain (set_risk_levels)
    risk_level: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    extra: Mapped[dict | None] = mapped_column(JSONType, nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
