"""Overdue escalation with a controlled clock, and quarterly statistics on a known set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.integration.samples_hazards import make_unit
from yingji.core.auth import system_principal
from yingji.hazards.actions import escalate_overdue
from yingji.hazards.models import Hazard, Notification, SupervisionListing

PLAN = {"measures": "停产整改", "funds": 10, "deadline": "2026-01-10T00:00:00+08:00",
        "responsible_person": "王强", "contingency_plan": "专项预案"}


def _major_in_rectification(client, unit, deadline):
    r = client.post("/api/v1/hazards", json={"unit_id": unit, "title": "罐区未实现紧急切断", "tier": "major"})
    hid = r.json()["id"]
    assert client.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "confirm",
                                                                    "deadline": deadline}).status_code == 200
    r = client.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "start_rectification", "plan": PLAN})
    assert r.status_code == 200, r.text
    return hid


def _state(database, hid):
    with database.session() as s:
        h = s.get(Hazard, hid)
        listings = s.scalar(select(func.count()).select_from(SupervisionListing)
                            .where(SupervisionListing.hazard_id == hid))
        notes = s.scalar(select(func.count()).select_from(Notification)  # notices (to-dos are counted apart)
                         .where(Notification.hazard_id == hid, Notification.kind != "todo"))
        return h.overdue, h.supervision_level, listings, notes


def test_overdue_major_hazard_escalates_county_then_city_idempotently(client_for, database):
    county = client_for("county_officer", "350102")
    unit = make_unit(database, division_code="350102003")
    deadline = datetime(2026, 1, 10, 0, 0, tzinfo=UTC)
    hid = _major_in_rectification(county, unit, deadline.isoformat())
    actor = system_principal("350102003")  # limit the run to this township: other tests' hazards stay out
    with database.session() as s:
        escalate_overdue(s, actor, deadline - timedelta(hours=1))
    assert _state(database, hid) == (False, None, 0, 0)
    with database.session() as s:
        out = escalate_overdue(s, actor, deadline + timedelta(days=2))
    assert hid in out["hazard_ids"]
    overdue, level, listings, notes = _state(database, hid)
    assert overdue and level == "county" and listings == 1 and notes == 2  # overdue notice + listing notice
    with database.session() as s:
        again = escalate_overdue(s, actor, deadline + timedelta(days=2))
    assert hid not in again["hazard_ids"] and _state(database, hid) == (True, "county", 1, 2)
    with database.session() as s:
        escalate_overdue(s, actor, deadline + timedelta(days=31))
    assert _state(database, hid)[1:3] == ("city", 2)
    with database.session() as s:
        escalate_overdue(s, actor, deadline + timedelta(days=400))
    assert _state(database, hid)[1:3] == ("city", 2)
    detail = county.get(f"/api/v1/hazards/{hid}").json()
    assert {x["level"] for x in detail["listings"]} == {"county", "city"}
    assert all(x["automatic"] for x in detail["listings"])


def test_closed_and_submitted_hazards_do_not_escalate(client_for, database):
    county = client_for("county_officer", "350102")
    unit = make_unit(database, division_code="350102004")
    deadline = datetime(2026, 2, 1, tzinfo=UTC)
    closed = _major_in_rectification(county, unit, deadline.isoformat())
    colleague = client_for("county_officer", "350102")  # a major hazard is accepted by someone else
    for client, a in [(county, "submit_acceptance"), (colleague, "accept"), (county, "close")]:
        assert client.post(f"/api/v1/hazards/{closed}/transitions", json={"action": a}).status_code == 200
    submitted = _major_in_rectification(county, unit, deadline.isoformat())
    assert county.post(f"/api/v1/hazards/{submitted}/transitions",
                       json={"action": "submit_acceptance"}).status_code == 200
    with database.session() as s:
        escalate_overdue(s, system_principal("350102004"), deadline + timedelta(days=90))
    assert _state(database, closed) == (False, None, 0, 0)
    assert _state(database, submitted) == (False, None, 0, 0)


def test_escalation_api_is_for_city_users(client_for, database):
    county = client_for("county_officer", "350102")
    assert county.post("/api/v1/hazards/escalation/run", json={}).status_code == 403
    ent = client_for("enterprise_manager", "350102001", unit_id=make_unit(database, "350102001"))
    assert ent.post("/api/v1/hazards/escalation/run", json={}).status_code == 403
    city = client_for("city_duty", "350100")
    assert city.post("/api/v1/hazards/escalation/run", json={}).status_code == 200


def test_escalation_clock_can_be_set_only_where_the_installation_allows_it(client_for, database, app):
    from fastapi.testclient import TestClient

    from yingji.app import create_app

    city = client_for("city_duty", "350100")
    r = city.post("/api/v1/hazards/escalation/run", json={"now": "2020-01-01T00:00:00+08:00"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "now"  # production default: no fake clock
    drill = create_app(app.state.settings.model_copy(update={"clock_override": True}), database=database,
                       start_background=False)
    with TestClient(drill, headers=dict(city.headers)) as client:
        r = client.post("/api/v1/hazards/escalation/run", json={"now": "2026-01-01T00:00:00"})
        assert r.status_code == 422  # naive clock refused
        r = client.post("/api/v1/hazards/escalation/run", json={"now": "2020-01-01T00:00:00+08:00"})
        assert r.status_code == 200 and r.json()["checked"] == 0


def test_quarterly_statistics_on_a_known_set(client_for, database):
    county = client_for("county_officer", "350102")
    unit_a = make_unit(database, division_code="350102005", industry="mining")
    q_start = "2025-04-0{}T10:00:00+08:00"
    ids = []
    for k in range(4):  # 4 found in 2025 Q2 in 350102005
        r = county.post("/api/v1/hazards", json={"unit_id": unit_a, "title": f"Q2 隐患{k}", "tier": "general",
                                                 "discovered_at": q_start.format(k + 1),
                                                 "deadline": "2025-05-01T00:00:00+08:00"})
        ids.append(r.json()["id"])
    for a in ["confirm", "start_rectification", "submit_acceptance", "accept", "close"]:
        assert county.post(f"/api/v1/hazards/{ids[0]}/transitions", json={"action": a}).status_code == 200
    for a in ["confirm", "start_rectification"]:
        county.post(f"/api/v1/hazards/{ids[1]}/transitions", json={"action": a})
    with database.session() as s:
        escalate_overdue(s, system_principal("350102005"), datetime(2025, 5, 3, tzinfo=UTC))
    r = county.get("/api/v1/hazards/stats/quarterly", params={"year": 2025, "quarter": 2, "division": "350102005"})
    assert r.status_code == 200, r.text
    body = r.json()
    # found 4; one closed (today, outside 2025 Q2 → fixed 0); 3 open ones past deadline all overdue
    assert body["total"]["found"] == 4 and body["total"]["fixed"] == 0
    assert body["total"]["overdue"] == 3 and body["total"]["closure_rate"] == 25.0
    assert [d["key"] for d in body["by_district"]] == ["350102"]
    assert [(i["key"], i["found"]) for i in body["by_industry"]] == [("mining", 4)]
    assert county.get("/api/v1/hazards/stats/quarterly", params={"year": 2025, "quarter": 5}).status_code == 422
