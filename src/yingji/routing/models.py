"""Road closures and slowdowns (道路封闭 / 拥堵) applied to the routing network."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class RoadClosure(Base):
    """A closed road or flooded underpass (``kind="closed"``) or a congested stretch (``"slow"``, speed
    × ``speed_factor``): links by id and/or every link crossing a polygon. Active until reopened."""

    __tablename__ = "routing_closures"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="closed")  # closed | slow
    speed_factor: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(200))
    link_ids: Mapped[Any] = mapped_column(JSONType, default=list)
    polygon: Mapped[Any | None] = mapped_column(JSONType, nullable=True)  # GeoJSON geometry, WGS84
    links_affected: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="active", index=True)  # active | reopened
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reopened_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
