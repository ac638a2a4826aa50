"""Incidents through the HTTP API: call → form → incident → regrade with history → reports → timeliness;
merge proposals; the alarm hook; the duty hand-over summary. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.integration.samples_incidents import make_incident
from yingji.core.auth import system_principal

TRANSCRIPT = "喂，119吗？鼓楼区东街口这边一栋居民楼着火了，烟很大，三楼好像有两个人被困，有个老人"


def test_call_to_incident_to_first_report(client_for, database):
    duty = client_for("county_officer", "350102")
    r = duty.post("/api/v1/incidents/calls", json={"transcript": TRANSCRIPT, "caller_number": "13800000001"})
    assert r.status_code == 201, r.text
    taken = r.json()
    form = taken["form"]
    assert form["type"]["value"] == "建筑火灾" and 0 < form["type"]["confidence"] <= 1
    assert form["trapped"]["value"] == 2
    assert form["division_code"]["value"].startswith("350102")
    assert taken["grade"]["grade"] == "general" and taken["seconds"] >= 0

    body = {"type": form["type"]["value"], "category": form["category"]["value"] or "",
            "place_text": form["place_text"]["value"] or "东街口", "division_code": form["division_code"]["value"],
            "lon": form["lon"]["value"], "lat": form["lat"]["value"], "trapped": 2, "hazards": ["老人"],
            "call_id": taken["call"]["id"]}
    r = duty.post("/api/v1/incidents", json=body)
    assert r.status_code == 201, r.text
    inc = r.json()
    assert inc["status"] == "received" and inc["grade_label"] == "一般"
    assert inc["next_due"]["kind"] == "first" and inc["next_due"]["level"] == "county"
    assert duty.post("/api/v1/incidents", json=body).status_code == 409  # the call already made one

    # counts change: 3 dead → 较大, Ⅲ级; history keeps both revisions
    r = duty.put(f"/api/v1/incidents/{inc['id']}/counts", json={"dead": 3, "trapped": 0, "note": "医院核实"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["incident"]["grade"] == "larger" and d["incident"]["response_level"] == "III"
    assert [g["change"] for g in d["grades"]] == ["initial", "raised"]
    assert any("升级为较大" in e["text"] for e in d["timeline"])
    assert [x["level"] for x in d["schedule"] if x["kind"] == "first"] == ["county", "city", "province"]
    r = duty.put(f"/api/v1/incidents/{inc['id']}/counts", json={"dead": 2})
    assert [g["change"] for g in r.json()["grades"]][-1] == "lowered"

    # first report: generated in the official layout, edited, submitted on time, received
    r = duty.post(f"/api/v1/incidents/{inc['id']}/reports", json={"kind": "first", "level": "county"})
    assert r.status_code == 201, r.text
    rep = r.json()
    assert "【首报】" in rep["text"] and "事发地点" in rep["text"] and rep["submitted_at"] is None
    assert duty.post(f"/api/v1/incidents/reports/{rep['id']}/receive", json={"received_by": "x"}).status_code == 403
    r = duty.post(f"/api/v1/incidents/reports/{rep['id']}/submit", json={"text": rep["text"] + "\n（已核实）"})
    assert r.status_code == 200 and r.json()["on_time"] is True and r.json()["text"].endswith("（已核实）")
    assert duty.post(f"/api/v1/incidents/reports/{rep['id']}/submit", json={}).status_code == 403
    r = duty.post(f"/api/v1/incidents/reports/{rep['id']}/receive", json={"received_by": "区应急局值班室 张三"})
    assert r.status_code == 200 and r.json()["received_by"] == "区应急局值班室 张三"
    board = duty.get("/api/v1/incidents/reports/board").json()
    mine = [row for row in board if row["incident_id"] == inc["id"]]
    assert mine[0]["due"]["level"] == "city"  # the county's first report is in; the city's is next

    # status: 接警 → 处置中 → 结束; then only the final report
    assert duty.post(f"/api/v1/incidents/{inc['id']}/status", json={"status": "handling"}).status_code == 200
    assert duty.post(f"/api/v1/incidents/{inc['id']}/status", json={"status": "received"}).status_code == 403
    assert duty.post(f"/api/v1/incidents/{inc['id']}/reports", json={"kind": "final"}).status_code == 403
    assert duty.post(f"/api/v1/incidents/{inc['id']}/status", json={"status": "closed"}).status_code == 200
    assert duty.put(f"/api/v1/incidents/{inc['id']}/counts", json={"dead": 4}).status_code == 403
    assert duty.post(f"/api/v1/incidents/{inc['id']}/reports", json={"kind": "final"}).status_code == 201

    stats = duty.get("/api/v1/incidents/reports/timeliness").json()
    row = next(r for r in stats["rows"] if r["county_code"] == "350102")
    assert row["on_time"] >= 1 and row["target"] == 1.0

    # other counties and read-only users
    assert client_for("county_officer", "350121").get(f"/api/v1/incidents/{inc['id']}").status_code == 404
    leader = client_for("leader", "350100")
    assert leader.get(f"/api/v1/incidents/{inc['id']}").status_code == 200
    assert leader.post("/api/v1/incidents/calls", json={"transcript": TRANSCRIPT}).status_code == 403


def test_overdue_first_report_is_flagged_and_late_submission_counts_against_timeliness(client_for, database):
    from yingji.incidents import actions
    from yingji.incidents.schemas import CallIn, IncidentIn

    long_ago = datetime.now(UTC) - timedelta(hours=3)
    with database.session() as s:  # a call received 3 hours ago (a controlled clock: the call's time)
        from tests.integration.samples_incidents import fake_extractor, no_places

        call = actions.take_call(s, system_principal(), CallIn(transcript="测试", received_at=long_ago),
                                 extractor=fake_extractor, locator=no_places)["call"]
        inc = actions.create_incident(s, system_principal(), IncidentIn(
            type="建筑火灾", division_code="350102001", call_id=call.id)).id
    duty = client_for("county_officer", "350102")
    d = duty.get(f"/api/v1/incidents/{inc}").json()
    first = d["schedule"][0]
    assert first["overdue"] and first["kind"] == "first"
    assert d["incident"]["overdue_reports"] >= 1
    rep = duty.post(f"/api/v1/incidents/{inc}/reports", json={"kind": "first"}).json()
    assert duty.post(f"/api/v1/incidents/reports/{rep['id']}/submit", json={}).json()["on_time"] is False
    home = duty.get("/api/v1/home").json()
    keys = {c["key"] for c in home["cards"]}
    assert {"incidents.today", "incidents.overdue_reports"} <= keys


def test_second_call_is_proposed_for_merging_and_merged(client_for, database):
    from tests.integration.samples_incidents import fake_extractor, no_places
    from yingji.incidents import actions
    from yingji.incidents.schemas import CallIn

    inc = make_incident(database, division_code="350102001")
    with database.session() as s:
        taken = actions.take_call(s, system_principal(), CallIn(transcript="东街口那边着火了"),
                                  extractor=fake_extractor, locator=no_places)
    assert any(c["incident_id"] == inc for c in taken["merge_candidates"])
    duty = client_for("county_officer", "350102")
    r = duty.post(f"/api/v1/incidents/calls/{taken['call'].id}/merge", json={"incident_id": inc})
    assert r.status_code == 200, r.text
    d = duty.get(f"/api/v1/incidents/{inc}").json()
    assert any(e["kind"] == "call_merged" for e in d["timeline"])
    assert any(p["state"] == "merged" for p in d["proposals"])


def test_monitoring_alarm_opens_one_incident(database):
    from sqlalchemy import select

    from yingji.core import hooks
    from yingji.core.db import atomic
    from yingji.incidents.models import Incident, TimelineEntry

    with database.session() as s:
        for _ in range(2):  # a repeated alarm adds nothing
            with atomic(s):
                hooks.send(s, system_principal(), "monitoring.alarm_open_incident", alarm_id=4242,
                           title="储罐区可燃气体浓度超限", kind="危化品泄漏", level="red", lon=119.3, lat=26.08,
                           division_code="350102001", unit_id=None, occurred_at=datetime.now(UTC))
        rows = list(s.scalars(select(Incident).where(Incident.source_ref == "alarm:4242")))
        assert len(rows) == 1 and rows[0].source == "alarm"
        entries = list(s.scalars(select(TimelineEntry).where(TimelineEntry.incident_id == rows[0].id)))
        assert any("告警 4242" in e.text for e in entries)


def test_the_reporting_board_costs_the_same_queries_for_more_incidents(database):  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    from yingji.incidents import service

    def queries(call) -> int:  # type: ignore[no-untyped-def]
        n = [0]

        def count(*_: object) -> None:
            n[0] += 1

        engine = database.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            with database.session() as s:
                call(s)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return n[0]

    city = system_principal()
    make_incident(database)
    before = (queries(lambda s: service.board(s, city)), queries(lambda s: service.timeliness_stats(s, city, None, None)))
    for _ in range(4):
        make_incident(database)
    after = (queries(lambda s: service.board(s, city)), queries(lambda s: service.timeliness_stats(s, city, None, None)))
    assert after == before  # one query for all the incidents' reports, not one per incident
