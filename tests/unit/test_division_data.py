"""Unit tests of yingji.core.division_data: the Fuzhou division builder and import parser."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, shape

from yingji.core.division_data import (
    DATASET_BOUNDARIES,
    DATASET_TOWNSHIPS,
    DatasetRecord,
    DivisionRecord,
    _build,
    build_fuzhou,
    default_data_dir,
    parse_division_import,
    township_kind,
)
from yingji.core.errors import ValidationFailed
from yingji.core.geo import area_km2, geometry_gcj02_to_wgs84, geometry_to_geojson, haversine_m

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "fuzhou"


def _census() -> dict[str, int]:
    with (DATA_DIR / "population" / "census2020_counties.csv").open(encoding="utf-8") as fh:
        return {r["code"]: int(r["population"]) for r in csv.DictReader(fh)}


def _digest(divisions: list[DivisionRecord], datasets: list[DatasetRecord]) -> str:
    payload = [dataclasses.asdict(r) for r in [*divisions, *datasets]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@pytest.fixture(scope="module")
def built() -> tuple[list[DivisionRecord], list[DatasetRecord]]:
    return build_fuzhou(DATA_DIR)


@pytest.fixture(scope="module")
def by_level(built) -> dict[str, list[DivisionRecord]]:
    out: dict[str, list[DivisionRecord]] = {}
    for r in built[0]:
        out.setdefault(r.level, []).append(r)
    return out


COUNTY_CODES = [
    "350102", "350103", "350104", "350105", "350111", "350112", "350121",
    "350122", "350123", "350124", "350125", "350128", "350181",
]


# --------------------------------------------------------------------------- structure


def test_builds_province_city_13_counties_and_186_townships(by_level) -> None:
    assert {k: len(v) for k, v in by_level.items()} == {
        "province": 1, "city": 1, "county": 13, "township": 186,
    }
    assert by_level["province"][0].code == "350000" and by_level["province"][0].name == "福建省"
    assert by_level["city"][0].code == "350100" and by_level["city"][0].name == "福州市"
    assert sorted(r.code for r in by_level["county"]) == COUNTY_CODES


def test_codes_unique_and_every_parent_exists(built) -> None:
    divisions = built[0]
    codes = [r.code for r in divisions]
    assert len(codes) == len(set(codes))
    known = set(codes)
    expected_len = {"province": 6, "city": 6, "county": 6, "township": 9}
    for r in divisions:
        assert len(r.code) == expected_len[r.level] and r.code.isdigit()
        if r.level == "province":
            assert r.parent_code is None
        else:
            assert r.parent_code in known
            assert r.code.startswith(r.parent_code[: {"city": 2, "county": 4, "township": 6}[r.level]])


def test_real_and_synthetic_records_are_labelled(built, by_level) -> None:
    divisions, datasets = built
    keys = {d.key for d in datasets}
    assert {r.dataset for r in divisions} <= keys
    for r in by_level["city"] + by_level["county"]:
        assert r.synthetic is False and r.dataset == DATASET_BOUNDARIES
    for r in by_level["township"]:
        assert r.synthetic is True and r.dataset == DATASET_TOWNSHIPS
    ds = {d.key: d for d in datasets}
    assert ds[DATASET_BOUNDARIES].datum == "GCJ-02（导入时转换为 WGS84）"
    assert ds[DATASET_BOUNDARIES].synthetic is False
    assert ds[DATASET_TOWNSHIPS].synthetic is True
    assert "3501" in ds[DATASET_TOWNSHIPS].method and "Lloyd" in ds[DATASET_TOWNSHIPS].method


def test_every_geometry_is_valid_polygonal_nonempty_and_in_fuzhou(built) -> None:
    for r in built[0]:
        if r.level == "province":
            assert r.geometry is None
            continue
        assert r.geometry is not None and r.geometry["type"] in ("Polygon", "MultiPolygon")
        g = shape(r.geometry)
        assert isinstance(g, (Polygon, MultiPolygon)) and not g.is_empty, r.code
        assert g.is_valid, (r.code, shapely.is_valid_reason(g))
        minx, miny, maxx, maxy = g.bounds
        assert 118.0 < minx and maxx < 121.0 and 25.0 < miny and maxy < 27.0
        assert r.area_km2 is not None and r.area_km2 > 0


def test_county_total_area_is_about_fuzhou_land_area(by_level) -> None:
    total = sum(r.area_km2 for r in by_level["county"])
    # official land area ~11,968 km²; AMap outlines include coast and islets: ~12,248 km²
    assert 11_800 < total < 12_500
    assert by_level["city"][0].area_km2 == pytest.approx(total, rel=1e-4)


def test_county_boundaries_were_converted_from_gcj02(by_level) -> None:
    raw = json.loads((DATA_DIR / "boundaries" / "districts_gcj02.geojson").read_text(encoding="utf-8"))
    raw_by_code = {str(f["properties"]["adcode"]): shape(f["geometry"]) for f in raw["features"]}
    for r in by_level["county"]:
        gcj = raw_by_code[r.code]
        wgs = shape(r.geometry)
        shift = haversine_m(gcj.centroid.x, gcj.centroid.y, wgs.centroid.x, wgs.centroid.y)
        assert 500 < shift < 620, r.code
        expected = geometry_gcj02_to_wgs84(gcj)
        assert wgs.symmetric_difference(expected).area / expected.area < 1e-4  # 6-decimal rounding


def test_populations_match_census(by_level) -> None:
    census = _census()
    assert by_level["city"][0].population == census["350100"] == 8_291_268
    assert by_level["province"][0].population is None
    for r in by_level["county"]:
        assert r.population == census[r.code]
    assert sum(r.population for r in by_level["county"]) == census["350100"]


# --------------------------------------------------------------------------- townships


@pytest.fixture(scope="module")
def townships_of(by_level) -> dict[str, list[DivisionRecord]]:
    out: dict[str, list[DivisionRecord]] = {}
    for r in by_level["township"]:
        out.setdefault(r.parent_code, []).append(r)
    return out


def test_township_codes_match_nbs_list(by_level) -> None:
    with (DATA_DIR / "codes" / "fuzhou_townships_2023_nbs.csv").open(encoding="utf-8") as fh:
        nbs = {(r["code"], r["name"], r["areaCode"]) for r in csv.DictReader(fh)}
    assert {(r.code, r.name, r.parent_code) for r in by_level["township"]} == nbs


@pytest.mark.parametrize("county_code", COUNTY_CODES)
def test_townships_partition_their_county(county_code, by_level, townships_of) -> None:
    county = next(r for r in by_level["county"] if r.code == county_code)
    cells = [shape(t.geometry) for t in townships_of[county_code]]
    county_geom = shape(county.geometry)
    # areas add up
    assert sum(t.area_km2 for t in townships_of[county_code]) == pytest.approx(county.area_km2, rel=1e-3)
    assert area_km2(shapely.union_all(cells)) == pytest.approx(county.area_km2, rel=1e-3)
    # union == county
    union = shapely.union_all(cells)
    assert union.symmetric_difference(county_geom).area / county_geom.area < 1e-4
    # no overlaps: pairwise intersections have ~zero area
    tree = shapely.STRtree(cells)
    overlap = 0.0
    for i, j in zip(*tree.query(cells, predicate="intersects"), strict=True):
        if i < j:
            overlap += cells[i].intersection(cells[j]).area
    assert overlap / county_geom.area < 1e-7


@pytest.mark.parametrize("county_code", COUNTY_CODES)
def test_township_populations_sum_exactly_to_county_census(county_code, townships_of) -> None:
    pops = [t.population for t in townships_of[county_code]]
    assert all(isinstance(p, int) and p >= 0 for p in pops)
    assert sum(pops) == _census()[county_code]


def test_streets_are_denser_than_towns_and_towns_denser_than_xiang(townships_of) -> None:
    compared = 0
    for members in townships_of.values():
        density: dict[str, list[float]] = {}
        for t in members:
            density.setdefault(township_kind(t.code)[0], []).append(t.population / t.area_km2)
        if "街道" in density and "镇" in density:
            assert min(density["街道"]) > max(density["镇"])
            compared += 1
        if "镇" in density and "乡" in density:
            assert min(density["镇"]) > max(density["乡"])
    assert compared >= 8  # 台江区 has streets only


def test_streets_lie_closer_to_the_urban_centre_than_towns(by_level, townships_of) -> None:
    for county in by_level["county"]:
        members = townships_of[county.code]
        kinds = Counter(township_kind(t.code)[0] for t in members)
        if not kinds["街道"] or not kinds["镇"]:
            continue
        g = shape(county.geometry)
        parts = list(g.geoms) if isinstance(g, MultiPolygon) else [g]
        centre = max(parts, key=lambda p: p.area).centroid

        def dist(t: DivisionRecord) -> float:
            c = shape(t.geometry).centroid
            return haversine_m(centre.x, centre.y, c.x, c.y)

        streets = [dist(t) for t in members if township_kind(t.code)[0] == "街道"]
        towns = [dist(t) for t in members if township_kind(t.code)[0] == "镇"]
        assert sum(streets) / len(streets) < sum(towns) / len(towns), county.name


def test_build_is_deterministic_and_fast() -> None:
    cached = _digest(*build_fuzhou(DATA_DIR))  # built once already by the fixtures
    t0 = time.perf_counter()
    fresh = _build(DATA_DIR.resolve(), 3501)  # bypasses the cache
    elapsed = time.perf_counter() - t0
    assert _digest(list(fresh[0]), list(fresh[1])) == cached
    assert elapsed < 10.0


def test_other_seed_gives_other_townships_with_same_guarantees() -> None:
    base = {r.code: r for r in build_fuzhou(DATA_DIR)[0]}
    other = build_fuzhou(DATA_DIR, seed=7)[0]
    assert any(r.geometry != base[r.code].geometry for r in other if r.level == "township")
    for r in other:
        if r.level in ("province", "city", "county"):
            assert r == base[r.code]
    census = _census()
    sums: Counter[str] = Counter()
    for r in other:
        if r.level == "township":
            sums[r.parent_code] += r.population
    assert dict(sums) == {c: census[c] for c in COUNTY_CODES}


def test_build_is_cached_per_data_dir_and_seed() -> None:
    a, _ = build_fuzhou(DATA_DIR)
    b, _ = build_fuzhou(DATA_DIR)
    assert a is not b and a == b
    assert a[5] is b[5]


def test_data_dir_from_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("YINGJI_REFERENCE_DATA", str(tmp_path))
    assert default_data_dir() == tmp_path
    with pytest.raises(FileNotFoundError):
        build_fuzhou(tmp_path / "missing")
    monkeypatch.delenv("YINGJI_REFERENCE_DATA")
    assert default_data_dir().resolve() == DATA_DIR.resolve()


# --------------------------------------------------------------------------- import parser

GOOD = box(119.28, 26.06, 119.30, 26.08)
GOOD_2 = box(119.30, 26.06, 119.32, 26.08)


def _feature(props: dict[str, Any], geometry: Any = "default") -> dict[str, Any]:
    geom = geometry_to_geojson(GOOD) if geometry == "default" else geometry
    return {"type": "Feature", "properties": props, "geometry": geom}


def _fc(features: list[Any], **top: Any) -> bytes:
    return json.dumps({"type": "FeatureCollection", **top, "features": features}, ensure_ascii=False).encode()


def test_geojson_import_valid_rows() -> None:
    rows, errors = parse_division_import(
        _fc([
            _feature({"code": "350102001", "name": "鼓东街道", "population": 70000}),
            _feature({"code": 350102002, "population": "65,000"}, geometry_to_geojson(GOOD_2)),
            _feature({"code": "350102003", "name": "温泉街道"}, None),
        ]),
        "towns.geojson",
    )
    assert errors == []
    assert [r["code"] for r in rows] == ["350102001", "350102002", "350102003"]
    assert rows[0]["name"] == "鼓东街道" and rows[0]["population"] == 70000
    assert rows[1]["name"] is None and rows[1]["population"] == 65000
    assert rows[2]["geometry"] is None and rows[2]["area_km2"] is None and rows[2]["population"] is None
    assert rows[0]["area_km2"] == pytest.approx(area_km2(GOOD), rel=1e-6)
    assert set(rows[0]) == {"code", "name", "population", "geometry", "area_km2", "row"}


@pytest.mark.parametrize(
    ("top", "props_datum"),
    [({"datum": "GCJ02"}, None), ({}, "GCJ-02"), ({"datum": "WGS84"}, "gcj02")],
)
def test_geojson_import_converts_gcj02(top, props_datum) -> None:
    props: dict[str, Any] = {"code": "350102001"}
    if props_datum:
        props["datum"] = props_datum
    rows, errors = parse_division_import(_fc([_feature(props)], **top), "a.json")
    assert errors == []
    got = shape(rows[0]["geometry"])
    assert shapely.equals_exact(got, geometry_gcj02_to_wgs84(GOOD), tolerance=2e-6)
    shift = haversine_m(GOOD.centroid.x, GOOD.centroid.y, got.centroid.x, got.centroid.y)
    assert 500 < shift < 620


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[119.2, 26.0], [119.3, 26.1], [119.3, 26.0], [119.2, 26.1], [119.2, 26.0]]],
}
UNPARSEABLE = {"type": "Polygon", "coordinates": "x"}
POINT = {"type": "Point", "coordinates": [119.3, 26.1]}
SWAPPED = geometry_to_geojson(box(26.06, 119.28, 26.08, 119.30))
BROKEN_FEATURES: list[tuple[str, Any, str | None, str]] = [
    ("bad code", _feature({"code": "35010"}), "code", "6、9 或 12 位数字"),
    ("letters in code", _feature({"code": "35O102001"}), "code", "6、9 或 12 位数字"),
    ("missing code", _feature({"name": "无代码"}), "code", "缺少行政区划代码"),
    ("negative population", _feature({"code": "350102004", "population": -5}), "population", "不能为负数"),
    ("text population", _feature({"code": "350102005", "population": "很多"}), "population", "非负整数"),
    ("fractional population", _feature({"code": "350102006", "population": 1.5}), "population", "非负整数"),
    ("bool population", _feature({"code": "350102007", "population": True}), "population", "非负整数"),
    ("unparseable geometry", _feature({"code": "350102008"}, UNPARSEABLE), "geometry", "无法解析"),
    ("self-intersecting", _feature({"code": "350102009"}, BOWTIE), "geometry", "无效"),
    ("point geometry", _feature({"code": "350102010"}, POINT), "geometry", "Polygon"),
    ("lat/lon swapped", _feature({"code": "350102011"}, SWAPPED), "geometry", "超出福州市范围"),
    ("bad datum", _feature({"code": "350102012", "datum": "BD09"}), "datum", "WGS84 或 GCJ02"),
    ("not a feature", {"type": "Polygon"}, None, "Feature"),
    ("name not text", _feature({"code": "350102013", "name": {"x": 1}}), "name", "文本"),
]


@pytest.mark.parametrize(
    ("label", "feature", "field", "fragment"), BROKEN_FEATURES, ids=[b[0] for b in BROKEN_FEATURES]
)
def test_geojson_import_reports_bad_row(label, feature, field, fragment) -> None:
    good = _feature({"code": "350102001", "population": 1})
    rows, errors = parse_division_import(_fc([good, feature]), "x.geojson")
    assert [r["code"] for r in rows] == ["350102001"], label
    assert len(errors) == 1, errors
    assert errors[0]["row"] == 2 and errors[0]["field"] == field
    assert fragment in errors[0]["message"]


def test_geojson_import_reports_every_bad_row_together() -> None:
    features = [_feature({"code": "350102001", "population": 1})] + [b[1] for b in BROKEN_FEATURES]
    rows, errors = parse_division_import(_fc(features), "x.geojson")
    assert [r["code"] for r in rows] == ["350102001"]
    assert [e["row"] for e in errors] == list(range(2, len(BROKEN_FEATURES) + 2))


def test_geojson_import_reports_each_duplicate_code() -> None:
    rows, errors = parse_division_import(
        _fc([
            _feature({"code": "350102001"}),
            _feature({"code": "350102002"}),
            _feature({"code": "350102001"}),
        ]),
        "d.geojson",
    )
    assert [r["code"] for r in rows] == ["350102002"]
    assert [(e["row"], e["field"]) for e in errors] == [(1, "code"), (3, "code")]
    assert "重复" in errors[0]["message"] and "1、3" in errors[0]["message"]


def test_row_with_several_problems_gets_one_error_per_field() -> None:
    rows, errors = parse_division_import(
        _fc([_feature({"code": "x", "population": -1}, BOWTIE)]), "x.geojson"
    )
    assert rows == []
    assert sorted(e["field"] for e in errors) == ["code", "geometry", "population"]


@pytest.mark.parametrize(
    ("content", "filename", "field"),
    [
        (b"{not json", "a.geojson", "file"),
        (b'{"type": "Feature", "properties": {}, "geometry": null}', "a.geojson", "file"),
        (b'{"type": "FeatureCollection", "features": {}}', "a.geojson", "file"),
        (b'{"type": "FeatureCollection", "datum": "BD09", "features": []}', "a.geojson", "datum"),
        ('{"type": "FeatureCollection", "features": [], "name": "福州"}'.encode("gbk"), "a.geojson", "file"),
        (b"", "a.geojson", "file"),
        (b"code,name\n350102001,x\n", "a.xlsx", "file"),
        (b"", "a.csv", "file"),
        ("name,population\n鼓东街道,1\n".encode(), "a.csv", "code"),
        ("code,name\n350102001,鼓东\n".encode("utf-16"), "a.csv", "file"),
    ],
)
def test_unreadable_file_raises_validation_failed(content: bytes, filename: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_division_import(content, filename)
    assert info.value.field == field
    assert info.value.message  # Chinese text for the duty officer


CSV_TEXT = (
    "code,name,population,wkt\n"
    f"350102001,鼓东街道,70000,\"{GOOD.wkt}\"\n"
    "350102002,鼓西街道,,\n"
    "350102003001,某社区居委会,1200,\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_import_accepts_utf8_bom_and_gbk(encoding: str) -> None:
    rows, errors = parse_division_import(CSV_TEXT.encode(encoding), "towns.CSV")
    assert errors == []
    assert [(r["code"], r["name"], r["population"]) for r in rows] == [
        ("350102001", "鼓东街道", 70000),
        ("350102002", "鼓西街道", None),
        ("350102003001", "某社区居委会", 1200),
    ]
    assert shape(rows[0]["geometry"]).equals(GOOD)
    assert rows[0]["area_km2"] == pytest.approx(area_km2(GOOD), rel=1e-6)


def test_csv_import_accepts_chinese_headers_and_datum_column() -> None:
    text = f"行政区划代码,名称,人口,几何,坐标系\n350102001,鼓东街道,\"1,234\",\"{GOOD.wkt}\",GCJ-02\n"
    rows, errors = parse_division_import(text.encode("utf-8"), "a.csv")
    assert errors == []
    assert rows[0]["population"] == 1234
    assert shapely.equals_exact(shape(rows[0]["geometry"]), geometry_gcj02_to_wgs84(GOOD), tolerance=2e-6)


def test_csv_import_reports_every_bad_row() -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "population", "wkt"])
    w.writerow(["350102001", "好", "10", GOOD.wkt])  # 1 ok
    w.writerow(["3501020", "坏代码", "10", ""])  # 2
    w.writerow(["350102003", "负人口", "-3", ""])  # 3
    w.writerow(["350102004", "小数人口", "2.5", ""])  # 4
    w.writerow(["350102005", "坏WKT", "1", "POLYGON ((119 26, 119.1"])  # 5
    w.writerow(["350102006", "自相交", "1", shapely.from_geojson(json.dumps(BOWTIE)).wkt])  # 6
    w.writerow(["350102007", "太远", "1", "POLYGON ((116 39, 116.1 39, 116.1 39.1, 116 39))"])  # 7
    w.writerow(["350102008", "重复", "1", ""])  # 8
    w.writerow(["350102008", "重复", "1", ""])  # 9
    w.writerow(["", "无代码", "1", ""])  # 10
    w.writerow(["350102011", "多列", "1", "", "extra"])  # 11
    w.writerow(["350102012", "整数小数", "3.0", ""])  # 12 ok (Excel-style 3.0)
    rows, errors = parse_division_import(buf.getvalue().encode("utf-8"), "a.csv")
    assert [r["code"] for r in rows] == ["350102001", "350102012"]
    assert rows[1]["population"] == 3
    assert [(e["row"], e["field"]) for e in errors] == [
        (2, "code"), (3, "population"), (4, "population"), (5, "wkt"), (6, "wkt"),
        (7, "wkt"), (8, "code"), (9, "code"), (10, "code"), (11, None),
    ]
    for e in errors:
        assert isinstance(e["message"], str) and any("\u4e00" <= ch <= "\u9fff" for ch in e["message"])


def test_csv_row_numbers_skip_blank_lines_consistently() -> None:
    text = "code,population\n\n350102001,1\n350102002,-1\n"
    rows, errors = parse_division_import(text.encode(), "a.csv")
    assert [r["code"] for r in rows] == ["350102001"]
    assert errors == [{"row": 2, "field": "population", "message": "人口不能为负数"}]


def test_imported_geometry_area_matches_geodesic() -> None:
    rows, _ = parse_division_import(_fc([_feature({"code": "350102001"})]), "a.geojson")
    from pyproj import Geod

    geod_area = abs(Geod(ellps="WGS84").geometry_area_perimeter(GOOD)[0]) / 1e6
    assert math.isclose(rows[0]["area_km2"], geod_area, rel_tol=5e-3)
