"""Who may set which field (the government's deadline), plausible dates at the edge, exports robust to
what is stored, and uniqueness conflicts that do not reveal records outside the user's jurisdiction."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from tests.integration.samples_hazards import make_unit
from yingji.core.db import bookkeeping
from yingji.hazards.models import Hazard

_n = itertools.count(1)
PLAN = {"measures": "停产整改", "funds": 10, "responsible_person": "王强", "contingency_plan": "专项预案"}


def _iso(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


@pytest.fixture
def county(client_for):
    return client_for("county_officer", "350102")


def _enterprise(client_for, database, township="350102009"):
    unit = make_unit(database, division_code=township)
    return unit, client_for("enterprise_manager", township, unit_id=unit)


def test_an_enterprise_cannot_move_the_deadline_the_government_set(client_for, database, county):
    unit, ent = _enterprise(client_for, database)
    hid = ent.post("/api/v1/hazards", json={"unit_id": unit, "title": "消防通道堵塞", "tier": "major"}).json()["id"]
    official = _iso(30)
    assert county.post(f"/api/v1/hazards/{hid}/transitions",
                       json={"action": "confirm", "deadline": official}).status_code == 200
    # through the plan: a later time limit is refused and the official deadline stays
    r = ent.put(f"/api/v1/hazards/{hid}/plan", json=PLAN | {"deadline": _iso(900)})
    assert r.status_code == 422 and r.json()["error"]["field"] == "deadline"
    # through a transition: the enterprise may not pass a deadline at all
    r = ent.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "start_rectification", "deadline": _iso(900),
                                                              "plan": PLAN | {"deadline": _iso(20)}})
    assert r.status_code == 403 and r.json()["error"]["field"] == "deadline"
    # a plan within the official deadline is fine, and the deadline does not move
    r = ent.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "start_rectification",
                                                              "plan": PLAN | {"deadline": _iso(20)}})
    assert r.status_code == 200, r.text
    assert r.json()["deadline"] == county.get(f"/api/v1/hazards/{hid}").json()["deadline"]
    assert datetime.fromisoformat(r.json()["deadline"]) == datetime.fromisoformat(official)
    # the government may still move it
    moved = _iso(60)
    assert county.put(f"/api/v1/hazards/{hid}/plan", json={"deadline": moved}).status_code == 200


def test_an_enterprise_proposes_only_a_first_deadline_within_the_horizon(client_for, database):
    unit, ent = _enterprise(client_for, database, "350102100")
    r = ent.post("/api/v1/hazards", json={"unit_id": unit, "title": "配电箱未接地", "tier": "general",
                                          "deadline": _iso(3 * 365)})
    assert r.status_code == 422 and r.json()["error"]["field"] == "deadline"
    r = ent.post("/api/v1/hazards", json={"unit_id": unit, "title": "配电箱未接地", "tier": "general",
                                          "deadline": _iso(14)})
    assert r.status_code == 201


@pytest.mark.parametrize(("body", "field"), [
    ({"discovered_at": "0001-01-01T00:00:00+08:00"}, "discovered_at"),
    ({"deadline": "9999-12-31T23:59:59+08:00"}, "deadline"),
    ({"discovered_at": "2099-01-01T00:00:00+08:00"}, "discovered_at"),
    ({"discovered_at": "2026-01-10T00:00:00+08:00", "deadline": "2026-01-01T00:00:00+08:00"}, None),
])
def test_implausible_dates_are_refused_in_chinese_not_with_a_500(county, database, body, field):
    unit = make_unit(database)
    r = county.post("/api/v1/hazards", json={"unit_id": unit, "title": "日期校验", "tier": "general", **body})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["field"] == field
    assert "日期" in err["message"] or "晚于" in err["message"]


@pytest.mark.parametrize(("path", "params"), [
    ("/api/v1/hazards", {"since": "0001-01-01T00:00:00+08:00"}),
    ("/api/v1/hazards/ledger", {"until": "9999-12-31T00:00:00+08:00"}),
    ("/api/v1/audit", {"since": "0001-01-01T00:00:00+14:00"}),
])
def test_implausible_date_filters_are_a_422(client_for, path, params):
    r = client_for("admin").get(path, params=params)
    assert r.status_code == 422 and r.json()["error"]["message"]


def test_inspection_and_penalty_dates(county, database):
    unit = make_unit(database)
    r = county.post("/api/v1/hazards/inspections", json={
        "unit_id": unit, "kind": "department", "inspector": "执法一队", "inspected_at": "2099-01-01T10:00:00+08:00"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "inspected_at"
    r = county.post("/api/v1/hazards/inspections", json={
        "unit_id": unit, "kind": "department", "inspector": "执法一队", "inspected_at": "2026-10-01T10:00:00+08:00",
        "deadline": "2020-01-01T00:00:00+08:00"})
    assert r.status_code == 422  # the deadline must come after the inspection
    r = county.post("/api/v1/enforcement/penalties", json={
        "unit_id": unit, "decision_no": f"日期校验-{next(_n)}", "amount_yuan": 1000, "reason": "x",
        "decided_at": "9999-01-01T00:00:00+08:00"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "decided_at"


def test_one_odd_stored_date_does_not_break_the_export_for_everyone(county, database):
    unit = make_unit(database, division_code="350102008")
    hid = county.post("/api/v1/hazards", json={"unit_id": unit, "title": "旧版本写入的日期", "tier": "general"}).json()["id"]
    with database.session() as s:  # a value an old version (or a direct database edit) left behind
        s.get(Hazard, hid).deadline = datetime(9999, 12, 31, 20, 0, tzinfo=UTC)
        with bookkeeping(s):
            s.commit()
    r = county.get("/api/v1/hazards/export.xlsx", params={"division": "350102008"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    values = [ws.cell(i, header.index("整改期限") + 1).value for i in range(2, ws.max_row + 1)]
    assert any(v and v.startswith("9999-12-31") for v in values)
    assert county.get(f"/api/v1/hazards/{hid}").status_code == 200


def test_conflicts_outside_the_jurisdiction_are_not_described(client_for, database):
    gulou, minhou = client_for("county_officer", "350102"), client_for("county_officer", "350121")
    credit = f"91350102OWN{next(_n):06d}X"[:18]
    unit = gulou.post("/api/v1/units", json={"name": "鼓楼某化工厂", "credit_code": credit, "industry": "hazchem",
                                             "division_code": "350102001"}).json()
    # inside the jurisdiction: the conflict names the existing unit
    r = gulou.post("/api/v1/units", json={"name": "重复", "credit_code": credit, "industry": "hazchem",
                                          "division_code": "350102001"})
    assert r.status_code == 409 and "鼓楼某化工厂" in r.json()["error"]["message"]
    # outside: refused, without the unit's name, id or place
    r = minhou.post("/api/v1/units", json={"name": "闽侯某厂", "credit_code": credit, "industry": "hazchem",
                                           "division_code": "350121001"})
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "credit_code_unavailable" and "鼓楼" not in err["message"]
    assert str(unit["id"]) not in err["message"]
    # risk source codes and penalty decision numbers follow the same rule
    code = f"WALK-LEAK-{next(_n)}"
    assert gulou.post("/api/v1/risk/sources", json={"unit_id": unit["id"], "name": "储罐区", "subclass_code": "A01",
                                                    "code": code}).status_code == 201
    other_unit = make_unit(database, division_code="350121001")
    r = minhou.post("/api/v1/risk/sources", json={"unit_id": other_unit, "name": "仓库", "subclass_code": "A01",
                                                  "code": code})
    assert r.status_code == 409 and "储罐区" not in r.json()["error"]["message"]


def test_an_enterprise_keeps_its_registration_data_but_updates_its_contacts(client_for, database):
    unit, ent = _enterprise(client_for, database, "350102007")
    assert ent.patch(f"/api/v1/units/{unit}", json={"phone": "0591-87654321"}).status_code == 200
    r = ent.patch(f"/api/v1/units/{unit}", json={"name": "改名"})
    assert r.status_code == 403 and r.json()["error"]["field"] == "name"
    r = ent.patch(f"/api/v1/units/{unit}", json={"industry": "mining"})
    assert r.status_code == 403
