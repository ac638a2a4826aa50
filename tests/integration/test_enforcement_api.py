"""Enforcement API: annual plan generation, plan items, linking inspections, penalties, blacklist."""

from __future__ import annotations

from tests.integration.samples_hazards import make_unit


def test_annual_plan_follows_unit_risk_levels(client_for, database):
    county = client_for("county_officer", "350102")
    red = make_unit(database, division_code="350102006", risk_level="major")
    blue = make_unit(database, division_code="350102006", risk_level="low")
    r = county.post("/api/v1/enforcement/plans", json={"year": 2027, "division_code": "350102006"})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["item_count"] == 13  # 12 + 1
    items = county.get(f"/api/v1/enforcement/plans/{plan['id']}/items", params={"page_size": 500}).json()["items"]
    assert sum(i["unit_id"] == red for i in items) == 12 and sum(i["unit_id"] == blue for i in items) == 1
    assert all(i["planned_date"].startswith("2027-") for i in items)
    summary = county.get(f"/api/v1/enforcement/plans/{plan['id']}").json()
    assert sum(m["planned"] for m in summary["by_month"]) == 13
    again = county.post("/api/v1/enforcement/plans", json={"year": 2027, "division_code": "350102006"})
    assert again.status_code == 409
    r = county.post("/api/v1/enforcement/plans", json={"year": 2027, "division_code": "350102006", "replace": True,
                                                      "frequencies": {"major": 4}})
    assert r.status_code == 201 and r.json()["item_count"] == 5
    assert county.post("/api/v1/enforcement/plans", json={"year": 2027, "division_code": "350121"}).status_code == 403

    # link an inspection to the first planned visit
    items = county.get(f"/api/v1/enforcement/plans/{r.json()['id']}/items", params={"unit_id": red}).json()["items"]
    insp = county.post("/api/v1/hazards/inspections", json={
        "unit_id": red, "kind": "department", "inspector": "执法一队", "inspected_at": "2026-11-15T10:00:00+08:00",
        "items": []}).json()
    link = county.post(f"/api/v1/enforcement/plan-items/{items[0]['id']}/inspection",
                       json={"inspection_id": insp["id"]})
    assert link.status_code == 200 and link.json()["done_inspection_id"] == insp["id"]
    assert county.post(f"/api/v1/enforcement/plan-items/{items[0]['id']}/inspection",
                       json={"inspection_id": insp["id"]}).status_code == 409
    r = county.post("/api/v1/enforcement/plans", json={"year": 2027, "division_code": "350102006", "replace": True})
    assert r.status_code == 409  # a visit is done: the plan cannot be regenerated


def test_penalties_and_blacklist_with_reasons_and_dates(client_for, database):
    county = client_for("county_officer", "350102")
    unit = make_unit(database)
    body = {"unit_id": unit, "decision_no": f"（鼓）应急罚〔2026〕{unit}号", "amount_yuan": "30000.00",
            "reason": "未按规定开展隐患排查", "decided_at": "2026-10-10T09:00:00+08:00"}
    r = county.post("/api/v1/enforcement/penalties", json=body)
    assert r.status_code == 201 and r.json()["amount_yuan"] == 30000.0
    assert county.post("/api/v1/enforcement/penalties", json=body).status_code == 409
    assert county.post("/api/v1/enforcement/penalties", json={**body, "amount_yuan": "-1"}).status_code == 422
    listed = county.get("/api/v1/enforcement/penalties", params={"unit_id": unit}).json()["items"]
    assert listed[0]["decision_no"] == body["decision_no"]

    r = county.post("/api/v1/enforcement/blacklist", json={"unit_id": unit, "reason": "重大事故隐患逾期未整改",
                                                           "listed_at": "2026-10-11T00:00:00+08:00"})
    assert r.status_code == 201
    eid = r.json()["id"]
    assert county.post("/api/v1/enforcement/blacklist", json={"unit_id": unit, "reason": "再次"}).status_code == 409
    assert county.post(f"/api/v1/enforcement/blacklist/{eid}/removal", json={}).status_code == 422
    r = county.post(f"/api/v1/enforcement/blacklist/{eid}/removal",
                    json={"removal_reason": "整改到位，信用修复", "removed_at": "2026-11-11T00:00:00+08:00"})
    assert r.status_code == 200 and r.json()["removal_reason"] == "整改到位，信用修复"
    assert county.post(f"/api/v1/enforcement/blacklist/{eid}/removal",
                       json={"removal_reason": "again"}).status_code == 409
    boss = client_for("enterprise_manager", "350102", unit_id=unit)
    assert boss.post("/api/v1/enforcement/blacklist/1/removal", json={"removal_reason": "x"}).status_code == 403
    assert boss.get("/api/v1/enforcement/plans").json()["items"] == []
    own = boss.get("/api/v1/enforcement/penalties").json()["items"]
    assert own and all(p["unit_id"] == unit for p in own)
