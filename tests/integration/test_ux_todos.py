"""Each hazard step notifies whoever must take the next one (a to-do + a ``hazard.notice`` event
addressed to the unit or to the supervising government's level), shown to them in their to-do list
and nobody else's — on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from tests.integration.samples_hazards import make_unit
from yingji.core.events import OutboxEvent

TOWN = "350105001"  # 马尾区 罗星街道
COUNTY = "350105"
PLAN = {"measures": "更换阀门", "funds": 5, "funds_unit": "万元", "deadline": "2027-03-01T00:00:00+08:00",
        "responsible_person": "张建国", "contingency_plan": "专项应急预案"}


def _todo_ids(client) -> set[int]:
    r = client.get("/api/v1/hazards/todo", params={"page_size": 500})
    assert r.status_code == 200, r.text
    return {t["hazard_id"] for t in r.json()["items"]}


def _open_todos(client, hid: int) -> list[dict]:
    return [n for n in client.get(f"/api/v1/hazards/{hid}").json()["notifications"]
            if n["kind"] == "todo" and n["done_at"] is None]


def test_each_step_addresses_the_next_actor_and_only_them(client_for, database):
    unit = make_unit(database, division_code=TOWN)
    ent = client_for("enterprise_manager", TOWN, unit_id=unit)
    county = client_for("county_officer", COUNTY)
    township = client_for("township_officer", TOWN)
    colleague = client_for("county_officer", COUNTY)
    city = client_for("city_duty", "350100")
    leader = client_for("leader", "350100")

    # the enterprise reports (in its own words): the county (and the township) must confirm it
    h = ent.post("/api/v1/hazards", json={"unit_id": unit, "title": "配电房门锁损坏，无关人员可进入",
                                          "description": "二号厂房配电房", "tier": "major"}).json()
    hid = h["id"]
    [todo] = _open_todos(county, hid)
    assert (todo["audience"], todo["audience_level"], todo["action"]) == ("government", "county", "confirm")
    assert "马尾区监管部门" in todo["recipients"] and "请核实并确认" in todo["message"]
    assert hid in _todo_ids(county) and hid in _todo_ids(township)
    assert hid not in _todo_ids(ent) and hid not in _todo_ids(city) and hid not in _todo_ids(leader)
    listed = county.get("/api/v1/hazards", params={"todo": True, "division": TOWN, "page_size": 500}).json()
    assert hid in {x["id"] for x in listed["items"]}

    # confirmed: now it is the unit's turn (the county's to-do is done)
    assert county.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "confirm"}).status_code == 200
    [todo] = _open_todos(county, hid)
    assert (todo["audience"], todo["action"]) == ("unit", "start_rectification")
    assert hid in _todo_ids(ent) and hid not in _todo_ids(county)
    assert any(n["kind"] == "todo" and n["done_at"] for n in county.get(f"/api/v1/hazards/{hid}").json()["notifications"])

    # the unit rectifies and submits; the county (someone other than the reporter) must accept
    assert ent.put(f"/api/v1/hazards/{hid}/plan", json=PLAN).status_code == 200
    for action in ("start_rectification", "submit_acceptance"):
        assert ent.post(f"/api/v1/hazards/{hid}/transitions", json={"action": action}).status_code == 200
    assert hid in _todo_ids(county) and hid not in _todo_ids(ent)

    # rejected: back to the unit, with the reason for the return in the notice
    r = county.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "reject", "reason": "阀门未更换"})
    assert r.status_code == 200
    [todo] = _open_todos(county, hid)
    assert todo["audience"] == "unit" and "退回整改" in todo["message"]

    # under city-level supervision the city acts next: its users see the to-do
    assert ent.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "submit_acceptance"}).status_code == 200
    r = city.post(f"/api/v1/hazards/{hid}/listings", json={"level": "city", "listed_by": "市安委办", "notice_no": "榕督1号",
                                                          "deadline": "2027-06-01T00:00:00+08:00"})
    assert r.status_code == 201, r.text
    [todo] = _open_todos(city, hid)
    assert (todo["audience"], todo["audience_level"]) == ("government", "city")
    assert hid in _todo_ids(city)
    assert colleague.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "accept"}).status_code == 200
    assert [t["action"] for t in _open_todos(city, hid)] == ["close"]
    assert city.post(f"/api/v1/hazards/{hid}/transitions", json={"action": "close"}).status_code == 200
    assert _open_todos(city, hid) == [] and hid not in _todo_ids(city) | _todo_ids(county) | _todo_ids(ent)

    # every step's event carries the to-do it created, addressed, and concerns the unit (its users see it)
    with database.session() as s:
        steps = s.scalars(select(OutboxEvent).where(OutboxEvent.type.like("hazard.%"))
                          .order_by(OutboxEvent.id)).all()
    mine = [e for e in steps if e.payload.get("hazard_id") == hid and e.payload.get("todo")]
    assert [(e.type, e.payload["todo"]["audience"], e.payload["todo"]["action"]) for e in mine] == [
        ("hazard.reported", "government", "confirm"), ("hazard.confirm", "unit", "start_rectification"),
        ("hazard.start_rectification", "unit", "submit_acceptance"), ("hazard.submit_acceptance", "government", "accept"),
        ("hazard.reject", "unit", "submit_acceptance"), ("hazard.submit_acceptance", "government", "accept"),
        ("hazard.listed", "government", "accept"),  # the city listing re-addressed "accept" to the city
        ("hazard.accept", "government", "close")]
    assert mine[-2].payload["todo"]["audience_level"] == "city"
    assert all(e.unit_id == unit and e.division_code == TOWN for e in mine)
    assert "马尾区监管部门" in mine[0].payload["todo"]["recipients"] and "请核实并确认" in mine[0].payload["todo"]["message"]
    closed = [e for e in steps if e.payload.get("hazard_id") == hid and e.type == "hazard.close"]
    assert closed and closed[0].payload["todo"] is None  # the process has ended: nobody is next
