"""Annual inspection planning: frequencies by level, spreading, working days, balance."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest

from yingji.core.errors import ValidationFailed
from yingji.enforcement import planning
from yingji.enforcement.planning import annual_plan, calendar_source, official_calendar, periods, working_days


def _units(n: int, levels=("major", "significant", "general", "low", None), divisions=("350102", "350103")):
    return [{"id": f"U{i:04d}", "level": levels[i % len(levels)], "division_code": divisions[i % len(divisions)]}
            for i in range(n)]


def _by_unit(plan):
    out = defaultdict(list)
    for p in plan:
        out[p.unit_id].append(p)
    return out


@pytest.mark.parametrize(("level", "visits"), [("major", 12), ("significant", 6), ("general", 2), ("low", 1),
                                               (None, 1)])
def test_visits_per_year_follow_the_unit_level(level, visits):
    plan = annual_plan([{"id": 1, "level": level, "division_code": "350102"}], 2026)
    assert len(plan) == visits
    assert [p.sequence for p in plan] == list(range(1, visits + 1))


def test_red_units_are_inspected_more_often_than_blue():
    plan = annual_plan(_units(50), 2026)
    counts = Counter(p.level for p in plan)
    assert counts["major"] / 10 > counts["significant"] / 10 > counts["general"] / 10 > counts["low"] / 10


def test_twelve_visits_fall_one_per_calendar_month():
    plan = annual_plan(_units(40, levels=("major",)), 2026)
    for visits in _by_unit(plan).values():
        assert sorted(v.planned_date.month for v in visits) == list(range(1, 13))


@pytest.mark.parametrize(("n", "months"), [(6, [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12)]),
                                           (2, [(1, 6), (7, 12)])])
def test_fewer_visits_fall_in_equal_groups_of_months(n, months):
    level = {6: "significant", 2: "general"}[n]
    plan = annual_plan(_units(30, levels=(level,)), 2026)
    for visits in _by_unit(plan).values():
        got = sorted(v.planned_date for v in visits)
        for d, (lo, hi) in zip(got, months):
            assert lo <= d.month <= hi


def test_successive_visits_are_spread_apart():
    plan = annual_plan(_units(60, levels=("major",)), 2026)
    for visits in _by_unit(plan).values():
        dates = sorted(v.planned_date for v in visits)
        gaps = [(b - a).days for a, b in zip(dates, dates[1:])]
        assert min(gaps) >= 10


def test_no_visit_on_weekends_or_public_holidays():
    holidays, workdays = official_calendar(2026)
    plan = annual_plan(_units(300), 2026)
    for p in plan:
        assert p.planned_date.year == 2026
        assert p.planned_date not in holidays
        assert p.planned_date.weekday() < 5 or p.planned_date in workdays


@pytest.mark.parametrize(("d", "working"), [
    (date(2026, 1, 1), False),  # 元旦
    (date(2026, 1, 4), True),  # Sunday make-up working day
    (date(2026, 2, 17), False),  # 春节
    (date(2026, 10, 5), False),  # 国庆
    (date(2026, 10, 10), True),  # Saturday make-up working day
    (date(2026, 3, 7), False),  # ordinary Saturday
    (date(2026, 3, 9), True),  # ordinary Monday
])
def test_working_days_use_the_official_calendar(d, working):
    assert (d in set(working_days(2026))) is working


def test_unknown_year_skips_weekends_only():
    days = working_days(2031)
    assert all(d.weekday() < 5 for d in days)
    assert len(days) == 261
    assert calendar_source(2031) == "weekends"


def test_the_calendar_comes_from_chinese_calendar_with_a_local_override(monkeypatch):
    assert calendar_source(2025) == calendar_source(2026) == "chinese-calendar"
    # a year the package does not know yet, announced by the State Council: the local override file
    monkeypatch.setattr(planning, "_overrides", lambda: {"2031": {
        "holidays": ["2031-01-01", "2031-10-01"], "workdays": ["2031-09-28"]}})
    assert calendar_source(2031) == "override"
    days = set(working_days(2031))
    assert date(2031, 1, 1) not in days and date(2031, 10, 1) not in days
    assert date(2031, 9, 28) in days  # a Sunday make-up working day


def test_custom_holidays_override_the_calendar():
    plan = annual_plan([{"id": 1, "level": "low", "division_code": "x"}], 2031,
                       holidays=[d for d in working_days(2031) if d.month < 12], workdays=[])
    assert plan[0].planned_date.month == 12


def test_workload_is_balanced_across_weeks_per_division():
    units = _units(600, levels=("general", "low", "low", "significant"))
    plan = annual_plan(units, 2026, seed=7)
    days = working_days(2026)
    capacity = Counter(d.isocalendar()[:2] for d in days)
    per_div_week = defaultdict(Counter)
    for p in plan:
        per_div_week[p.division_code][p.planned_date.isocalendar()[:2]] += 1
    for counter in per_div_week.values():
        rates = [counter[w] / capacity[w] for w in capacity]
        full_weeks = [counter[w] / capacity[w] for w in capacity if capacity[w] == 5]
        assert max(full_weeks) - min(full_weeks) <= 1.0  # within one visit per day
        assert max(rates) <= 2 * (sum(counter.values()) / len(days)) + 1


def test_plan_is_deterministic_and_seed_dependent():
    units = _units(200)
    a = annual_plan(units, 2026, seed=1)
    b = annual_plan(units, 2026, seed=1)
    c = annual_plan(units, 2026, seed=2)
    assert a == b
    assert a != c
    assert sorted((p.unit_id, p.sequence) for p in a) == sorted((p.unit_id, p.sequence) for p in c)


def test_plan_is_sorted_by_date():
    plan = annual_plan(_units(100), 2026)
    assert [p.planned_date for p in plan] == sorted(p.planned_date for p in plan)


def test_custom_frequencies():
    plan = annual_plan(_units(4, levels=("major", "low")), 2026,
                       frequencies={"major": 4, "significant": 3, "general": 2, "low": 0, None: 0})
    assert Counter(p.level for p in plan) == {"major": 8}
    quarters = sorted((p.planned_date.month - 1) // 3 for p in plan if p.unit_id == "U0000")
    assert quarters == [0, 1, 2, 3]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 12, 24, 52])
def test_periods_cover_the_year_without_gaps(n):
    ps = periods(2026, n)
    assert len(ps) == n
    assert ps[0][0] == date(2026, 1, 1)
    assert ps[-1][1] == date(2027, 1, 1)
    assert all(a[1] == b[0] for a, b in zip(ps, ps[1:]))


def test_52_visits_a_year_land_in_52_distinct_periods_even_over_golden_week():
    plan = annual_plan([{"id": "x", "level": "major", "division_code": "d"}], 2026, frequencies={"major": 52})
    assert len(plan) == 52
    assert len({p.planned_date for p in plan}) == 52


@pytest.mark.parametrize(
    ("units", "year", "field"),
    [
        ([{"id": 1, "level": "purple"}], 2026, "units[0].level"),
        ([{"level": "low"}], 2026, "units[0].id"),
        ([{"id": 1, "level": "low"}, {"id": 1, "level": "low"}], 2026, "units[1].id"),
        ([], "2026", "year"),
        ([], 1800, "year"),
    ],
)
def test_bad_input_is_a_validation_error(units, year, field):
    with pytest.raises(ValidationFailed) as exc:
        annual_plan(units, year)
    assert exc.value.field == field
