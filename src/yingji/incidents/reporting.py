"""Report deadlines (信息报送时限) — pure: from the incident's facts and a given clock, what is due when.

Rules (``data/grading.json`` → ``reporting``; 条例 第九、十、十二条):

* 首报 to the county authority within ``first_report_minutes`` (60) of the call;
* each level up within ``level_up_minutes`` (120) of the level below receiving it (or, while it has
  not, of that level's own deadline), up to the grade's top level (一般 → 市, 较大 → 省,
  重大/特别重大 → 国务院); 较大 and above also straight to the province within
  ``direct_to_province_minutes`` (60) of the call;
* 续报 while the incident is open: every ``followup_hours_by_grade`` hours (24 for 一般/较大/较大涉险,
  12 for 重大/特别重大) after the latest first or follow-up report submitted;
* 终报 within ``final_report_hours_after_close`` of closing (a platform convention, configurable).

:func:`schedule` answers one :class:`Due` per expected report; each says whether a submitted report
fulfils it, and whether it is overdue at ``now``. Nothing reads the system clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from yingji.incidents.grading import grading_rules

KIND_LABELS = {"first": "首报", "followup": "续报", "final": "终报"}


@dataclass(frozen=True)
class Submitted:
    """A report already submitted: its kind, the level it went to, when."""

    kind: str
    level: str
    submitted_at: datetime


@dataclass(frozen=True)
class Due:
    kind: str
    level: str
    due_at: datetime
    submitted_at: datetime | None
    overdue: bool
    late: bool

    @property
    def on_time(self) -> bool | None:
        return None if self.submitted_at is None else not self.late

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "kind_label": KIND_LABELS[self.kind], "level": self.level,
                "level_label": level_label(self.level), "due_at": self.due_at, "submitted_at": self.submitted_at,
                "overdue": self.overdue, "late": self.late}


def level_label(key: str, rules: Mapping[str, Any] | None = None) -> str:
    rules = rules or grading_rules()
    return next((lv["label"] for lv in rules["reporting"]["levels"] if lv["key"] == key), key)


def chain(grade: str, rules: Mapping[str, Any] | None = None) -> list[str]:
    """The levels a first report goes through for this grade, county first."""
    rep = (rules or grading_rules())["reporting"]
    keys = [lv["key"] for lv in rep["levels"]]
    top = rep["top_level_by_grade"].get(grade, keys[1])
    return keys[: keys.index(top) + 1]


def _rank(grade: str, rules: Mapping[str, Any]) -> int:
    return next((g["rank"] for g in rules["grades"] if g["key"] == grade), 1)


def schedule(*, grade: str, risk_flagged: bool, received_at: datetime, submitted: Iterable[Submitted],
             closed_at: datetime | None, now: datetime, rules: Mapping[str, Any] | None = None) -> list[Due]:
    rules = rules or grading_rules()
    rep = rules["reporting"]
    done = sorted(submitted, key=lambda s: s.submitted_at)

    def first_submission(kind: str, level: str, after: datetime | None = None) -> datetime | None:
        return next((s.submitted_at for s in done if s.kind == kind and s.level == level
                     and (after is None or s.submitted_at > after)), None)

    def due(kind: str, level: str, at: datetime, sub: datetime | None) -> Due:
        late = sub is not None and sub > at
        return Due(kind, level, at, sub, overdue=sub is None and now > at, late=late)

    out: list[Due] = []
    previous: Due | None = None
    for level in chain(grade, rules):
        if previous is None:
            at = received_at + timedelta(minutes=rep["first_report_minutes"])
        else:
            base = previous.submitted_at or previous.due_at
            at = base + timedelta(minutes=rep["level_up_minutes"])
            if level == "province" and _rank(grade, rules) >= rep["direct_to_province_min_rank"]:
                at = min(at, received_at + timedelta(minutes=rep["direct_to_province_minutes"]))
        previous = due("first", level, at, first_submission("first", level))
        out.append(previous)

    # 续报: the county-level cycle (each level forwards it like the first report)
    hours = rep["followup_hours_by_grade"].get(grade, 24)
    if risk_flagged:
        hours = min(hours, rep["followup_hours_risk_flagged"])
    last = out[0].submitted_at
    end = closed_at or now
    while last is not None:
        at = last + timedelta(hours=hours)
        if at > end and closed_at is not None:
            break  # closed before the next follow-up fell due: the final report takes over
        sub = first_submission("followup", "county", after=last)
        out.append(due("followup", "county", at, sub))
        if sub is None or at > now:
            break
        last = sub
    if closed_at is not None:
        at = closed_at + timedelta(hours=rep["final_report_hours_after_close"])
        out.append(due("final", "county", at, first_submission("final", "county")))
    return out


def next_due(items: Iterable[Due]) -> Due | None:
    """The earliest item still to submit (overdue ones first by their deadline)."""
    open_items = [d for d in items if d.submitted_at is None]
    return min(open_items, key=lambda d: d.due_at) if open_items else None


def timeliness(items: Iterable[Due], now: datetime) -> tuple[int, int]:
    """(on time, counted): submitted on time vs everything that fell due by ``now``."""
    counted = [d for d in items if d.submitted_at is not None or d.due_at <= now]
    return sum(1 for d in counted if d.submitted_at is not None and not d.late), len(counted)
