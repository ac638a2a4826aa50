"""Elevator IoT through the monitoring ingest: 困人 detection opens a rescue and notifies the maintenance
company within 10 s, unacknowledged rescues escalate (96333, then fire rescue), the steps are timed,
statistics — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.samples_elevators import STUCK, make_elevator, trap
from yingji.core.auth import system_principal
from yingji.core.db import utcnow
from yingji.elevators import actions
from yingji.elevators.models import Rescue
from yingji.monitoring.ingest import Message, store_batch


def test_trapped_passenger_rescue_end_to_end(client_for, database):
    eid, code = make_elevator(database, division_code="350102005", company="闽都电梯维保")
    t0 = utcnow() - timedelta(minutes=3)
    # 60 s exactly stuck: no rescue yet
    with database.session() as s:
        store_batch(s, [Message({"device": code, "ts": (t0 + timedelta(seconds=k * 30)).isoformat(), "values": STUCK})
                        for k in range(3)])
    with database.session() as s:
        assert s.query(Rescue).filter(Rescue.elevator_id == eid).count() == 0
    before = utcnow()
    rescue_ids = trap(database, code, start=t0 + timedelta(seconds=90))
    assert len(rescue_ids) == 1
    with database.session() as s:
        r = s.get(Rescue, rescue_ids[0])
        assert r.tier == "maintenance" and r.notices[0]["tier"] == "maintenance"
        assert (r.notified_at - before).total_seconds() < 10  # the maintenance company hears within 10 s
        assert r.arrival_deadline - r.detected_at == timedelta(minutes=30)
    # more stuck readings: no second rescue while one is open
    trap(database, code, start=t0 + timedelta(seconds=200))
    with database.session() as s:
        assert s.query(Rescue).filter(Rescue.elevator_id == eid, Rescue.state != "released").count() == 1
        notified = s.get(Rescue, rescue_ids[0]).notified_at
    actor = system_principal("350102005")
    with database.session() as s:
        assert actions.escalate(s, actor, notified + timedelta(seconds=180)) == 0
    with database.session() as s:
        assert actions.escalate(s, actor, notified + timedelta(seconds=181)) == 1
        assert s.get(Rescue, rescue_ids[0]).tier == "center_96333"
    with database.session() as s:
        actions.escalate(s, actor, notified + timedelta(seconds=181 + 181))
        assert s.get(Rescue, rescue_ids[0]).tier == "fire_rescue"
    county = client_for("county_officer", "350102")
    r = county.post(f"/api/v1/elevators/rescues/{rescue_ids[0]}/actions", json={"action": "release"})
    assert r.status_code == 409
    for action in ("acknowledge", "arrive", "release"):
        r = county.post(f"/api/v1/elevators/rescues/{rescue_ids[0]}/actions", json={"action": action})
        assert r.status_code == 200, r.text
    assert r.json()["released_at"] and r.json()["arrived_at"]
    stats = county.get("/api/v1/elevators/stats").json()
    assert any(c["key"] == "闽都电梯维保" and c["rescues"] >= 1 for c in stats["by_company"])
    assert county.get("/monitoring/elevators").status_code == 200
    assert client_for("county_officer", "350121").get(f"/api/v1/elevators/rescues/{rescue_ids[0]}").status_code == 404
