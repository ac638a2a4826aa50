"""The gazetteer through the HTTP API (SQLite and PostgreSQL): import CSV/GeoJSON/OSM reporting every
bad row, locate with what matched (名称/简称/路口/包含/近似), county and township by point-in-polygon,
the platform's points through the ``places.points`` hook, jurisdiction, the page."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import unique
from tests.integration.samples_places import point_in
from yingji.places import service


@pytest.fixture(autouse=True)
def _fresh_index():  # the index cache is per process; the two backends share it
    service.invalidate()
    service._divisions = None
    yield
    service.invalidate()
    service._divisions = None


def _upload(client, name: str, content: bytes, **data):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/places/import", files={"file": (name, content, "application/octet-stream")},
                       data={k: str(v).lower() if isinstance(v, bool) else v for k, v in data.items()})


def _crossing_geojson(database, a: str, b: str) -> bytes:  # type: ignore[no-untyped-def]
    x, y = point_in(database, "350102001")
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": a, "kind": "road"},
         "geometry": {"type": "LineString", "coordinates": [[x - 0.004, y], [x + 0.004, y]]}},
        {"type": "Feature", "properties": {"name": b, "kind": "road"},
         "geometry": {"type": "LineString", "coordinates": [[x, y - 0.004], [x, y + 0.004]]}},
        {"type": "Feature", "properties": {"name": "坏要素"}, "geometry": {"type": "Point", "coordinates": [10, 10]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [x, y]}},
    ]}
    return json.dumps(fc, ensure_ascii=False).encode()


def test_import_geojson_and_locate_a_crossing(client_for, database):
    admin = client_for("city_duty", "350100")
    a, b = unique("甲") + "路", unique("乙") + "路"
    content = _crossing_geojson(database, a, b)
    r = _upload(admin, "roads.geojson", content)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["committed"] is False and {e["row"] for e in body["errors"]} == {3, 4}  # every bad feature
    r = _upload(admin, "roads.geojson", content, mode="valid_only")
    assert r.json()["committed"] is True and r.json()["imported"] == 2
    found = admin.get("/api/v1/places/locate", params={"q": f"喂，{a}和{b}路口这边一辆车着火了"}).json()["matches"]
    top = found[0]
    x, y = point_in(database, "350102001")
    assert top["matched_on"] == "路口" and top["kind"] == "crossing"
    assert abs(top["lon"] - x) < 1e-5 and abs(top["lat"] - y) < 1e-5
    assert top["county_code"] == "350102" and top["township_code"] == "350102001"
    assert a in top["name"] and b in top["name"]


def test_csv_import_reports_every_bad_row_and_locates(client_for, database):
    admin = client_for("city_duty", "350100")
    name = unique("测试大厦")
    x, y = point_in(database, "350104003")  # 仓山区 (test_divisions re-imports 350104001/002 as test squares)
    csv = ("名称,类型,经度,纬度,别名,坐标系\n"
           f"{name},landmark,{x},{y},{name[:4]}楼|老{name},WGS84\n"
           f",landmark,{x},{y},,\n"
           f"坏坐标,landmark,abc,{y},,\n"
           f"境外,landmark,116.4,39.9,,\n"
           f"坏类型,飞船,{x},{y},,\n"
           f"坏坐标系,landmark,{x},{y},,BD09\n").encode()
    r = _upload(admin, "p.csv", csv)
    body = r.json()
    assert body["committed"] is False and body["total_rows"] == 6
    assert {e["row"] for e in body["errors"]} == {3, 4, 5, 6, 7}
    assert all(e["message"] for e in body["errors"])
    assert _upload(admin, "p.csv", csv, mode="valid_only").json()["imported"] == 1
    m = admin.get("/api/v1/places/locate", params={"q": f"老{name}"}).json()["matches"][0]
    assert (m["name"], m["matched_on"], m["county_code"]) == (name, "别名", "350104")  # by point in polygon
    m = admin.get("/api/v1/places/locate", params={"q": f"{name}附近"}).json()["matches"][0]
    assert m["matched_on"] == "名称" and m["confidence"] > 0.9
    listed = admin.get("/api/v1/places", params={"q": name}).json()
    assert listed["total"] == 1 and listed["items"][0]["township_code"] == "350104003"
    # a county officer elsewhere does not list it; an unknown name finds nothing
    other = client_for("county_officer", "350121")
    assert other.get("/api/v1/places", params={"q": name}).json()["total"] == 0
    assert admin.get("/api/v1/places/locate", params={"q": "火星基地"}).json()["matches"] == []


def test_osm_extract_import(client_for, database, tmp_path):
    admin = client_for("city_duty", "350100")
    x, y = point_in(database, "350102001")
    road1, road2, mark = unique("丙") + "路", unique("丁") + "路", unique("东街") + "口"
    osm = f"""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" lat="{y}" lon="{x - 0.003}"/><node id="2" lat="{y}" lon="{x}"/><node id="3" lat="{y}" lon="{x + 0.003}"/>
 <node id="4" lat="{y - 0.003}" lon="{x}"/><node id="5" lat="{y + 0.003}" lon="{x}"/>
 <node id="6" lat="{y + 0.001}" lon="{x + 0.001}"><tag k="name" v="{mark}"/><tag k="alt_name" v="{mark}广场"/></node>
 <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="name" v="{road1}"/></way>
 <way id="11"><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/><tag k="name" v="{road1}"/></way>
 <way id="12"><nd ref="4"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="secondary"/><tag k="name" v="{road2}"/></way>
 <way id="13"><nd ref="4"/><nd ref="99"/><tag k="highway" v="service"/><tag k="name" v="断头路"/></way>
</osm>""".encode()
    body = _upload(admin, "extract.osm", osm, mode="valid_only").json()
    assert body["committed"] is True and body["imported"] == 3  # two roads (one merged from two ways), one node
    assert len(body["errors"]) == 1 and "w13" in body["errors"][0]["message"]
    m = admin.get("/api/v1/places/locate", params={"q": f"{road1}{road2}交叉口"}).json()["matches"][0]
    assert m["matched_on"] == "路口" and abs(m["lon"] - x) < 1e-6 and abs(m["lat"] - y) < 1e-6
    m = admin.get("/api/v1/places/locate", params={"q": f"{mark}广场"}).json()["matches"][0]
    assert m["name"] == mark and m["matched_on"] == "别名"


def test_abbreviation_fuzzy_caller_and_platform_points(client_for, database):
    from tests.integration.samples_hazards import make_unit

    admin = client_for("city_duty", "350100")
    m = admin.get("/api/v1/places/locate", params={"q": "鼓楼"}).json()["matches"][0]
    assert (m["name"], m["kind"], m["matched_on"], m["county_code"]) == ("鼓楼区", "county", "简称", "350102")
    m = admin.get("/api/v1/places/locate", params={"q": "鼓东街道附近"}).json()["matches"][0]
    assert (m["name"], m["kind"], m["matched_on"], m["township_code"]) == ("鼓东街道", "township", "名称", "350102001")
    x, y = point_in(database, "350105001")
    m = admin.get("/api/v1/places/locate", params={"lon": x, "lat": y}).json()["matches"][0]
    assert (m["matched_on"], m["county_code"], m["township_code"]) == ("来电定位", "350105", "350105001")
    # a unit of the platform is a named point (hook places.points), seen only inside its jurisdiction
    name = unique("辖区A定位化工厂")
    make_unit(database, division_code="350102001", name=name)
    service.invalidate()
    m = admin.get("/api/v1/places/locate", params={"q": f"{name}着火了"}).json()["matches"][0]
    assert m["name"] == name and m["kind"] == "unit" and m["county_code"] == "350102"
    outsider = client_for("county_officer", "350121")
    assert all(x["name"] != name for x in outsider.get("/api/v1/places/locate", params={"q": name}).json()["matches"])


def test_import_needs_permission_and_the_page(client_for, database):
    leader = client_for("leader", "350100")
    assert _upload(leader, "p.csv", b"name,lon,lat\nx,119.3,26.08\n").status_code == 403
    page = client_for("county_officer", "350102").get("/command/places")
    assert page.status_code == 200 and "地名定位" in page.text and "导入地名" in page.text
    assert "导入地名" not in leader.get("/command/places").text
