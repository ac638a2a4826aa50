"""Graded alarm notices delivered to people (issue 11), on SQLite and PostgreSQL: an alarm reaches the
owner unit's safety managers and the county officers of its county (一/二级 and escalations also the
city duty office) in their inbox (``GET /api/v1/monitoring/notices``) and home card, in the alarm's own
transaction; nobody else; acknowledged → done."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.integration.samples_hazards import make_unit
from tests.integration.samples_monitoring import make_point
from yingji.core.auth import system_principal
from yingji.core.db import utcnow
from yingji.monitoring import actions
from yingji.monitoring.ingest import Message, store_batch
from yingji.monitoring.models import Alarm, AlarmNotice

TOWN = "350102005"  # 鼓楼区


def _store(database, code, ts, **values):
    with database.session() as s:
        return store_batch(s, [Message({"device": code, "ts": ts.isoformat(), "values": values})])


def _inbox(client, open_only=True):
    r = client.get("/api/v1/monitoring/notices", params={"open": str(open_only).lower()})
    assert r.status_code == 200, r.text
    return r.json()


def test_graded_notices_reach_the_addressees_and_nobody_else(client_for, database):
    unit, other_unit = make_unit(database, division_code=TOWN), make_unit(database, division_code=TOWN)
    manager = client_for("enterprise_manager", TOWN, unit)
    other_manager = client_for("enterprise_manager", TOWN, other_unit)
    county = client_for("county_officer", "350102")
    neighbour = client_for("county_officer", "350121")
    township = client_for("township_officer", TOWN)
    city = client_for("city_duty", "350100")
    leader = client_for("leader", "350100")
    _, code = make_point(database, "tank", division_code=TOWN, unit_id=unit)
    t = utcnow() - timedelta(seconds=5)

    # 三级（黄）: the unit and the county; not the city
    r = _store(database, code, t, pressure=1.25, level=60, temperature=25)
    assert r.alarms_raised == 1
    [alarm_id] = r.alarm_ids
    for c in (manager, county):
        box = _inbox(c)
        [n] = [n for n in box["items"] if n["alarm_id"] == alarm_id]
        assert n["level"] == "yellow" and n["message"].startswith("【") and "黄" in n["message"]
        assert n["done_at"] is None and n["delivered_at"] >= n["raised_at"]
    assert {n["audience"] for c in (manager, county) for n in _inbox(c)["items"] if n["alarm_id"] == alarm_id} \
        == {"unit", "county"}
    for c in (other_manager, neighbour, township, city, leader):
        assert all(n["alarm_id"] != alarm_id for n in _inbox(c)["items"]), c.user.role
    with database.session() as s:
        a = s.get(Alarm, alarm_id)
        rows = list(s.execute(select(AlarmNotice).where(AlarmNotice.alarm_id == alarm_id)).scalars())
    assert {n["to"]: n["delivered"] for n in a.notices}["unit"] == 1
    assert {r.user_id for r in rows} >= {manager.user.id, county.user.id}
    assert not {r.user_id for r in rows} & {other_manager.user.id, neighbour.user.id, township.user.id, city.user.id}
    assert all(r.delivered_at - r.raised_at < timedelta(minutes=2) for r in rows)

    # upgraded to 二级（橙）: a new graded notice, now also for the city duty office
    _store(database, code, t + timedelta(seconds=1), pressure=1.45)
    box = _inbox(city)
    [n] = [n for n in box["items"] if n["alarm_id"] == alarm_id]
    assert n["level"] == "orange" and n["audience"] == "city"
    assert [n["level"] for n in _inbox(manager)["items"] if n["alarm_id"] == alarm_id] == ["orange", "yellow"]

    # the home card of the addressee lists it; a leader has no such card
    cards = {c["key"]: c for c in manager.get("/api/v1/home").json()["cards"]}
    card = cards["monitoring.notices"]
    assert card["count"] >= 2 and card["severity"] == "danger" and card["by_district"].get("350102", 0) >= 2
    assert any("储罐超压" in it["label"] for it in card["items"])
    assert "monitoring.notices" not in {c["key"] for c in leader.get("/api/v1/home").json()["cards"]}

    # acknowledged: every addressee's notice of that alarm is done (kept in the full list)
    r = county.post(f"/api/v1/monitoring/alarms/{alarm_id}/actions", json={"action": "acknowledge"})
    assert r.status_code == 200, r.text
    for c in (manager, county, city):
        assert all(n["alarm_id"] != alarm_id for n in _inbox(c)["items"])
        assert all(n["done_at"] for n in _inbox(c, open_only=False)["items"] if n["alarm_id"] == alarm_id)


def test_an_escalation_reaches_the_city_duty_office(client_for, database):
    town = "350102006"
    unit = make_unit(database, division_code=town)
    manager = client_for("enterprise_manager", town, unit)
    city = client_for("city_duty", "350100")
    _, code = make_point(database, "tank", division_code=town, unit_id=unit)
    r = _store(database, code, utcnow() - timedelta(seconds=2), pressure=1.25, level=60, temperature=25)
    [alarm_id] = r.alarm_ids
    assert all(n["alarm_id"] != alarm_id for n in _inbox(city)["items"])  # 三级: not the city yet
    with database.session() as s:
        a = s.get(Alarm, alarm_id)
        out = actions.run_checks(s, system_principal(), a.raised_at + timedelta(seconds=301), escalate_after_s=300)
    assert out["escalated"] >= 1
    [n] = [n for n in _inbox(city)["items"] if n["alarm_id"] == alarm_id]
    assert n["escalation"] and n["audience"] == "city" and "升级" in n["message"]
    # the unit holds its first notice; the escalation is not repeated to it
    assert [n["escalation"] for n in _inbox(manager)["items"] if n["alarm_id"] == alarm_id] == [False]
