"""Pages that behave (through the HTTP server, on SQLite and PostgreSQL): the risk statistics follow the
chosen division, counties and townships see their part of the city's annual plan, the offline road
layer is served with its attribution and revalidated, the units export reads back through the import."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.integration.samples_hazards import make_unit
from tests.integration.test_risk_api import make_source
from tests.integration.test_risk_api import make_unit as register_unit


def test_risk_statistics_page_shows_the_chosen_division(client_for, database):
    city = client_for("city_duty", "350100")
    unit = register_unit(city, town="350103001")  # 台江区
    source = make_source(city, unit["id"])
    city.post(f"/api/v1/risk/sources/{source['id']}/assess", json={"method": "ls", "l": 5, "s": 5})
    whole = city.get("/supervision/risk-stats")
    part = city.get("/supervision/risk-stats", params={"division": "350103"})
    assert whole.status_code == part.status_code == 200
    assert "风险源按等级统计（福州市）" in whole.text and "风险源按等级统计（台江区）" in part.text
    stats = city.get("/api/v1/risk/stats", params={"division": "350103"}).json()
    assert [r["name"] for r in stats["by_district"]] == ["台江区"]
    assert f'data-name="台江区" data-total="{stats["by_district"][0]["total"]}"' in part.text
    district = re.search(r'id="risk-chart-district".*?</figure>', part.text, re.DOTALL).group(0)
    assert district.count('class="risk-chart-row"') == 1 and 'data-name="台江区"' in whole.text
    county = client_for("county_officer", "350102")
    r = county.get("/supervision/risk-stats", params={"division": "350103"})
    assert r.status_code == 404 and "不在您的管辖范围内" in r.text
    assert county.get("/supervision/risk-stats", params={"division": "abc"}).status_code == 422


def test_townships_see_their_part_of_the_county_plan_and_no_other(client_for, database):
    county = client_for("county_officer", "350104")  # 仓山区
    mine = make_unit(database, division_code="350104001", risk_level="major")
    theirs = make_unit(database, division_code="350104002", risk_level="major")
    r = county.post("/api/v1/enforcement/plans", json={"year": 2029, "division_code": "350104"})
    assert r.status_code == 201, r.text
    plan = r.json()
    township = client_for("township_officer", "350104001")
    listed = {p["id"]: p for p in township.get("/api/v1/enforcement/plans", params={"year": 2029}).json()["items"]}
    assert plan["id"] in listed
    assert 0 < listed[plan["id"]]["items_in_scope"] < listed[plan["id"]]["item_count"]
    items = township.get(f"/api/v1/enforcement/plans/{plan['id']}/items", params={"page_size": 500}).json()["items"]
    assert {i["unit_id"] for i in items} >= {mine} and theirs not in {i["unit_id"] for i in items}
    assert all(i["division_code"] == "350104001" for i in items)
    summary = township.get(f"/api/v1/enforcement/plans/{plan['id']}").json()
    assert sum(m["planned"] for m in summary["by_month"]) == len(items) == summary["plan"]["items_in_scope"]
    neighbour = client_for("county_officer", "350121")
    assert neighbour.get(f"/api/v1/enforcement/plans/{plan['id']}").status_code == 404
    assert plan["id"] not in {p["id"] for p in neighbour.get("/api/v1/enforcement/plans").json()["items"]}
    ent = client_for("enterprise_manager", "350104001", unit_id=mine)
    assert ent.get(f"/api/v1/enforcement/plans/{plan['id']}").status_code == 404
    # the township cannot regenerate the county's plan
    assert township.post("/api/v1/enforcement/plans", json={"year": 2029, "division_code": "350104",
                                                             "replace": True}).status_code == 403


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_road_layer_is_served_thinned_with_its_attribution(client_for, anon):
    city = client_for("city_duty", "350100")
    assert anon.get("/api/v1/basemap/roads").status_code == 401
    r = city.get("/api/v1/basemap/roads", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert r.headers["content-encoding"] == "gzip" and "max-age" in r.headers["cache-control"]
    layer = r.json()
    assert "OpenStreetMap" in layer["attribution"] and layer["licence"].startswith("ODbL")
    classes = {f["properties"]["class"]: f["properties"]["min_zoom"] for f in layer["features"]}
    assert classes["trunk"] == 0 and classes["residential"] > classes["secondary"] > 0 and "service" not in classes
    lon = [p[0] for f in layer["features"] for line in f["geometry"]["coordinates"] for p in line]
    assert 119.0 < min(lon) and max(lon) < 119.6  # the central city, WGS84
    assert city.get("/api/v1/basemap/roads", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    datasets = {d["key"]: d for d in city.get("/api/v1/datasets").json()["items"]}
    assert "basemap-roads" not in datasets or datasets["basemap-roads"]["licence"].startswith("ODbL")


def test_the_units_export_reads_back_through_the_import(client_for):
    county = client_for("county_officer", "350102")
    unit = register_unit(county, town="350102009", industry="elderly_care", address="鼓楼某路 1 号")
    r = county.get("/api/v1/risk/units/export.xlsx", params={"q": unit["credit_code"]})
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert "行业代码" not in header and row[header.index("行业")] == "养老服务机构"
    assert not any(isinstance(v, str) and re.fullmatch(r"[a-z]+(_[a-z]+)+", v) for v in row)  # no English codes
    # the same sheet, with another credit code, imports cleanly (dry run)
    row[header.index("统一社会信用代码")] = "91350102RTRIP0001X"
    out = io.BytesIO()
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(header)
    book.active.append(row)
    book.save(out)
    r = county.post("/api/v1/units/import", files={"file": ("units.xlsx", out.getvalue())},
                    data={"dry_run": "true"})
    assert r.status_code == 200 and r.json()["errors"] == [] and r.json()["imported"] == 1, r.text
