"""Fire-alarm grades (火警等级) and what each grade dispatches (等级调派) — pure rules, no ORM.

Five grades, 1 lowest … 5 highest, coloured 绿/蓝/黄/橙/红, set by trapped persons, burning area
and building type; the highest grade reached by any criterion wins; each grade × incident type
has a dispatch plan (unit types and counts); a grade may be raised, never lowered
(《火警和应急救援分级规定(试行)》, ../shared/reference/domain-rules.md §3). The thresholds and
counts are data (``dispatch/config/dispatch.json``), not code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from yingji.core.configfiles import read_config


@dataclass(frozen=True)
class GradeResult:
    grade: int
    basis: list[str] = field(default_factory=list)  # why, in Chinese, one line per criterion that counted


class GradeLowered(ValueError):
    """A grade may be raised, never lowered."""


@lru_cache(maxsize=4)
def dispatch_config(path: str | None = None) -> dict[str, Any]:
    cfg = read_config("yingji.dispatch", "dispatch.json", Path(path) if path else None)
    if sorted(g["grade"] for g in cfg["grades"]) != [1, 2, 3, 4, 5]:
        raise ValueError("dispatch.json: grades must be 1..5")
    for itype, table in cfg["requirements"].items():
        if itype not in cfg["incident_types"]:
            raise ValueError(f"dispatch.json: requirements for unknown incident type {itype}")
        for grade, req in table.items():
            unknown = set(req) - set(cfg["unit_types"])
            if unknown:
                raise ValueError(f"dispatch.json: {itype}/{grade} names unknown unit types {sorted(unknown)}")
    return cfg


def grade_label(grade: int, cfg: dict[str, Any] | None = None) -> str:
    cfg = cfg or dispatch_config()
    return next(g["label"] for g in cfg["grades"] if g["grade"] == grade)


def _step(value: float, thresholds: list[list[float]]) -> int:
    out = 1
    for bound, grade in thresholds:
        if value >= bound:
            out = max(out, int(grade))
    return out


def fire_grade(trapped: int = 0, area_m2: float = 0.0, building_type: str | None = None,
               cfg: dict[str, Any] | None = None) -> GradeResult:
    """The grade the rules give: the highest of the trapped-persons, area and building-type grades."""
    cfg = cfg or dispatch_config()
    if trapped < 0 or area_m2 < 0:
        raise ValueError("被困人数和燃烧面积不能为负数")
    basis: list[str] = []
    grade = 1
    by_trapped = _step(trapped, cfg["trapped_thresholds"])
    if by_trapped > 1:
        basis.append(f"被困 {trapped} 人 → {grade_label(by_trapped, cfg)}")
    by_area = _step(area_m2, cfg["area_thresholds_m2"])
    if by_area > 1:
        basis.append(f"燃烧（受灾）面积 {area_m2:g} m² → {grade_label(by_area, cfg)}")
    by_building = 1
    if building_type:
        bt = cfg["building_types"].get(building_type)
        if bt is None:
            raise ValueError(f"未知的建筑类型：{building_type}")
        by_building = int(bt["min_grade"])
        if by_building > 1:
            basis.append(f"{bt['label']} → 不低于{grade_label(by_building, cfg)}")
    grade = max(grade, by_trapped, by_area, by_building)
    if not basis:
        basis.append(f"无被困人员、面积小、一般建筑 → {grade_label(1, cfg)}")
    return GradeResult(grade=grade, basis=basis)


def settle_grade(computed: int, requested: int | None, current: int | None = None) -> int:
    """The grade to use: the dispatcher may raise it above what the rules give (or above the grade
    already set), never lower it. Raises :class:`GradeLowered` with the Chinese reason."""
    floor = max(computed, current or 1)
    if requested is None:
        return floor
    if not 1 <= requested <= 5:
        raise ValueError("火警等级为 1–5 级")
    if requested < floor:
        why = "当前等级" if current is not None and current >= computed else "按规则研判的等级"
        raise GradeLowered(f"火警等级只能提升、不能降低：{why}为 {floor} 级，不能改为 {requested} 级")
    return requested


def requirements(incident_type: str, grade: int, building_type: str | None = None,
                 cfg: dict[str, Any] | None = None) -> dict[str, int]:
    """Unit type → count the grade dispatches for the incident type (plus the building type's extras)."""
    cfg = cfg or dispatch_config()
    table = cfg["requirements"].get(incident_type)
    if table is None:
        raise ValueError(f"未知的事件类型：{incident_type}")
    out = dict(table[str(grade)])
    if building_type and incident_type == "fire":
        for unit_type, n in cfg["building_types"].get(building_type, {}).get("extra", {}).items():
            out[unit_type] = out.get(unit_type, 0) + int(n)
    return out


def merge_plan(graded: dict[str, int], plan: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Combine the graded requirements with a contingency plan's resources (预案调派): for each unit
    type the larger count wins; every row says where it comes from."""
    plan_counts: dict[str, int] = {}
    notes: dict[str, str] = {}
    for row in plan:
        t = str(row.get("unit_type", ""))
        plan_counts[t] = plan_counts.get(t, 0) + int(row.get("count", 0) or 0)
        if row.get("note"):
            notes[t] = str(row["note"])
    out = []
    for t in list(graded) + [t for t in plan_counts if t not in graded]:
        g, p = graded.get(t, 0), plan_counts.get(t, 0)
        source = "grade+plan" if g and p else ("grade" if g else "plan")
        out.append({"unit_type": t, "count": max(g, p), "source": source, "note": notes.get(t, "")})
    return [r for r in out if r["count"] > 0]
