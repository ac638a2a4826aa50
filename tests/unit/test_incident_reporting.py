"""Report deadline timers (首报 1 h, each level up 2 h, 续报, 终报) computed from a given clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from yingji.incidents.reporting import Submitted, chain, next_due, schedule, timeliness

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
H = timedelta(hours=1)
M = timedelta(minutes=1)


def test_chain_by_grade():
    assert chain("general") == ["county", "city"]
    assert chain("larger") == ["county", "city", "province"]
    assert chain("major") == ["county", "city", "province", "state"]
    assert chain("especially_major") == ["county", "city", "province", "state"]


def test_first_report_due_within_one_hour_and_overdue_after():
    items = schedule(grade="general", risk_flagged=False, received_at=T0, submitted=[], closed_at=None,
                     now=T0 + 59 * M)
    first = items[0]
    assert (first.kind, first.level, first.due_at, first.overdue) == ("first", "county", T0 + H, False)
    # the city's deadline runs from the county's deadline while the county has not reported
    assert (items[1].level, items[1].due_at) == ("city", T0 + 3 * H)
    later = schedule(grade="general", risk_flagged=False, received_at=T0, submitted=[], closed_at=None,
                     now=T0 + H + M)
    assert later[0].overdue and not later[1].overdue
    # exactly on the deadline is in time
    at_bound = schedule(grade="general", risk_flagged=False, received_at=T0, submitted=[], closed_at=None, now=T0 + H)
    assert not at_bound[0].overdue


def test_level_up_runs_from_the_lower_levels_submission():
    sub = [Submitted("first", "county", T0 + 20 * M)]
    items = schedule(grade="general", risk_flagged=False, received_at=T0, submitted=sub, closed_at=None, now=T0)
    assert items[0].submitted_at == T0 + 20 * M and items[0].on_time
    assert items[1].due_at == T0 + 20 * M + 2 * H


def test_larger_goes_straight_to_the_province_within_one_hour():
    items = schedule(grade="larger", risk_flagged=False, received_at=T0, submitted=[], closed_at=None, now=T0)
    province = next(d for d in items if d.level == "province")
    assert province.due_at == T0 + H


def test_major_reaches_the_state_council_two_hours_after_the_province():
    sub = [Submitted("first", "county", T0 + 10 * M), Submitted("first", "city", T0 + 30 * M),
           Submitted("first", "province", T0 + 50 * M)]
    items = schedule(grade="major", risk_flagged=False, received_at=T0, submitted=sub, closed_at=None, now=T0 + H)
    state = next(d for d in items if d.level == "state")
    assert state.due_at == T0 + 50 * M + 2 * H and not state.overdue


def test_followups_daily_for_general_twice_daily_for_major():
    sub = [Submitted("first", "county", T0 + 30 * M)]
    general = schedule(grade="general", risk_flagged=False, received_at=T0, submitted=sub, closed_at=None, now=T0 + H)
    major = schedule(grade="major", risk_flagged=False, received_at=T0, submitted=sub, closed_at=None, now=T0 + H)
    assert next(d for d in general if d.kind == "followup").due_at == T0 + 30 * M + 24 * H
    assert next(d for d in major if d.kind == "followup").due_at == T0 + 30 * M + 12 * H


def test_followup_chain_counts_each_submission_and_flags_the_missing_one():
    sub = [Submitted("first", "county", T0), Submitted("followup", "county", T0 + 20 * H),
           Submitted("followup", "county", T0 + 50 * H)]
    now = T0 + 80 * H
    items = schedule(grade="general", risk_flagged=False, received_at=T0, submitted=sub, closed_at=None, now=now)
    follow = [d for d in items if d.kind == "followup"]
    assert [d.due_at for d in follow] == [T0 + 24 * H, T0 + 44 * H, T0 + 74 * H]
    assert [d.late for d in follow] == [False, True, False]
    assert follow[-1].overdue
    assert (next_due(items).level, next_due(items).due_at) == ("city", T0 + 2 * H)  # the earliest still open
    on_time, counted = timeliness(items, now)
    assert (on_time, counted) == (2, 5)  # first county on time, city overdue, followups: ok, late, overdue


def test_final_report_due_after_closing():
    sub = [Submitted("first", "county", T0 + 10 * M), Submitted("first", "city", T0 + H)]
    closed = T0 + 5 * H
    items = schedule(grade="general", risk_flagged=False, received_at=T0, submitted=sub, closed_at=closed,
                     now=closed + 25 * H)
    final = items[-1]
    assert (final.kind, final.due_at, final.overdue) == ("final", closed + 24 * H, True)
    assert not any(d.kind == "followup" for d in items)  # closed before the first follow-up fell due
