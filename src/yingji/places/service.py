"""Locating a place said in words (地名定位) and the division of a point."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

POINTS_HOOK = "places.points"


@dataclass(frozen=True)
class PlaceMatch:
    name: str
    kind: str
    lon: float
    lat: float
    confidence: float
    matched_on: str
    county_code: str | None
    township_code: str | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def locate(db: Session, text: str, *, near: tuple[float, float] | None = None, limit: int = 5) -> list[PlaceMatch]:
    return []


def division_of_point(db: Session, lon: float, lat: float) -> tuple[str | None, str | None]:
    """(county code, township code) of a WGS84 point, or None where it lies outside."""
    return None, None
