"""Accident grade (事故等级), 较大涉险 flags and response level (响应级别) — pure rules.

Every threshold comes from ``data/grading.json`` (sources cited there), so a bureau can change the
table without touching code. Conventions (《生产安全事故报告和调查处理条例》第三条):

* a threshold is an "以上" bound and includes its number (>=); "以下" excludes it, which is the same
  thing seen from the grade below (2 deaths = 一般, 3 deaths = 较大);
* the highest grade reached by ANY criterion (deaths, seriously injured, direct loss) wins;
* 较大涉险 is a separate flag list (any one met), not a grade;
* response level Ⅰ–Ⅳ: the first level (highest first) one of whose ``any`` thresholds is met; Ⅳ is
  the catch-all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["GRADE_KEYS", "Counts", "GradeResult", "grade", "grade_label", "grading_rules"]

GRADE_KEYS = ("general", "larger", "major", "especially_major")


@cache
def grading_rules() -> dict[str, Any]:
    """The rules file shipped with the package (read once)."""
    return json.loads(resources.files("yingji.incidents").joinpath("data/grading.json").read_text("utf-8"))


@dataclass(frozen=True)
class Counts:
    """What the grade depends on. ``loss_wan``: direct economic loss in 万元."""

    dead: int = 0
    missing: int = 0
    seriously_injured: int = 0
    injured: int = 0
    trapped: int = 0
    endangered: int = 0
    evacuated: int = 0
    hospitalised: int = 0
    relocated: int = 0
    loss_wan: float = 0.0
    pollution: bool = False
    key_facility: bool = False

    def value(self, name: str) -> float:
        if name == "dead_or_missing":
            return self.dead + self.missing
        if name == "trapped_or_missing":
            return self.trapped + self.missing
        return float(getattr(self, name))


@dataclass(frozen=True)
class GradeResult:
    grade: str
    grade_label: str
    reasons: list[str]
    risk_flags: list[str] = field(default_factory=list)
    risk_flag_labels: list[str] = field(default_factory=list)
    response_level: str = "IV"
    response_label: str = "Ⅳ级"

    def to_dict(self) -> dict[str, Any]:
        return {"grade": self.grade, "grade_label": self.grade_label, "reasons": self.reasons,
                "risk_flags": self.risk_flags, "risk_flag_labels": self.risk_flag_labels,
                "response_level": self.response_level, "response_label": self.response_label}


_CRITERIA = (("deaths", "dead", "死亡{n}人"), ("seriously_injured", "seriously_injured", "重伤（含急性工业中毒）{n}人"),
             ("loss_wan", "loss_wan", "直接经济损失{n}万元"))


def grade_label(key: str, rules: Mapping[str, Any] | None = None) -> str:
    rules = rules or grading_rules()
    return next((g["label"] for g in rules["grades"] if g["key"] == key), key)


def grade(counts: Counts, rules: Mapping[str, Any] | None = None) -> GradeResult:
    """The grade the counts reach (highest criterion wins), the 较大涉险 flags and the response level."""
    rules = rules or grading_rules()
    grades = sorted(rules["grades"], key=lambda g: -g["rank"])
    chosen = grades[-1]
    reasons: list[str] = []
    for g in grades:
        met = [text.format(n=_fmt(counts.value(attr))) for key, attr, text in _CRITERIA
               if g[key] > 0 and counts.value(attr) >= g[key]]
        if met:
            chosen, reasons = g, [f"{m}（{g['label']}：{_bound(g, k)}）" for m, k in zip(met, _met_keys(g, counts))]
            break
    flags = [f for f in rules["risk_flags"] if counts.value(f["field"]) >= f["min"]]
    level = _response(counts, rules)
    return GradeResult(grade=chosen["key"], grade_label=chosen["label"], reasons=reasons,
                       risk_flags=[f["key"] for f in flags], risk_flag_labels=[f["label"] for f in flags],
                       response_level=level["key"], response_label=level["label"])


def _met_keys(g: Mapping[str, Any], counts: Counts) -> list[str]:
    return [key for key, attr, _ in _CRITERIA if g[key] > 0 and counts.value(attr) >= g[key]]


def _bound(g: Mapping[str, Any], key: str) -> str:
    unit = {"deaths": "人", "seriously_injured": "人", "loss_wan": "万元"}[key]
    return f"{_fmt(g[key])}{unit}以上"


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _response(counts: Counts, rules: Mapping[str, Any]) -> Mapping[str, Any]:
    levels = sorted(rules["response_levels"], key=lambda lv: -lv["rank"])
    for lv in levels:
        if any(counts.value(name) >= bound for name, bound in lv["any"].items()):
            return lv
    return levels[-1]
