"""The demo gazetteer for ``yingji demo load``: real names only, bulk, idempotent, ONE summary audit record.

Loads the 110 seed names (metro stations, towns, the airport; WGS84, OSM/GeoNames/airportsdata)
and the 37 hospitals (datum undocumented, treated as GCJ-02 and converted) from the reference
data folder (``YINGJI_PLACES_GAZETTEER_DIR``, default ``<reference data>/places``), placing each in
its county and township by point-in-polygon. Counties and townships are indexed from the
divisions themselves; road names are not in the reference data (the road network has none):
import an OpenStreetMap extract to have them (docs/places.md).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset
from yingji.core.geo import gcj02_to_wgs84
from yingji.places import service
from yingji.places.importing import PlaceRow

SEED_KEY = "places-seed-gazetteer"
HOSPITALS_KEY = "places-hospitals"
_SEED_KINDS = {"metro_station": "metro", "airport": "airport", "town": "township", "township": "township",
               "subdistrict": "township", "village": "village", "city_or_county_seat": "landmark",
               "populated_place": "village"}


def data_dir() -> Path:
    from yingji.config import get_settings

    s = get_settings()
    return Path(s.places_gazetteer_dir) if s.places_gazetteer_dir else Path(s.reference_data) / "places"


def seed_rows(folder: Path) -> list[PlaceRow]:
    rows = []
    with (folder / "seed_gazetteer_wgs84.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            aliases = [a for a in (r.get("aliases") or "").split("|") if a and a != r["name"]]
            source_name = r.get("source_name") or ""
            if source_name and source_name != r["name"] and source_name not in aliases:
                aliases.append(source_name)
            rows.append(PlaceRow(r["name"], _SEED_KINDS.get(r["kind"], "landmark"), float(r["lon"]), float(r["lat"]),
                                 aliases, None, (r.get("source_id") or "")[:100]))
    return rows


def hospital_rows(folder: Path) -> list[PlaceRow]:
    data = json.loads((folder / "hospitals_37.geojson").read_text(encoding="utf-8"))
    rows = []
    for f in data["features"]:
        name = f["properties"]["hospital_name"]
        lon, lat = gcj02_to_wgs84(*f["geometry"]["coordinates"][:2])
        short = name.split("(")[0].split("（")[0]
        aliases = [short] if short != name else []
        rows.append(PlaceRow(name, "hospital", lon, lat, aliases, None, str(f["properties"].get("id", ""))))
    return rows


def load(ctx: Any) -> None:
    folder = data_dir()
    with ctx.database.session() as db:
        if db.get(Dataset, SEED_KEY) is not None:
            ctx.console.print("地名库已存在，跳过")
            return
    if not (folder / "seed_gazetteer_wgs84.csv").exists():
        ctx.console.print(f"没有地名种子文件（{folder}），跳过地名库")
        return
    seeds, hospitals = seed_rows(folder), hospital_rows(folder)
    actor = ctx.actor
    with ctx.database.session() as db, atomic(db):
        for row in seeds:
            db.add(service.place_from_row(db, row, source=SEED_KEY))
        for row in hospitals:
            db.add(service.place_from_row(db, row, source=HOSPITALS_KEY))
        db.add(Dataset(key=SEED_KEY, name="地名种子（地铁站、乡镇、机场）", source="OpenStreetMap（地铁站）、GeoNames cities1000、airportsdata",
                       licence="ODbL 1.0 / CC-BY 4.0 / MIT", datum="WGS84", synthetic=False,
                       method="seed_gazetteer_wgs84.csv 原样载入；所在区县、乡镇按点落区（乡镇边界为合成）",
                       record_count=len(seeds), loaded_at=utcnow()))
        db.add(Dataset(key=HOSPITALS_KEY, name="医院点位（37 家）", source="公开代码中的医院清单（github:longzhiwuing/np）",
                       licence="未声明（事实性位置）", datum="GCJ-02（推定）→WGS84", synthetic=False,
                       method="hospitals_37.geojson 按 GCJ-02 转换为 WGS84；原区划字段不用，按点落区",
                       record_count=len(hospitals), loaded_at=utcnow()))
        db.flush()
        audit.record(db, actor, "places.demo_loaded", "dataset", SEED_KEY, division_code=actor.scope_code,
                     after={"places": len(seeds) + len(hospitals)})
        events.emit(db, "places.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"载入地名库 {len(seeds) + len(hospitals)} 条（真实地名）",
                    payload={"places": len(seeds) + len(hospitals)})
    service.invalidate()
    ctx.console.print(f"地名库：地名种子 {len(seeds)} 条，医院 {len(hospitals)} 家（道路名需导入 OSM）")
