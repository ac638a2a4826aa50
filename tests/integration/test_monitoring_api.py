"""Monitoring through the HTTP API and the ingest path, on SQLite and PostgreSQL: points, telemetry,
idempotency, dead letters, rules and alarms (dedup, repeats, upgrade, lifecycle, escalation, offline),
hooks, the risk map's live alarms, import with row errors."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.integration.samples_hazards import TOWNSHIP_A, make_unit
from tests.integration.samples_monitoring import make_point, make_source
from yingji.core import hooks
from yingji.core.audit import AuditRecord
from yingji.core.auth import system_principal
from yingji.core.db import utcnow
from yingji.monitoring import actions
from yingji.monitoring.ingest import Message, store_batch
from yingji.monitoring.models import Alarm, DeadLetter, LatestValue, MonitoringPoint, Reading


def _msg(code, ts, **values):
    return {"device": code, "ts": ts.isoformat(), "values": values}


def _alarms(database, pid):
    with database.session() as s:
        return list(s.execute(select(Alarm).where(Alarm.point_id == pid).order_by(Alarm.id)).scalars())


def test_tank_alarm_dedup_upgrade_lifecycle_and_source_turns_red(client_for, database):
    admin = client_for("admin")
    unit = make_unit(database)
    source = make_source(database, unit)
    r = admin.post("/api/v1/monitoring/points", json={
        "code": f"TK-{source}", "name": "1号液氯储罐", "device_type": "tank", "division_code": TOWNSHIP_A,
        "lon": 119.3, "lat": 26.08, "risk_source_id": source})
    assert r.status_code == 201, r.text
    point = r.json()
    assert point["unit_id"] == unit  # a major hazard source's tanks belong to its unit
    code, pid = point["code"], point["id"]
    t = utcnow() - timedelta(minutes=30)
    normal = [_msg(code, t + timedelta(minutes=i), pressure=0.8, level=60, temperature=25) for i in range(5)]
    r = admin.post("/api/v1/monitoring/telemetry", json={"messages": normal})
    assert r.status_code == 200 and r.json()["stored"] == 15 and r.json()["alarms_raised"] == 0, r.text
    # the same upload again stores nothing (idempotent on device, metric, ts)
    again = admin.post("/api/v1/monitoring/telemetry", json={"messages": normal}).json()
    assert again["stored"] == 0 and again["duplicates"] == 15
    # excursion: 1.45 MPa → 橙; repeats suppressed; 1.7 → upgraded to 红 (still one alarm)
    r = admin.post("/api/v1/monitoring/telemetry", json={"messages": [
        _msg(code, t + timedelta(minutes=10), pressure=1.45), _msg(code, t + timedelta(minutes=11), pressure=1.46)]})
    assert r.json()["alarms_raised"] >= 1
    [a] = [a for a in _alarms(database, pid) if a.rule_key == "tank_pressure"]
    assert a.level == "orange" and a.repeat_count == 1 and a.state == "raised"
    assert {n["to"] for n in a.notices} == {"unit", "county", "city"}  # graded notice (二级 reaches the city)
    admin.post("/api/v1/monitoring/telemetry", json={"messages": [_msg(code, t + timedelta(minutes=12), pressure=1.7)]})
    [a] = [a for a in _alarms(database, pid) if a.rule_key == "tank_pressure"]
    assert a.level == "red"
    with database.session() as s:
        latest = s.get(LatestValue, (pid, "pressure"))
        assert latest.value == 1.7
    # the major hazard source is red on the map while its tank alarms (API and the risk read hook)
    live = admin.get("/api/v1/monitoring/live").json()
    assert any(s["source_id"] == source and s["level"] == "red" for s in live["sources"])
    with database.session() as s:
        answered = hooks.collect(s, system_principal(), "risk.live_alarms")
    assert any(x["source_id"] == source for rows in answered for x in rows)
    on_map = admin.get("/api/v1/risk/live-alarms").json()  # what the risk map draws, by jurisdiction
    assert on_map["available"] and any(x["source_id"] == source and x["level"] == "red" for x in on_map["sources"])
    elsewhere = client_for("county_officer", "350103").get("/api/v1/risk/live-alarms").json()
    assert not any(x["source_id"] == source for x in elsewhere["sources"])
    # lifecycle: close before acknowledging is refused (409, Chinese), then acknowledge → handle → close
    r = admin.post(f"/api/v1/monitoring/alarms/{a.id}/actions", json={"action": "close"})
    assert r.status_code == 409 and "不能关闭" in r.json()["error"]["message"]
    leader = client_for("leader")
    assert leader.post(f"/api/v1/monitoring/alarms/{a.id}/actions", json={"action": "acknowledge"}).status_code == 403
    county = client_for("county_officer", "350102")
    for action in ("acknowledge", "handle", "close"):
        r = county.post(f"/api/v1/monitoring/alarms/{a.id}/actions", json={"action": action, "note": "已泄压"})
        assert r.status_code == 200, r.text
    assert r.json()["state"] == "closed" and r.json()["acknowledged_by"]
    live = admin.get("/api/v1/monitoring/live").json()
    assert not any(s["source_id"] == source and s["alarm_id"] == a.id for s in live["sources"])
    # incident / warning hand-over: the upper domains are not deployed on this branch → Chinese 409
    if not hooks.handlers("monitoring.alarm_open_incident"):
        r = county.post(f"/api/v1/monitoring/alarms/{a.id}/incident")
        assert r.status_code == 409 and r.json()["error"]["message"] == "事件/预警模块未部署"
    if not hooks.handlers("monitoring.alarm_propose_warning"):
        assert county.post(f"/api/v1/monitoring/alarms/{a.id}/warning", json={}).status_code == 409
    # another county's officer sees nothing of it
    other = client_for("county_officer", "350121")
    assert other.get(f"/api/v1/monitoring/alarms/{a.id}").status_code == 404
    assert other.get(f"/api/v1/monitoring/points/{pid}").status_code == 404


def test_dead_letters_never_stop_the_batch(client_for, database):
    admin = client_for("admin")
    _pid, code = make_point(database, "gas_pipe")
    now = utcnow() - timedelta(minutes=1)
    with database.session() as s:
        before = dict(s.execute(select(DeadLetter.reason, func.count()).group_by(DeadLetter.reason)).all())
        audits = s.scalar(select(func.count()).select_from(AuditRecord))
    with database.session() as s:
        r = store_batch(s, [
            Message(b"{not json", topic=f"yingji/telemetry/{code}"),                             # malformed JSON
            Message(b'{"ts": 1, "values": {"pressure": 1}}', topic="other/topic"),              # bad topic
            Message({"device": code, "ts": now.isoformat(), "values": {"pressure": "high"}}),  # not a number
            Message({"device": "NOBODY-123", "ts": now.isoformat(), "values": {"pressure": 1}}),
            Message({"device": code, "ts": now.isoformat(), "values": {"pressure": 5000}}),   # out of range
            Message({"device": code, "ts": now.isoformat(), "values": {"colour": 1}}),        # unknown metric
            Message({"device": code, "ts": now.isoformat(), "values": {"pressure": 300, "methane": 0}},
                    topic=f"yingji/telemetry/{code}"),
        ])
    assert r.stored == 2 and r.dead_letters == {"malformed": 3, "unknown_device": 1, "out_of_range": 1,
                                                 "unknown_metric": 1}
    with database.session() as s:
        after = dict(s.execute(select(DeadLetter.reason, func.count()).group_by(DeadLetter.reason)).all())
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == audits + 1  # one record per batch
    for reason, n in r.dead_letters.items():
        assert after.get(reason, 0) - before.get(reason, 0) == n
    page = admin.get("/api/v1/monitoring/dead-letters?reason=out_of_range").json()
    assert page["total"] >= 1 and "超出量程" in page["items"][0]["detail"]
    assert client_for("county_officer", "350102").get("/api/v1/monitoring/dead-letters").status_code == 403


def test_rainfall_accumulation_against_the_signal_table(database):
    pid, code = make_point(database, "rain_gauge")
    t0 = utcnow() - timedelta(hours=5)
    # 12 five-minute readings of 4.5 mm = 54 mm within one hour → 3 h ≥ 50 → 橙
    with database.session() as s:
        store_batch(s, [Message(_msg(code, t0 + timedelta(minutes=5 * i), rain=4.5 + i % 2 / 10)) for i in range(12)])
    [a] = _alarms(database, pid)
    assert a.kind == "accumulation" and a.level == "orange"
    # another 50 mm within the next hour (readings arrive in a later batch: the stored window counts) → 红
    with database.session() as s:
        store_batch(s, [Message(_msg(code, t0 + timedelta(minutes=60 + 5 * i), rain=5.0 + i % 2 / 10))
                        for i in range(10)])
    [a] = _alarms(database, pid)
    assert a.level == "red" and "3 小时累计" in a.title


def test_escalation_and_offline_with_a_controlled_clock(database):
    unit = make_unit(database, division_code="350102004")
    pid, code = make_point(database, "gas_detector", division_code="350102004", unit_id=unit)
    t0 = utcnow() - timedelta(minutes=1)
    with database.session() as s:
        store_batch(s, [Message(_msg(code, t0, lel=30, h2s=0))])
    [a] = _alarms(database, pid)
    actor = system_principal("350102004")
    with database.session() as s:
        assert actions.run_checks(s, actor, a.raised_at + timedelta(seconds=300), escalate_after_s=300)["escalated"] == 0
    with database.session() as s:
        out = actions.run_checks(s, actor, a.raised_at + timedelta(seconds=301), escalate_after_s=300)
    assert out["escalated"] >= 1
    [a] = [x for x in _alarms(database, pid) if x.kind == "threshold"]
    assert a.escalated_at is not None and any(n["escalation"] and n["to"] == "city" for n in a.notices)
    with database.session() as s:
        actions.run_checks(s, actor, a.raised_at + timedelta(hours=1), escalate_after_s=300)
    assert next(x for x in _alarms(database, pid) if x.kind == "threshold").notices == a.notices  # escalates once
    # gas detectors beat every 60 s; 3 missed → offline (exactly at 180 s still online)
    pid, code = make_point(database, "gas_detector", division_code="350102004", unit_id=unit)
    t1 = utcnow()
    with database.session() as s:
        store_batch(s, [Message(_msg(code, t1, lel=0, h2s=0))])
    with database.session() as s:
        actions.run_checks(s, actor, t1 + timedelta(seconds=180))
        assert s.get(MonitoringPoint, pid).online
    with database.session() as s:
        out = actions.run_checks(s, actor, t1 + timedelta(seconds=181))
        assert out["offline"] >= 1 and not s.get(MonitoringPoint, pid).online
    assert [x.kind for x in _alarms(database, pid)] == ["offline"]
    with database.session() as s:
        store_batch(s, [Message(_msg(code, t1 + timedelta(seconds=200), lel=1, h2s=0))],
                    now=t1 + timedelta(seconds=200))
        out = actions.run_checks(s, actor, t1 + timedelta(seconds=210))
        assert out["back_online"] >= 1 and s.get(MonitoringPoint, pid).online


def test_online_rate_and_reads(client_for, database):
    make_point(database, "wind")
    admin = client_for("admin")
    stats = admin.get("/api/v1/monitoring/online").json()
    assert stats["target"] == 0.995 and stats["total"]["total"] >= 1
    cat = admin.get("/api/v1/monitoring/catalog").json()
    assert any(t["key"] == "elevator" and t["hooked"] for t in cat["types"])
    assert admin.get("/api/v1/monitoring/points?device_type=wind").json()["total"] >= 1


def test_import_points_with_row_errors(client_for, database):
    admin = client_for("admin")
    csv = ("设备编码,监测点名称,设备类型,乡镇（街道）代码,经度,纬度\n"
           f"IMP-OK-{utcnow():%H%M%S%f},导入雨量站,雨量站,{TOWNSHIP_A},119.3,26.08\n"
           "IMP-BAD1,类型错误,no_such_type,350102001,119.3,26.08\n"
           "IMP-BAD2,坐标错误,tank,350102001,500,26.08\n"
           "IMP-BAD3,,tank,350102001,119.3,26.08\n")
    r = admin.post("/api/v1/monitoring/points/import", files={"file": ("p.csv", csv.encode(), "text/csv")},
                   data={"mode": "all_or_nothing"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["committed"] is False and {e["row"] for e in body["errors"]} == {3, 4, 5}
    assert any(e["field"] == "经度" for e in body["errors"])
    r = admin.post("/api/v1/monitoring/points/import", files={"file": ("p.csv", csv.encode(), "text/csv")},
                   data={"mode": "valid_only"})
    assert r.json()["committed"] is True and r.json()["imported"] == 1
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Reading).where(Reading.point_id == -1)) == 0
