"""The hazard and enforcement pages render for a signed-in user (zh-CN, no server error)."""

from __future__ import annotations

import pytest

from tests.integration.samples_hazards import make_unit


@pytest.mark.parametrize("path,text", [
    ("/supervision/hazards", "隐患排查治理"), ("/supervision/inspections/new", "登记检查记录"),
    ("/supervision/ledger", "挂牌督办台账"), ("/supervision/enforcement", "年度检查计划"),
])
def test_pages_render(client_for, database, path, text):
    make_unit(database)
    c = client_for("county_officer", "350102")
    r = c.get(path)
    assert r.status_code == 200 and text in r.text


def test_detail_page_and_escalation_button_for_city_users(client_for, database):
    county = client_for("county_officer", "350102")
    h = county.post("/api/v1/hazards", json={"unit_id": make_unit(database), "title": "页面", "tier": "general"}).json()
    assert county.get(f"/supervision/hazards/{h['id']}").status_code == 200
    assert "运行逾期检查" not in county.get("/supervision/hazards").text
    assert "运行逾期检查" in client_for("city_duty", "350100").get("/supervision/hazards").text
