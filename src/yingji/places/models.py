"""The gazetteer (地名库): named places with aliases, a point (WGS84), divisions and provenance.

Divisions themselves (counties, townships) are not copied here: the place index reads them from
``core.divisions``; the platform's own points (units, risk sources …) come through the
``places.points`` read hook. This table holds what is imported: seed names, hospitals, roads and
landmarks from CSV, GeoJSON and OpenStreetMap extracts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec

KINDS = {
    "county": "县（区、市）", "township": "乡镇（街道）", "village": "村（社区）", "road": "道路",
    "landmark": "地标", "metro": "地铁站", "hospital": "医院", "airport": "机场", "school": "学校",
    "poi": "其他地点", "unit": "生产经营单位", "risk_source": "风险源",
}


class Place(Base):
    __tablename__ = "places"
    # jurisdiction by the most precise division known (township, else county, else the city);
    # searching (locate) reads every name, listing is by jurisdiction (enterprise users see none)
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    aliases: Mapped[list] = mapped_column(JSONType, default=list)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    lon: Mapped[float] = mapped_column(Float)  # WGS84
    lat: Mapped[float] = mapped_column(Float)
    geometry: Mapped[dict | None] = mapped_column(JSONType, nullable=True)  # GeoJSON WGS84 (roads, areas)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    county_code: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    township_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    source: Mapped[str] = mapped_column(String(64), index=True)  # dataset key or import file
    source_id: Mapped[str] = mapped_column(String(100), default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
