"""Administrative divisions: the Fuzhou data, jurisdiction filtering, GeoJSON, import."""

from __future__ import annotations

import json


def test_city_user_sees_13_counties_and_186_townships(client_for):
    c = client_for("city_duty", "350100")
    counties = c.get("/api/v1/divisions", params={"level": "county", "page_size": 100}).json()
    assert counties["total"] == 13
    assert {d["name"] for d in counties["items"]} >= {"鼓楼区", "平潭县", "福清市"}
    assert all(not d["synthetic"] for d in counties["items"])
    townships = c.get("/api/v1/divisions", params={"level": "township", "page_size": 500}).json()
    assert townships["total"] == 186
    assert all(d["synthetic"] for d in townships["items"])


def test_county_boundaries_are_wgs84_geojson(client_for):
    c = client_for("leader", "350100")
    fc = c.get("/api/v1/divisions/geojson", params={"level": "county"}).json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 13
    gulou = next(f for f in fc["features"] if f["properties"]["code"] == "350102")
    xs = [pt[0] for poly in gulou["geometry"]["coordinates"] for ring in poly for pt in ring]
    assert 119.2 < min(xs) < max(xs) < 119.4


def test_county_officer_sees_only_own_county(client_for):
    c = client_for("county_officer", "350102")
    items = c.get("/api/v1/divisions", params={"page_size": 500}).json()["items"]
    assert items and all(d["code"].startswith("350102") for d in items)
    assert c.get("/api/v1/divisions/350103").status_code == 404
    assert c.get("/api/v1/divisions/350100").status_code == 404
    assert c.get("/api/v1/divisions/350102").json()["name"] == "鼓楼区"
    fc = c.get("/api/v1/divisions/geojson", params={"level": "county"}).json()
    assert [f["properties"]["code"] for f in fc["features"]] == ["350102"]


def test_datasets_record_provenance(client_for):
    c = client_for("leader")
    items = c.get("/api/v1/datasets").json()["items"]
    synthetic = [d for d in items if d["synthetic"]]
    real = [d for d in items if not d["synthetic"]]
    assert synthetic and real
    assert any("GCJ" in d["datum"] for d in real)
    assert all(d["method"] for d in synthetic)


def _feature(code, pop, ring, name=None):
    props = {"code": code, "population": pop}
    if name:
        props["name"] = name
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


SQUARE = [[119.30, 26.08], [119.31, 26.08], [119.31, 26.09], [119.30, 26.09], [119.30, 26.08]]


def test_import_reports_every_bad_row_and_commits_nothing(client_for):
    admin = client_for("admin")
    fc = {"type": "FeatureCollection", "features": [
        _feature("350102001", 12345, SQUARE),
        _feature("35010200X", 10, SQUARE),
        _feature("350102002", -5, SQUARE),
        _feature("350102003", 10, [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]),
    ]}
    files = {"file": ("townships.geojson", json.dumps(fc).encode(), "application/geo+json")}
    r = admin.post("/api/v1/divisions/import", files=files, data={"mode": "all_or_nothing"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["committed"] is False and body["imported"] == 0
    assert sorted(e["row"] for e in body["errors"]) == [2, 3, 4]
    assert admin.get("/api/v1/divisions/350102001").json()["synthetic"] is True


def test_import_valid_only_commits_good_rows_and_marks_them_real(client_for):
    admin = client_for("admin")
    fc = {"type": "FeatureCollection", "features": [
        _feature("350104001", 54321, SQUARE),
        _feature("350104002", "many", SQUARE),
    ]}
    files = {"file": ("t.geojson", json.dumps(fc).encode(), "application/geo+json")}
    r = admin.post("/api/v1/divisions/import", files=files, data={"mode": "valid_only"})
    body = r.json()
    assert body["committed"] is True and body["imported"] == 1 and len(body["errors"]) == 1
    d = admin.get("/api/v1/divisions/350104001").json()
    assert d["synthetic"] is False and d["population"] == 54321
    assert d["dataset_key"].startswith("import-")
    assert 0.5 < d["area_km2"] < 2.0


def test_import_of_garbage_file_is_a_clear_422(client_for):
    admin = client_for("admin")
    files = {"file": ("x.geojson", b"{not json", "application/geo+json")}
    r = admin.post("/api/v1/divisions/import", files=files)
    assert r.status_code == 422 and r.json()["error"]["message"]


def test_only_admins_import(client_for):
    c = client_for("county_officer", "350102")
    files = {"file": ("x.csv", b"code,name,population\n350102001,x,1\n", "text/csv")}
    assert c.post("/api/v1/divisions/import", files=files).status_code == 403
