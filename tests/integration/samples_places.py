"""Jurisdiction-walk samples of the places package: a gazetteer name inside township A (county A)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from tests.integration.scope_samples import TOWNSHIP_A
from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.core.divisions import Division


def point_in(db: Database, code: str = TOWNSHIP_A) -> tuple[float, float]:
    """A point inside the division ``code`` (its representative point)."""
    from shapely.geometry import shape

    with db.session() as s:
        d = s.scalar(select(Division).options(undefer(Division.geometry)).where(Division.code == code))
        pt = shape(d.geometry).representative_point()
    return round(pt.x, 6), round(pt.y, 6)


def csv_in(db: Database, name: str, code: str = TOWNSHIP_A) -> bytes:
    lon, lat = point_in(db, code)
    return f"名称,类型,经度,纬度,别名\n{name},landmark,{lon},{lat},{name}别名\n".encode()


def _place(db: Database, ctx: dict[str, Any]) -> int:
    if "place_id" not in ctx:
        from yingji.places.actions import import_places
        from yingji.places.models import Place

        name = f"辖区A地标{id(ctx) % 100000}"
        with db.session() as s:
            import_places(s, system_principal(), csv_in(db, name), "walk.csv")
            ctx["place_id"] = s.scalar(select(Place.id).where(Place.name == name))
        ctx["place_csv"] = csv_in(db, "越权地名")
    return ctx["place_id"]


PATH_SAMPLES = {"place_id": _place}

WRITE_BODIES = {
    ("POST", "/api/v1/places/import"): lambda ctx: {
        "__files__": {"file": ("p.csv", ctx["place_csv"], "text/csv")}, "__data__": {"mode": "valid_only"}},
}

BULK_REPORTS = {("POST", "/api/v1/places/import")}
