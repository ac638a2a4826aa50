"""Overdue escalation with a controlled clock: thresholds per tier, idempotence, terminal states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from yingji.core.errors import ValidationFailed
from yingji.hazards.escalation import HazardFacts, evaluate, load_escalation_config, overdue_days

CST = timezone(timedelta(hours=8))
DEADLINE = datetime(2026, 6, 30, 17, 0, tzinfo=CST)


def at(days: float) -> datetime:
    """The clock, ``days`` after the deadline (negative: before)."""
    return DEADLINE + timedelta(days=days)


def kinds(steps):
    return [s.kind for s in steps]


@pytest.mark.parametrize(
    ("tier", "days", "expected"),
    [
        ("general", -1, []),
        ("general", 0, []),  # exactly at the deadline: not yet overdue
        ("general", 0.01, ["mark_overdue", "notify"]),
        ("general", 29.9, ["mark_overdue", "notify"]),
        ("general", 30, ["mark_overdue", "notify", "list_county"]),
        ("general", 400, ["mark_overdue", "notify", "list_county"]),  # general never goes to city
        ("major", -0.5, []),
        ("major", 0.01, ["mark_overdue", "notify", "list_county"]),
        ("major", 29.99, ["mark_overdue", "notify", "list_county"]),
        ("major", 30, ["mark_overdue", "notify", "list_county", "list_city"]),
    ],
)
def test_steps_due_by_tier_and_days_overdue(tier, days, expected):
    facts = HazardFacts(state="rectifying", tier=tier, deadline=DEADLINE)
    assert kinds(evaluate(facts, at(days))) == expected


def test_walking_the_clock_day_by_day_applies_each_step_once():
    facts = {"state": "rectifying", "tier": "major", "deadline": DEADLINE, "supervision_level": None,
             "applied": set()}
    log: list[tuple[int, str]] = []
    for day in range(-3, 45):
        for step in evaluate(facts, at(day + 0.5)):
            log.append((day, step.kind))
            facts["applied"].add(step.key)
            if step.kind == "list_county":
                facts["supervision_level"] = "county"
            if step.kind == "list_city":
                facts["supervision_level"] = "city"
    assert log == [(0, "mark_overdue"), (0, "notify"), (0, "list_county"), (30, "list_city")]


def test_evaluation_is_idempotent_for_the_same_facts():
    facts = HazardFacts(state="rectifying", tier="general", deadline=DEADLINE,
                        applied=frozenset({"mark_overdue", "notify_overdue"}))
    assert evaluate(facts, at(5)) == []
    assert evaluate(facts, at(5)) == []


@pytest.mark.parametrize(
    ("level", "days", "expected"),
    [
        ("county", 10, []),
        ("county", 31, ["list_city"]),
        ("city", 31, []),  # city listing implies county listing
    ],
)
def test_current_supervision_level_counts_as_applied(level, days, expected):
    facts = HazardFacts(state="rectifying", tier="major", deadline=DEADLINE, supervision_level=level,
                        overdue_marked=True, applied=frozenset({"notify_overdue"}))
    assert kinds(evaluate(facts, at(days))) == expected


def test_jumping_straight_past_both_thresholds_returns_county_before_city():
    facts = HazardFacts(state="confirmed", tier="major", deadline=DEADLINE)
    steps = evaluate(facts, at(90))
    assert kinds(steps) == ["mark_overdue", "notify", "list_county", "list_city"]
    assert all(s.days_overdue == 90 for s in steps)


@pytest.mark.parametrize("state", ["submitted", "accepted", "closed"])
@pytest.mark.parametrize("tier", ["general", "major"])
def test_finished_or_submitted_hazards_never_escalate(state, tier):
    facts = HazardFacts(state=state, tier=tier, deadline=DEADLINE)
    assert evaluate(facts, at(365)) == []


@pytest.mark.parametrize("state", ["reported", "confirmed", "rectifying"])
def test_open_hazards_escalate(state):
    assert evaluate(HazardFacts(state=state, tier="general", deadline=DEADLINE), at(1))


def test_no_deadline_no_escalation():
    assert evaluate(HazardFacts(state="reported", tier="major", deadline=None), at(100)) == []


def test_messages_are_chinese_and_name_days_and_deadline():
    steps = evaluate(HazardFacts(state="rectifying", tier="major", deadline=DEADLINE), at(3.2))
    notify = next(s for s in steps if s.kind == "notify")
    assert "重大事故隐患" in notify.message
    assert "3 天" in notify.message
    assert "2026-06-30 17:00" in notify.message  # shown in Beijing time
    assert notify.recipients == ("unit", "supervisor")
    county = next(s for s in steps if s.kind == "list_county")
    assert "挂牌督办" in county.message


def test_timezones_are_compared_as_instants():
    utc_deadline = DEADLINE.astimezone(UTC)  # 09:00 UTC
    facts = HazardFacts(state="rectifying", tier="general", deadline=utc_deadline)
    assert evaluate(facts, datetime(2026, 6, 30, 16, 59, tzinfo=CST)) == []
    assert evaluate(facts, datetime(2026, 6, 30, 9, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("deadline", "now", "field"),
    [
        (datetime(2026, 6, 30, 17, 0), at(1), "deadline"),
        (DEADLINE, datetime(2026, 7, 1, 9, 0), "now"),
        (DEADLINE, "2026-07-01", "now"),
    ],
)
def test_naive_datetimes_are_rejected(deadline, now, field):
    with pytest.raises(ValidationFailed) as exc:
        evaluate(HazardFacts(state="rectifying", tier="general", deadline=deadline), now)
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        (HazardFacts(state="rectifying", tier="huge", deadline=DEADLINE), "tier"),
        (HazardFacts(state="lost", tier="general", deadline=DEADLINE), "state"),
        (HazardFacts(state="rectifying", tier="general", deadline=DEADLINE, supervision_level="province"),
         "supervision_level"),
    ],
)
def test_bad_facts_are_validation_errors(facts, field):
    with pytest.raises(ValidationFailed) as exc:
        evaluate(facts, at(1))
    assert exc.value.field == field


@pytest.mark.parametrize(("days", "expected"), [(-1, None), (0, None), (0.5, 0), (1, 1), (1.99, 1), (30, 30)])
def test_overdue_days_counts_whole_days(days, expected):
    assert overdue_days(DEADLINE, at(days)) == expected


def test_thresholds_come_from_the_config_file(tmp_path):
    import json
    from importlib import resources

    raw = json.loads(resources.files("yingji.hazards").joinpath("config/escalation.json").read_text("utf-8"))
    for rule in raw["rules"]:
        if rule["kind"] == "list_city":
            rule["after_days"]["general"] = 60
    p = tmp_path / "escalation.json"
    p.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    cfg = load_escalation_config(p)
    facts = HazardFacts(state="rectifying", tier="general", deadline=DEADLINE)
    assert "list_city" in kinds(evaluate(facts, at(60), config=cfg))
    assert "list_city" not in kinds(evaluate(facts, at(60)))
