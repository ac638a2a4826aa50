"""Elevator rules (pure): 困人 detection at its time edge, fault codes, rescue tiers, statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from yingji.elevators import rules as r

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
CFG = r.default_config()
STUCK = {"state": 0, "door": 0, "levelling": 0, "occupied": 1, "fault": 0}


def test_trapped_after_the_set_time_only():
    since, why = r.track(None, STUCK, T0, CFG)
    assert since == T0 and why is None
    assert r.track(since, STUCK, T0 + timedelta(seconds=60), CFG) == (T0, None)  # exactly the limit: not yet
    assert r.track(since, STUCK, T0 + timedelta(seconds=61), CFG) == (T0, "stuck")
    assert r.track(since, {**STUCK, "door": 1}, T0 + timedelta(seconds=90), CFG) == (None, None)  # door opened
    assert r.track(None, {**STUCK, "levelling": 1}, T0, CFG) == (None, None)  # in the levelling zone
    assert r.track(None, {**STUCK, "occupied": 0}, T0, CFG) == (None, None)  # nobody inside


def test_a_trapped_fault_code_starts_a_rescue_at_once():
    assert r.track(None, {"state": 1, "fault": 1}, T0, CFG)[1] == "fault"
    assert CFG.fault(1)["label"] == "困人" and not CFG.fault(5).get("trapped")


@pytest.mark.parametrize(("tier", "seconds", "expected"), [
    ("maintenance", 180, None), ("maintenance", 181, "center_96333"), ("center_96333", 181, "fire_rescue"),
    ("fire_rescue", 9999, None)])
def test_rescue_tiers(tier, seconds, expected):
    assert r.escalation_tier(tier, "notified", T0, T0 + timedelta(seconds=seconds), CFG) == expected
    assert r.escalation_tier(tier, "acknowledged", T0, T0 + timedelta(hours=1), CFG) is None


def test_rescue_steps_and_statistics():
    assert r.next_rescue_state("notified", "acknowledge") == "acknowledged"
    with pytest.raises(ValueError):
        r.next_rescue_state("notified", "release")
    rows = [{"company": "甲", "detected_at": T0, "arrived_at": T0 + timedelta(minutes=10),
             "released_at": T0 + timedelta(minutes=20)},
            {"company": "甲", "detected_at": T0, "arrived_at": T0 + timedelta(minutes=40), "released_at": None}]
    [s] = r.summarise(rows, "company")
    assert s["rescues"] == 2 and s["mean_arrival_min"] == 25 and s["on_time_share"] == 0.5 and s["mean_rescue_min"] == 20
    assert r.maintenance_score(0, 0, 0) == 0 and r.maintenance_score(20, 0, 0) == 100
