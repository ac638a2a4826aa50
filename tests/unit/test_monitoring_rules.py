"""Pure monitoring rules: device types, payload checks, every rule kind at its window edges, alarm lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from yingji.monitoring import rules as r

T0 = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
CAT = r.default_catalog()
RANK = CAT.level_rank
RAIN = next(x for x in CAT.type("rain_gauge").rules if x["key"] == "rain_accum")


def h(*pairs):
    return [(T0 + timedelta(minutes=m), v) for m, v in pairs]


def test_catalog_has_the_device_types():
    for key in ("rain_gauge", "water_level", "landslide", "tank", "gas_detector", "gas_pipe", "bridge",
                "water_main", "wind", "fire_hotspot", "elevator"):
        assert CAT.type(key) is not None, key
    assert CAT.type("elevator").hooked and not CAT.type("tank").hooked
    assert CAT.type("tank").metric("pressure").unit == "MPa"


@pytest.mark.parametrize(("history", "now_min", "level"), [
    # 3-hour rainfall against the rainstorm signal table (domain-rules §4)
    (h((0, 99.9)), 0, "orange"),                      # 3 h ≥ 50 → 橙 (not yet 红)
    (h((0, 100)), 0, "red"),                          # 3 h ≥ 100 → 红
    (h((0, 60), (179, 45)), 179, "red"),              # both inside (now-3h, now]: 105 mm
    (h((0, 60), (180, 45)), 180, "yellow"),           # the first one exactly 3 h old is outside 3 h; 6 h has 105
    (h((0, 30), (200, 25)), 200, "yellow"),           # 55 mm in 6 h → 黄
    (h((0, 30), (400, 25)), 400, "blue"),             # 55 mm in 12 h only → 蓝
    (h((0, 30), (720, 25)), 720, None),               # exactly 12 h apart: the first is outside every window
    (h((0, 10)), 0, None),
])
def test_accumulation_window_edges(history, now_min, level):
    f = r.evaluate(RAIN, history, T0 + timedelta(minutes=now_min), RANK)
    assert (f.level if f else None) == level


TANK_P = next(x for x in CAT.type("tank").rules if x["key"] == "tank_pressure")
TANK_LOW = next(x for x in CAT.type("tank").rules if x["key"] == "tank_level_low")
TANK_RATE = next(x for x in CAT.type("tank").rules if x["key"] == "tank_pressure_rate")


@pytest.mark.parametrize(("rule", "values", "level"), [
    (TANK_P, [1.19], None), (TANK_P, [1.2], "yellow"), (TANK_P, [1.45], "orange"), (TANK_P, [1.6], "red"),
    (TANK_LOW, [5.0], "yellow"), (TANK_LOW, [5.1], None),
])
def test_thresholds(rule, values, level):
    f = r.evaluate(rule, h(*enumerate(values)), T0 + timedelta(minutes=len(values)), RANK)
    assert (f.level if f else None) == level


def test_rate_of_change_window():
    # +0.3 MPa within 5 minutes → 橙; the same change over exactly 5 minutes: the first reading is outside
    assert r.evaluate(TANK_RATE, h((0, 0.8), (4, 1.1)), T0 + timedelta(minutes=4), RANK).level == "orange"
    assert r.evaluate(TANK_RATE, h((0, 0.8), (5, 1.1)), T0 + timedelta(minutes=5), RANK) is None
    assert r.evaluate(TANK_RATE, h((4, 0.8)), T0 + timedelta(minutes=4), RANK) is None


def test_stuck_sensor():
    stuck = next(x for x in CAT.type("rain_gauge").rules if x["kind"] == "stuck")
    same = h(*[(i * 5, 2.5) for i in range(12)])
    assert r.evaluate(stuck, same, same[-1][0], RANK).kind == "stuck"
    assert r.evaluate(stuck, same[:-1], same[-2][0], RANK) is None  # 11 readings only
    zeros = h(*[(i * 5, 0.0) for i in range(12)])
    assert r.evaluate(stuck, zeros, zeros[-1][0], RANK) is None  # no rain is not a stuck gauge


def test_offline_by_missed_heartbeats():
    assert not r.is_offline(T0, 60, 3, T0 + timedelta(seconds=180))  # exactly three heartbeats: still online
    assert r.is_offline(T0, 60, 3, T0 + timedelta(seconds=181))
    assert r.is_offline(None, 60, 3, T0)


def test_overrides_per_device():
    tank = CAT.type("tank")
    rules = r.effective_rules(tank, {"tank_pressure": {"levels": [{"level": "red", "gte": 2.0}]}, "tank_temp": None})
    p = next(x for x in rules if x["key"] == "tank_pressure")
    assert r.evaluate(p, h((0, 1.7)), T0, RANK) is None
    assert not any(x["key"] == "tank_temp" for x in rules)


@pytest.mark.parametrize(("payload", "reason"), [
    ([1, 2], "malformed"),
    ({"ts": "2026-12-02T08:00:00+08:00", "values": {"rain": 1}}, "malformed"),  # no device
    ({"device": "D1", "ts": "2026-12-02T08:00:00", "values": {"rain": 1}}, "malformed"),  # naive time
    ({"device": "D1", "ts": "2026-12-02T08:00:00+08:00", "values": {"rain": "x"}}, "malformed"),
    ({"device": "D1", "ts": "2026-12-02T08:00:00+08:00", "values": {}}, "malformed"),
    ({"device": "D1", "ts": "2099-01-01T00:00:00+08:00", "values": {"rain": 1}}, "malformed"),  # future
    ({"device": "D1", "ts": True, "values": {"rain": 1}}, "malformed"),
])
def test_malformed_payloads(payload, reason):
    with pytest.raises(r.Rejected) as exc:
        r.parse_payload(payload, now=T0 + timedelta(hours=1))
    assert exc.value.reason == reason


def test_payload_forms_and_ranges():
    one = r.parse_payload({"device": "D1", "ts": 1764633600, "values": {"rain": 1}}, now=T0 + timedelta(days=1))
    many = r.parse_payload({"readings": [{"ts": "2026-12-02T08:00:00+08:00", "values": {"rain": 2}}]},
                           topic_code="D1", now=T0 + timedelta(days=1))
    assert one[0].device_code == many[0].device_code == "D1" and many[0].ts == T0
    with pytest.raises(r.Rejected):
        r.parse_payload({"device": "D2", "ts": 1, "values": {"rain": 1}}, topic_code="D1", now=T0)
    rain = CAT.type("rain_gauge")
    assert r.check_values(rain, {"rain": 250}).reason == "out_of_range"
    assert r.check_values(rain, {"snow": 1}).reason == "unknown_metric"
    assert r.check_values(rain, {"rain": 0}) is None


def test_alarm_lifecycle_and_escalation():
    assert r.next_alarm_state("raised", "acknowledge") == "acknowledged"
    assert r.next_alarm_state("acknowledged", "handle") == "handled"
    assert r.next_alarm_state("handled", "close") == "closed"
    with pytest.raises(r.Transition):
        r.next_alarm_state("raised", "close")
    assert r.raise_or_repeat(None, "yellow", RANK) == "raise"
    assert r.raise_or_repeat("yellow", "red", RANK) == "upgrade"
    assert r.raise_or_repeat("red", "yellow", RANK) == "repeat"
    assert r.raise_or_repeat("red", "red", RANK) == "repeat"
    assert not r.due_for_escalation("raised", T0, False, T0 + timedelta(seconds=300), 300)  # the edge: not yet
    assert r.due_for_escalation("raised", T0, False, T0 + timedelta(seconds=301), 300)
    assert not r.due_for_escalation("acknowledged", T0, False, T0 + timedelta(hours=1), 300)
    assert not r.due_for_escalation("raised", T0, True, T0 + timedelta(hours=1), 300)
    assert r.notice_recipients("yellow") == ["unit", "county"]
    assert r.notice_recipients("red") == ["unit", "county", "city"]
    assert r.notice_recipients("blue", escalated=True)[-1] == "city"


def test_hour_buckets_are_utc_hours_and_aggregate_in_time_order() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from yingji.monitoring.history import aggregate, floor_hour, hours

    cst = timezone(timedelta(hours=8))
    assert floor_hour(datetime(2026, 7, 1, 8, 59, 59, 999999, tzinfo=cst)) == datetime(2026, 7, 1, 0, tzinfo=UTC)
    assert list(hours(datetime(2026, 7, 1, 0, 30, tzinfo=UTC), datetime(2026, 7, 1, 2, 0, tzinfo=UTC))) == [
        datetime(2026, 7, 1, 0, tzinfo=UTC), datetime(2026, 7, 1, 1, tzinfo=UTC)]  # the hour of the end excluded
    t = datetime(2026, 7, 1, 0, tzinfo=UTC)
    got = aggregate([(t + timedelta(minutes=70), 4.0), (t + timedelta(minutes=1), 1.0), (t + timedelta(minutes=2), 3.0)])
    assert [(b.hour, b.n, b.vmin, b.vmax, b.mean) for b in got] == [(t, 2, 1.0, 3.0, 2.0),
                                                                   (t + timedelta(hours=1), 1, 4.0, 4.0, 4.0)]
