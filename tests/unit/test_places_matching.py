"""Pure place matching (yingji.places.matching) and the import parsers (yingji.places.importing)."""

from __future__ import annotations

import json

import pytest

from yingji.core.geo import wgs84_to_gcj02
from yingji.places.importing import parse_geojson, parse_osm, parse_table
from yingji.places.matching import Entry, Index, short_forms

ROADS = [
    Entry("五四路", "road", 119.300, 26.080, county_code="350102",
          geometry={"type": "LineString", "coordinates": [[119.300, 26.070], [119.300, 26.090]]}),
    Entry("华林路", "road", 119.300, 26.085, county_code="350102",
          geometry={"type": "LineString", "coordinates": [[119.290, 26.085], [119.310, 26.085]]}),
    Entry("湖东路", "road", 119.300, 26.085, county_code="350102",
          geometry={"type": "LineString", "coordinates": [[119.3005, 26.060], [119.3005, 26.069]]}),
]
PLACES = ROADS + [
    Entry("鼓楼区", "county", 119.29, 26.08, county_code="350102"),
    Entry("仓山区", "county", 119.30, 26.03, county_code="350104"),
    Entry("长乐区", "county", 119.52, 25.96, county_code="350112"),
    Entry("东街口", "landmark", 119.297, 26.085, ("东街",), county_code="350102"),
    Entry("万达广场", "landmark", 119.52, 25.96, county_code="350112"),
    Entry("万达广场", "landmark", 119.28, 26.04, county_code="350104"),
    Entry("三叉街", "metro", 119.32, 26.04, ("三叉街站", "三叉街地铁站"), county_code="350104"),
]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index(PLACES)


@pytest.mark.parametrize(("query", "name", "how"), [
    ("鼓楼", "鼓楼区", "简称"),
    ("东街口附近", "东街口", "名称"),
    ("东街", "东街口", "别名"),
    ("三叉街地铁站", "三叉街", "别名"),
    ("喂，鼓楼区五四路上着火了", "五四路", "包含"),
    ("东接口", "东街口", "近似"),
])
def test_match_says_what_matched(index: Index, query: str, name: str, how: str) -> None:
    top = index.match(query)[0]
    assert (top.entry.name, top.matched_on) == (name, how)
    assert 0 < top.confidence <= 1


def test_crossing_of_two_roads(index: Index) -> None:
    top = index.match("五四路和华林路路口")[0]
    assert top.matched_on == "路口" and (round(top.lon, 6), round(top.lat, 6)) == (119.3, 26.085)
    # roads that do not touch: the middle of their nearest points when within 300 m
    near = index.match("五四路与湖东路交叉口")[0]
    assert near.matched_on == "路口" and near.lat == pytest.approx(26.0695, abs=1e-4)


def test_county_said_and_caller_position_disambiguate(index: Index) -> None:
    assert index.match("仓山的万达广场")[0].entry.county_code == "350104"
    assert index.match("长乐万达广场")[0].entry.county_code == "350112"
    assert index.match("万达广场", near=(119.52, 25.96))[0].entry.county_code == "350112"
    assert index.match("万达广场", near=(119.28, 26.04))[0].entry.county_code == "350104"


def test_short_forms() -> None:
    assert short_forms("鼓楼区") == {"鼓楼"}
    assert short_forms("南屿镇") == {"南屿"}
    assert short_forms("三叉街地铁站") == {"三叉街"}
    assert short_forms("区") == set()


def test_csv_rows_and_errors() -> None:
    gx, gy = wgs84_to_gcj02(119.30, 26.08)
    rows, errors = parse_table(("名称,类型,经度,纬度,别名,坐标系\n"
                                "东街口,地标,119.297,26.085,东街、东街口商圈,\n"
                                f"高德点,landmark,{gx},{gy},,GCJ02\n"
                                ",landmark,119.3,26.08,,\n"
                                "颠倒,landmark,26.08,119.3,,\n").encode(), "p.csv")
    assert [r.name for _, r in rows] == ["东街口", "高德点"]
    assert rows[0][1].aliases == ["东街", "东街口商圈"] and rows[0][1].kind == "landmark"
    assert rows[1][1].lon == pytest.approx(119.30, abs=1e-6)  # GCJ-02 converted to WGS84
    assert {e.row for e in errors} == {4, 5}


def test_geojson_keeps_road_lines() -> None:
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "五四路"},
         "geometry": {"type": "LineString", "coordinates": [[119.30, 26.07], [119.30, 26.09]]}},
        {"type": "Feature", "properties": {"name": "坏"}, "geometry": None}]}
    rows, errors = parse_geojson(json.dumps(fc).encode())
    assert rows[0][1].kind == "road" and rows[0][1].geometry["type"] == "LineString"
    assert [e.row for e in errors] == [2]


def test_osm_names(tmp_path) -> None:
    osm = b"""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" lat="26.08" lon="119.30"/><node id="2" lat="26.09" lon="119.30"/>
 <node id="3" lat="26.085" lon="119.297"><tag k="name" v="\xe4\xb8\x9c\xe8\xa1\x97\xe5\x8f\xa3"/><tag k="railway" v="station"/></node>
 <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="name" v="Wusi Road"/><tag k="name:zh" v="\xe4\xba\x94\xe5\x9b\x9b\xe8\xb7\xaf"/></way>
 <way id="11"><nd ref="1"/><nd ref="9"/><tag k="highway" v="primary"/><tag k="name" v="broken"/></way>
</osm>"""
    rows, errors = parse_osm(osm, "t.osm")
    got = {r.name: r for _, r in rows}
    assert got["东街口"].kind == "metro"
    assert got["五四路"].kind == "road" and got["五四路"].geometry["type"] == "LineString"
    assert len(errors) == 1 and "w11" in errors[0].message


def test_osm_pbf_names(tmp_path) -> None:
    import osmium

    src = tmp_path / "t.osm"
    src.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" version="1" lat="26.08" lon="119.30"/><node id="2" version="1" lat="26.09" lon="119.30"/>
 <way id="10" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="name" v="五四路"/></way>
</osm>""", encoding="utf-8")
    pbf = tmp_path / "t.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(src)):
            writer.add(obj)
    rows, errors = parse_osm(pbf.read_bytes(), "t.osm.pbf")
    assert [r.name for _, r in rows] == ["五四路"] and not errors
