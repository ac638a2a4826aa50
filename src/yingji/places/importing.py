"""Parsing gazetteer imports: CSV/xlsx, GeoJSON and OpenStreetMap extracts (.osm, .osm.pbf).

Every parser answers ``(rows, errors)``: rows are ``(row number, PlaceRow)``, errors one
:class:`ImportRowError` per bad row (row numbers: the spreadsheet row, the GeoJSON feature number
from 1, or the OSM object as ``n123``/``w45`` in the message with its running number as row).

CSV/xlsx headers: 名称* (or name), 类型 (kind), 经度* (lon), 纬度* (lat), 别名 (aliases, separated by
|、; or ，), 坐标系 (datum: WGS84 or GCJ02; default the ``datum`` argument), 编号 (source_id).
GeoJSON: properties ``name``/``名称``, ``kind``/``类型``, ``aliases``/``别名``, ``id``; Point, LineString,
MultiLineString, Polygon or MultiPolygon; a line or area keeps its geometry (路口 need road lines).
OSM: nodes with a ``name`` tag (place=*, amenity=*, railway=station, …) and named ways with
``highway=*`` (roads, merged per name) or other tags (landmarks, at their centre); ``name:zh``
and ``alt_name``/``old_name``/``short_name`` become aliases. Datum of OSM is always WGS84.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import LineString, MultiLineString, mapping, shape
from shapely.ops import linemerge

from yingji.core.division_data import FUZHOU_IMPORT_BBOX
from yingji.core.errors import ValidationFailed
from yingji.core.geo import gcj02_to_wgs84, geometry_gcj02_to_wgs84
from yingji.core.importing import cell_text, read_table
from yingji.core.schemas import ImportRowError
from yingji.places.models import KINDS

MAX_BYTES = 50 * 1024 * 1024
_ALIAS_SPLIT = re.compile(r"[|、;；,，]")
_DATUMS = {"WGS84": "WGS84", "WGS-84": "WGS84", "GCJ02": "GCJ02", "GCJ-02": "GCJ02"}
_KIND_NAMES = {label: key for key, label in KINDS.items()} | {"metro_station": "metro", "town": "township",
                                                             "subdistrict": "township", "city_or_county_seat": "landmark",
                                                             "populated_place": "village", "道路": "road",
                                                             "地铁": "metro"}
CSV_COLUMNS = {"名称": "name", "name": "name", "类型": "kind", "kind": "kind", "经度": "lon", "lon": "lon",
               "纬度": "lat", "lat": "lat", "别名": "aliases", "aliases": "aliases", "坐标系": "datum",
               "datum": "datum", "编号": "source_id", "id": "source_id"}


@dataclass
class PlaceRow:
    name: str
    kind: str
    lon: float
    lat: float
    aliases: list[str] = field(default_factory=list)
    geometry: dict[str, Any] | None = None
    source_id: str = ""


def _err(row: int, fld: str | None, message: str) -> ImportRowError:
    return ImportRowError(row=row, field=fld, message=message)


def _kind(value: Any, default: str = "landmark") -> str | None:
    text = cell_text(value)
    if text is None:
        return default
    text = text.strip()
    if text in KINDS:
        return text
    return _KIND_NAMES.get(text)


def _aliases(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(a).strip() for a in value if str(a).strip()]
    text = cell_text(value) or ""
    return [a.strip() for a in _ALIAS_SPLIT.split(text) if a.strip()]


def _in_area(lon: float, lat: float) -> bool:
    x0, y0, x1, y1 = FUZHOU_IMPORT_BBOX
    return x0 <= lon <= x1 and y0 <= lat <= y1


def _datum(value: Any, default: str) -> str | None:
    text = (cell_text(value) or default).upper().replace(" ", "")
    return _DATUMS.get(text)


def _name(value: Any) -> str | None:
    text = cell_text(value)
    if text is None:
        return None
    text = text.strip()
    return text if 1 <= len(text) <= 200 else None


# --------------------------------------------------------------------------- CSV / xlsx


def parse_table(content: bytes, filename: str, *, datum: str = "WGS84") -> tuple[list[tuple[int, PlaceRow]],
                                                                                 list[ImportRowError]]:
    rows: list[tuple[int, PlaceRow]] = []
    errors: list[ImportRowError] = []
    for rownum, raw in read_table(content, filename):
        values = {CSV_COLUMNS[k]: v for k, v in raw.items() if k in CSV_COLUMNS}
        bad = []
        name = _name(values.get("name"))
        if name is None:
            bad.append(_err(rownum, "名称", "名称：缺少必填项或超过 200 字"))
        kind = _kind(values.get("kind"))
        if kind is None:
            bad.append(_err(rownum, "类型", f"类型“{values.get('kind')}”不是可用的地点类型（{'、'.join(KINDS.values())}）"))
        row_datum = _datum(values.get("datum"), datum)
        if row_datum is None:
            bad.append(_err(rownum, "坐标系", "坐标系只能是 WGS84 或 GCJ02"))
        try:
            lon, lat = float(str(values.get("lon")).strip()), float(str(values.get("lat")).strip())
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError
        except (TypeError, ValueError):
            bad.append(_err(rownum, "经度", "经度、纬度必须是数字（十进制度）"))
            lon = lat = float("nan")
        if not bad and row_datum == "GCJ02":
            lon, lat = gcj02_to_wgs84(lon, lat)
        if not bad and not _in_area(lon, lat):
            bad.append(_err(rownum, "经度", f"坐标（{lon:.5f}, {lat:.5f}）不在本市范围内（经纬度是否颠倒？）"))
        if bad:
            errors.extend(bad)
            continue
        rows.append((rownum, PlaceRow(name or "", kind or "landmark", lon, lat, _aliases(values.get("aliases")),
                                      None, cell_text(values.get("source_id")) or "")))
    return rows, errors


# --------------------------------------------------------------------------- GeoJSON


def parse_geojson(content: bytes, *, datum: str = "WGS84") -> tuple[list[tuple[int, PlaceRow]], list[ImportRowError]]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationFailed("不是有效的 GeoJSON 文件（UTF-8）", field="file") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ValidationFailed("GeoJSON 必须是 FeatureCollection", field="file")
    file_datum = _datum(data.get("datum"), datum) or datum
    rows: list[tuple[int, PlaceRow]] = []
    errors: list[ImportRowError] = []
    for i, feat in enumerate(features, start=1):
        props = (feat or {}).get("properties") or {}
        name = _name(props.get("name") or props.get("名称"))
        if name is None:
            errors.append(_err(i, "name", f"第 {i} 个要素：缺少名称"))
            continue
        kind = _kind(props.get("kind") or props.get("类型"), "landmark")
        try:
            geom = shape(feat["geometry"])
            if geom.is_empty or not geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon"):
                raise ValueError
        except Exception:  # noqa: BLE001 - any malformed geometry is a row error
            errors.append(_err(i, "geometry", f"第 {i} 个要素（{name}）：几何无效或缺失"))
            continue
        if geom.geom_type not in ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"):
            errors.append(_err(i, "geometry", f"第 {i} 个要素（{name}）：不支持的几何类型 {geom.geom_type}"))
            continue
        if file_datum == "GCJ02":
            geom = geometry_gcj02_to_wgs84(geom)
        pt = geom if geom.geom_type == "Point" else geom.representative_point()
        if not _in_area(pt.x, pt.y):
            errors.append(_err(i, "geometry", f"第 {i} 个要素（{name}）：坐标不在本市范围内"))
            continue
        if kind is None:
            errors.append(_err(i, "kind", f"第 {i} 个要素（{name}）：类型“{props.get('kind')}”不可用"))
            continue
        if kind == "landmark" and geom.geom_type in ("LineString", "MultiLineString"):
            kind = "road"
        rows.append((i, PlaceRow(name, kind, pt.x, pt.y, _aliases(props.get("aliases") or props.get("别名")),
                                 mapping(geom) if geom.geom_type != "Point" else None,
                                 str(props.get("id") or feat.get("id") or ""))))
    return rows, errors


# --------------------------------------------------------------------------- OpenStreetMap


_OSM_NODE_KINDS = (("railway", "station", "metro"), ("station", "subway", "metro"), ("aeroway", "aerodrome", "airport"),
                   ("amenity", "hospital", "hospital"), ("amenity", "school", "school"), ("place", "town", "township"),
                   ("place", "village", "village"), ("place", "suburb", "township"), ("place", "hamlet", "village"))


def _osm_kind(tags: Any) -> str:
    for key, value, kind in _OSM_NODE_KINDS:
        if tags.get(key) == value:
            return kind
    return "landmark"


def _osm_aliases(tags: Any, name: str) -> list[str]:
    out = []
    for key in ("name:zh", "name:zh-Hans", "alt_name", "old_name", "short_name", "official_name"):
        v = tags.get(key)
        if v:
            out.extend(a.strip() for a in v.split(";") if a.strip() and a.strip() != name)
    return out


def parse_osm(content: bytes, filename: str) -> tuple[list[tuple[int, PlaceRow]], list[ImportRowError]]:
    """Named nodes and ways of an OSM extract (XML .osm or .osm.pbf), read with pyosmium."""
    import osmium

    suffix = ".osm.pbf" if filename.lower().endswith(".pbf") else ".osm"
    rows: list[tuple[int, PlaceRow]] = []
    errors: list[ImportRowError] = []
    roads: dict[str, list[Any]] = defaultdict(list)
    road_meta: dict[str, tuple[int, list[str], str]] = {}
    n = 0
    fd, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        try:
            processor = osmium.FileProcessor(path).with_locations().with_filter(osmium.filter.KeyFilter("name"))
            for obj in processor:
                n += 1
                tags = obj.tags
                name = _name(tags.get("name:zh") or tags.get("name"))
                if name is None:
                    continue
                if obj.is_node():
                    if not obj.location.valid():
                        errors.append(_err(n, "location", f"节点 n{obj.id}（{name}）：没有坐标"))
                        continue
                    lon, lat = obj.location.lon, obj.location.lat
                    if not _in_area(lon, lat):
                        errors.append(_err(n, "location", f"节点 n{obj.id}（{name}）：坐标不在本市范围内"))
                        continue
                    rows.append((n, PlaceRow(name, _osm_kind(tags), lon, lat, _osm_aliases(tags, name), None,
                                             f"n{obj.id}")))
                elif obj.is_way():
                    try:
                        coords = [(nd.lon, nd.lat) for nd in obj.nodes]
                    except osmium.InvalidLocationError:
                        errors.append(_err(n, "nodes", f"道路 w{obj.id}（{name}）：缺少节点坐标，跳过"))
                        continue
                    if len(coords) < 2:
                        errors.append(_err(n, "nodes", f"道路 w{obj.id}（{name}）：少于两个节点"))
                        continue
                    if "highway" in tags:
                        roads[name].append(LineString(coords))
                        if name not in road_meta:
                            road_meta[name] = (n, _osm_aliases(tags, name), f"w{obj.id}")
                    else:
                        pt = LineString(coords).centroid
                        if _in_area(pt.x, pt.y):
                            rows.append((n, PlaceRow(name, _osm_kind(tags), pt.x, pt.y, _osm_aliases(tags, name),
                                                     None, f"w{obj.id}")))
        except RuntimeError as exc:
            raise ValidationFailed(f"无法读取 OSM 文件：{exc}", field="file") from None
    finally:
        os.unlink(path)
    for name, lines in roads.items():
        rownum, aliases, source_id = road_meta[name]
        merged = linemerge(MultiLineString(lines)) if len(lines) > 1 else lines[0]
        pt = merged.interpolate(0.5, normalized=True) if merged.geom_type == "LineString" else merged.representative_point()
        if not _in_area(pt.x, pt.y):
            errors.append(_err(rownum, "location", f"道路 {name}：坐标不在本市范围内"))
            continue
        rows.append((rownum, PlaceRow(name, "road", pt.x, pt.y, aliases, mapping(merged), source_id)))
    rows.sort(key=lambda r: r[0])
    return rows, errors


def parse_any(content: bytes, filename: str, *, datum: str = "WGS84") -> tuple[list[tuple[int, PlaceRow]],
                                                                              list[ImportRowError]]:
    if len(content) > MAX_BYTES:
        raise ValidationFailed("文件超过 50 MB", field="file")
    low = (filename or "").lower()
    if low.endswith((".osm", ".osm.pbf", ".pbf")):
        return parse_osm(content, filename)
    if low.endswith((".geojson", ".json")):
        return parse_geojson(content, datum=datum)
    if low.endswith((".csv", ".xlsx")):
        return parse_table(content, filename, datum=datum)
    raise ValidationFailed("只支持 CSV、xlsx、GeoJSON、OSM（.osm / .osm.pbf）文件", field="file")
