"""Annual law-enforcement inspection planning (年度执法检查计划).

Pure and deterministic: the same units, year and seed always give the same plan.

* Frequency: a unit's visits per year come from its risk level (the highest level of its
  risk sources) via ``enforcement/config/inspection_frequency.json`` (default 红 12, 橙 6, 黄 2,
  蓝 1, unrated 1).
* Spreading: the year is cut into ``n`` periods and each visit falls in its own period.
  When ``n`` divides 12 the periods are whole calendar months (12 → one visit per month,
  6 → one every two months, 4 → quarterly, ...); otherwise equal runs of calendar days.
  Successive visits of one unit are at least half a period apart when the calendar allows.
* Working days only: weekends and the official public holidays of that year are skipped,
  official make-up working days (调休上班) are used. The official calendar comes from the
  maintained ``chinese-calendar`` package (the State Council's annual notices); a year the
  package does not know yet can be added, or a date corrected, in the local override file
  ``enforcement/config/holidays.json`` (a year in neither: weekends only, and
  :func:`calendar_source` says so). Both lists can be overridden with ``holidays=`` / ``workdays=``.
* Workload: each visit goes to the working day in its period whose ISO week carries the
  smallest load *per working day* for the unit's division (each division's team is
  balanced separately); ties go to the day nearest the unit's own phase in the period
  (a seeded offset, so units do not all pile onto the first day), then to the lighter day.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed
from yingji.enforcement.catalog import load_inspection_frequencies

__all__ = ["PlannedInspection", "annual_plan", "calendar_source", "official_calendar", "periods", "working_days"]


@dataclass(frozen=True, slots=True)
class PlannedInspection:
    unit_id: Any  # the id given in the input
    planned_date: date
    sequence: int  # 1..n: the unit's k-th visit of the year
    division_code: str
    level: str | None  # unit risk level the frequency came from


@lru_cache(maxsize=1)
def _overrides() -> dict[str, Any]:
    return dict(read_config("yingji.enforcement", "holidays.json").get("years", {}))


def _package_calendar(year: int) -> tuple[frozenset[date], frozenset[date]] | None:
    """The year's holidays and make-up working days from chinese-calendar, or None if it has no data."""
    import chinese_calendar

    holidays = frozenset(d for d in chinese_calendar.holidays if d.year == year)
    workdays = frozenset(d for d in chinese_calendar.workdays if d.year == year)
    return (holidays, workdays) if holidays else None


def calendar_source(year: int) -> str:
    """Where the year's official calendar comes from: ``override``, ``chinese-calendar`` or ``weekends``."""
    if str(year) in _overrides():
        return "override"
    return "chinese-calendar" if _package_calendar(year) is not None else "weekends"


def official_calendar(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, make-up working days) of ``year``: local override, else chinese-calendar, else none."""
    entry = _overrides().get(str(year))
    if entry:
        return (frozenset(date.fromisoformat(d) for d in entry.get("holidays", [])),
                frozenset(date.fromisoformat(d) for d in entry.get("workdays", [])))
    return _package_calendar(year) or (frozenset(), frozenset())


def working_days(
    year: int, *, holidays: Iterable[date] | None = None, workdays: Iterable[date] | None = None
) -> list[date]:
    """Working days of ``year``: Mon–Fri minus holidays, plus make-up working days.

    ``None`` means "use the official calendar of that year" for each list.
    """
    off_h, off_w = official_calendar(year)
    hol = set(off_h if holidays is None else holidays)
    extra = set(off_w if workdays is None else workdays)
    d, end = date(year, 1, 1), date(year + 1, 1, 1)
    out = []
    while d < end:
        if (d.weekday() < 5 and d not in hol) or d in extra:
            out.append(d)
        d += timedelta(days=1)
    return out


def periods(year: int, n: int) -> list[tuple[date, date]]:
    """``n`` consecutive half-open periods ``[start, end)`` covering the year."""
    if n <= 0:
        return []
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    if 12 % n == 0:
        step = 12 // n
        bounds = [date(year, 1 + k * step, 1) for k in range(n)] + [end]
    else:
        total = (end - start).days
        bounds = [start + timedelta(days=(k * total) // n) for k in range(n)] + [end]
    return [(bounds[k], bounds[k + 1]) for k in range(n)]


def _validate(units: Sequence[Mapping[str, Any]], freq: Mapping[str | None, int]) -> None:
    seen: set[Any] = set()
    for i, u in enumerate(units):
        if not isinstance(u, Mapping) or u.get("id") is None:
            raise ValidationFailed(f"第 {i + 1} 个单位缺少 id", field=f"units[{i}].id", code="invalid_unit")
        if u["id"] in seen:
            raise ValidationFailed(f"单位 id “{u['id']}”重复", field=f"units[{i}].id", code="duplicate_unit")
        seen.add(u["id"])
        level = u.get("level")
        if level not in freq:
            known = "、".join(str(k) for k in freq if k is not None)
            raise ValidationFailed(
                f"单位“{u['id']}”的风险等级“{level}”无对应检查频次，可选：{known}或空（未评级）",
                field=f"units[{i}].level",
                code="unknown_level",
            )


def annual_plan(
    units: Sequence[Mapping[str, Any]],
    year: int,
    *,
    frequencies: Mapping[str | None, int] | None = None,
    seed: int = 0,
    holidays: Iterable[date] | None = None,
    workdays: Iterable[date] | None = None,
) -> list[PlannedInspection]:
    """Plan every unit's inspections for ``year``.

    Args:
        units: plain dicts ``{"id", "level" (major|significant|general|low|None), "division_code"}``.
        year: calendar year.
        frequencies: visits per year by level key (``None`` key = unrated units); default
            from ``inspection_frequency.json``. A level missing from the mapping is an error.
        seed: tie-break seed (the plan is a pure function of its inputs and the seed).
        holidays / workdays: override the official calendar (see :func:`working_days`).

    Returns:
        Inspections sorted by date, division, unit id, sequence.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        raise ValidationFailed("年度必须是 1900–2200 之间的整数", field="year", code="invalid_year")
    freq: dict[str | None, int] = dict(load_inspection_frequencies() if frequencies is None else frequencies)
    for key, n in freq.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValidationFailed(f"等级“{key}”的检查频次必须是非负整数", field="frequencies", code="invalid_frequency")
    _validate(units, freq)

    days = working_days(year, holidays=holidays, workdays=workdays)
    if not days:
        raise ValidationFailed(f"{year} 年没有可安排的工作日", field="year", code="no_working_days")
    week_of = {d: d.isocalendar()[:2] for d in days}
    week_capacity: dict[tuple[int, int], int] = defaultdict(int)
    for d in days:
        week_capacity[week_of[d]] += 1

    rng = random.Random(seed)
    order = list(range(len(units)))
    rng.shuffle(order)
    phase = {i: rng.random() for i in order}
    order.sort(key=lambda i: -freq[units[i].get("level")])  # stable: most visits first

    week_load: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    day_load: dict[tuple[str, date], int] = defaultdict(int)
    period_cache: dict[int, list[tuple[date, date, list[date]]]] = {}

    def period_days(n: int) -> list[tuple[date, date, list[date]]]:
        if n not in period_cache:
            out = []
            for start, end in periods(year, n):
                cands = [d for d in days if start <= d < end]
                if not cands:  # e.g. a period falling inside the National Day holiday
                    nearest = min(days, key=lambda d: (abs((d - start).days), d))
                    cands = [nearest]
                out.append((start, end, cands))
            period_cache[n] = out
        return period_cache[n]

    plan: list[PlannedInspection] = []
    for i in order:
        unit = units[i]
        level = unit.get("level")
        n = freq[level]
        if n == 0:
            continue
        div = str(unit.get("division_code") or "")
        prev: date | None = None
        for seq, (start, end, cands) in enumerate(period_days(n), start=1):
            span = (end - start).days
            ideal = start + timedelta(days=int(phase[i] * span))
            pool = cands
            if prev is not None:
                spaced = [d for d in cands if (d - prev).days >= span // 2]
                pool = spaced or cands

            def cost(d: date) -> tuple[float, int, int, date]:
                wk = week_of[d]
                return ((week_load[(div, wk)] + 1) / week_capacity[wk], abs((d - ideal).days),
                        day_load[(div, d)], d)

            best = min(pool, key=cost)
            week_load[(div, week_of[best])] += 1
            day_load[(div, best)] += 1
            prev = best
            plan.append(PlannedInspection(unit["id"], best, seq, div, level))

    plan.sort(key=lambda p: (p.planned_date, p.division_code, str(p.unit_id), p.sequence))
    return plan
