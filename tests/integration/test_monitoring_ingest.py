"""The ingest's fast store path, on SQLite and PostgreSQL: registry changes apply to the very next batch
(nothing about points is cached across batches), odd device codes from topics are dead letters without
disturbing the batch (PostgreSQL array literals, NUL), values are stored exactly, threshold screening
keeps every peak, and the window read-back still spans batches."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.integration.samples_monitoring import make_point
from yingji.core.auth import system_principal
from yingji.core.db import utcnow
from yingji.monitoring import actions
from yingji.monitoring.ingest import Message, store_batch
from yingji.monitoring.models import Alarm, DeadLetter, LatestValue, Reading
from yingji.monitoring.schemas import PointPatch


def _tank(code, ts, **values):
    return Message({"device": code, "ts": ts.isoformat(), "values": values})


def _alarm(database, pid, rule_key):
    with database.session() as s:
        return s.execute(select(Alarm).where(Alarm.point_id == pid, Alarm.rule_key == rule_key)).scalar_one_or_none()


def _patch(database, pid, **changes):
    with database.session() as s:
        actions.update_point(s, system_principal(), pid, PointPatch(**changes))


def test_registry_changes_apply_to_the_next_batch(database):
    pid, code = make_point(database, "tank")
    t = utcnow() - timedelta(minutes=30)
    with database.session() as s:
        store_batch(s, [_tank(code, t, pressure=1.45)])
    assert _alarm(database, pid, "tank_pressure").level == "orange"
    # the point's override raises the bar: 1.55 no longer matches (no upgrade, no repeat; the changes stay
    # below the 0.3 rate rule)
    _patch(database, pid, rules_override={"tank_pressure": {"levels": [{"level": "yellow", "gte": 5}]}})
    with database.session() as s:
        r = store_batch(s, [_tank(code, t + timedelta(minutes=1), pressure=1.55)])
    a = _alarm(database, pid, "tank_pressure")
    assert r.stored == 1 and r.alarms_raised == 0 and a.level == "orange" and a.repeat_count == 0
    # … and lowers it: 1.5 is now 红 (the open alarm is upgraded)
    _patch(database, pid, rules_override={"tank_pressure": {"levels": [{"level": "red", "gte": 1.0}]}})
    with database.session() as s:
        r = store_batch(s, [_tank(code, t + timedelta(minutes=2), pressure=1.5)])
    assert r.alarms_raised == 1 and _alarm(database, pid, "tank_pressure").level == "red"
    # a deactivated point's next message is a dead letter
    _patch(database, pid, active=False)
    with database.session() as s:
        r = store_batch(s, [_tank(code, t + timedelta(minutes=3), pressure=0.8)])
    assert r.stored == 0 and r.dead_letters == {"unknown_device": 1}
    _patch(database, pid, active=True)
    with database.session() as s:
        assert store_batch(s, [_tank(code, t + timedelta(minutes=4), pressure=0.8)]).stored == 1


def test_odd_device_codes_are_dead_letters_and_values_are_stored_exactly(database):
    pid, code = make_point(database, "tank")
    t = (utcnow() - timedelta(hours=1)).replace(microsecond=123456)
    exact = {"pressure": 0.1 + 0.2, "level": 1e-7, "temperature": -12.345678901234567}
    odd = ['A"B', "A,B", "A\\B", "{A}", "A B", "A\x00B", "NULL", "设备"]
    with database.session() as s:
        r = store_batch(s, [
            *[Message({"ts": t.isoformat(), "values": {"level": 1}}, topic=f"yingji/telemetry/{c}") for c in odd],
            Message({"ts": t.isoformat(), "values": exact}, topic=f"yingji/telemetry/{code}"),
            # the same instant as Unix seconds and as text with another offset: the same three readings
            Message({"device": code, "ts": t.timestamp(), "values": exact}),
            Message({"device": code, "ts": t.astimezone().isoformat(), "values": exact}),
        ])
    assert r.dead_letters == {"unknown_device": len(odd)}
    assert r.readings == r.stored == 3 and r.duplicates == 0
    with database.session() as s:
        again = store_batch(s, [Message({"device": code, "ts": t.timestamp(), "values": exact})])
    assert again.stored == 0 and again.duplicates == 3
    with database.session() as s:
        stored = {m: (ts, v) for m, ts, v in s.execute(
            select(Reading.metric, Reading.ts, Reading.value).where(Reading.point_id == pid))}
        latest = {lv.metric: lv.value for lv in s.scalars(select(LatestValue).where(LatestValue.point_id == pid))}
        codes = set(s.scalars(select(DeadLetter.device_code).where(DeadLetter.device_code.in_(odd[:5]))))
    assert {m: v for m, (_, v) in stored.items()} == exact == latest
    assert all(ts == t for ts, _ in stored.values())
    assert codes == set(odd[:5])


def test_every_reading_is_evaluated_whatever_the_batching(database):
    pid, code = make_point(database, "tank")
    t = utcnow() - timedelta(minutes=20)
    # one batch: a normal value, a 1.45 peak, normal again → the peak raises 橙, then a 1.3 (黄) is a repeat;
    # the 5-minute rate rule sees the jump at the peak although the batch ends where it began (0.8 → 0.8)
    with database.session() as s:
        r = store_batch(s, [_tank(code, t + timedelta(seconds=10 * i), pressure=p)
                            for i, p in enumerate([0.8, 1.45, 0.8, 1.3, 0.8])])
    a = _alarm(database, pid, "tank_pressure")
    assert a.level == "orange" and a.repeat_count == 1
    assert _alarm(database, pid, "tank_pressure_rate").level == "orange" and r.alarms_raised == 2
    # the same stream one message per batch gives the same alarms
    pid2, code2 = make_point(database, "tank")
    for i, p in enumerate([0.8, 1.45, 0.8, 1.3, 0.8]):
        with database.session() as s:
            store_batch(s, [_tank(code2, t + timedelta(seconds=10 * i), pressure=p)])
    for rule in ("tank_pressure", "tank_pressure_rate"):
        one, other = _alarm(database, pid, rule), _alarm(database, pid2, rule)
        assert (one.level, one.repeat_count, one.value) == (other.level, other.repeat_count, other.value), rule
    # the window spans batches: 0.8 stored before, 1.15 in a later batch (+0.35 ≥ 0.3 within 5 minutes)
    pid3, code3 = make_point(database, "tank")
    with database.session() as s:
        store_batch(s, [_tank(code3, t, pressure=0.8)])
    assert _alarm(database, pid3, "tank_pressure_rate") is None
    with database.session() as s:
        store_batch(s, [_tank(code3, t + timedelta(seconds=60), pressure=1.15)])
    assert _alarm(database, pid3, "tank_pressure_rate").level == "orange"
    # the same reading again: a duplicate, nothing evaluated twice
    with database.session() as s:
        again = store_batch(s, [_tank(code3, t + timedelta(seconds=60), pressure=1.15)])
    assert again.stored == 0 and again.duplicates == 1
    assert _alarm(database, pid3, "tank_pressure_rate").repeat_count == 0
