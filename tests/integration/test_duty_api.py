"""Duty through the HTTP API: roster, who is on duty (home card, warnings.officials), hand-over summary, log."""

from __future__ import annotations

from tests.integration.samples_incidents import make_incident
from yingji.core.auth import system_principal
from yingji.core.db import utcnow
from yingji.duty.service import duty_day


def test_roster_on_duty_handover_and_log(client_for, database):
    duty = client_for("county_officer", "350102")
    today = duty_day(utcnow()).isoformat()
    for role, name in (("leader", "王局长"), ("officer", "李值班")):
        r = duty.post("/api/v1/duty/roster", json={"division_code": "350102", "day": today, "role": role,
                                                   "name": name, "phone": "0591-8888"})
        assert r.status_code == 201, r.text
    again = duty.post("/api/v1/duty/roster", json={"division_code": "350102", "day": today, "role": "leader",
                                                   "name": "王局长"})
    assert again.status_code == 409
    assert duty.post("/api/v1/duty/roster", json={"division_code": "350121", "day": today, "role": "officer",
                                                  "name": "外县"}).status_code == 403
    roster = duty.get("/api/v1/duty/roster").json()
    assert {p["name"] for p in roster["on_duty"]} >= {"王局长", "李值班"}

    home = duty.get("/api/v1/home").json()
    card = next(c for c in home["cards"] if c["key"] == "duty.on_duty")
    assert card["count"] >= 2 and "王局长" in card["note"]

    from yingji.core import hooks
    with database.session() as s:
        people = [p for answer in hooks.collect(s, system_principal(), "warnings.officials", division_code="350102")
                  for p in answer]
    assert {"name": "王局长", "phone": "0591-8888", "division_code": "350102", "role": "leader"} in people

    inc = make_incident(database, division_code="350102002")
    r = duty.post("/api/v1/duty/handovers", json={"division_code": "350102", "from_name": "李值班", "to_name": "赵值班"})
    assert r.status_code == 201, r.text
    summary = r.json()["summary"]
    assert any(i["id"] == inc for i in summary["open_incidents"])
    r = duty.post("/api/v1/duty/log", json={"division_code": "350102", "text": "接报火情，已通知消防", "incident_id": inc})
    assert r.status_code == 201
    log = duty.get("/api/v1/duty/log", params={"incident_id": inc}).json()
    assert log["total"] == 1
    assert client_for("leader", "350100").post("/api/v1/duty/log", json={
        "division_code": "350102", "text": "x"}).status_code == 403
