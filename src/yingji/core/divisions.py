"""Administrative divisions 省-市-县-乡-村 and the provenance of every loaded dataset."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec

LEVEL_LABELS = {
    "province": "省",
    "city": "市",
    "county": "县（区、市）",
    "township": "乡镇（街道）",
    "village": "村（社区）",
}


class Dataset(Base):
    """Where a dataset came from: source, licence, datum, whether it is synthetic and how made."""

    __tablename__ = "datasets"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    licence: Mapped[str] = mapped_column(String(200))
    datum: Mapped[str] = mapped_column(String(200))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str] = mapped_column(Text, default="")
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Division(Base):
    __tablename__ = "divisions"
    __scope__ = ScopeSpec(division="code")
    __unit_visible__ = True

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_code: Mapped[str | None] = mapped_column(
        String(12), ForeignKey("divisions.code"), index=True, nullable=True
    )
    geometry: Mapped[dict | None] = mapped_column(JSONType, nullable=True, deferred=True)
    min_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    min_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    centroid_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    centroid_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    area_km2: Mapped[float | None] = mapped_column(Float, nullable=True)
    population: Mapped[int | None] = mapped_column(Integer, nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    dataset_key: Mapped[str | None] = mapped_column(ForeignKey("datasets.key"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)


def township_in_scope(db: Any, actor: Any, code: str, field: str = "division_code") -> Division:
    """The 9-digit township a record is placed in: it must exist and lie inside the actor's jurisdiction."""
    from yingji.core.errors import ValidationFailed
    from yingji.core.scope import ensure_in_scope

    if len(code) != 9:
        raise ValidationFailed("所在区划必须是 9 位乡镇（街道）代码", field=field)
    ensure_in_scope(actor, code, field=field)
    division = db.get(Division, code)
    if division is None:
        raise ValidationFailed(f"乡镇（街道）{code} 不存在", field=field)
    return division
