"""Synthetic risk sources (风险点/危险源) for the Fuzhou demo — reproducible, labelled 合成.

``generate_sources(units, townships, seed=..., n_sources=...)`` gives exactly ``n_sources`` (default
8,860) risk sources of the given units, covering all 42 subclasses of the taxonomy, each scored
with :func:`yingji.risk.grading.lec` or :func:`~yingji.risk.grading.ls` (factors drawn so that few
are red, more orange, many yellow/blue), placed near their unit inside its township. Also the
unit risk levels that follow (:func:`unit_levels`). A pure function of its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely

from yingji.core.errors import ValidationFailed
from yingji.core.synthetic import geo_point, pick, township_geometries, weighted
from yingji.risk.catalog import default_taxonomy
from yingji.risk.grading import LEVEL_KEYS, default_grading_config, lec, level_info, ls, unit_level

__all__ = ["generate_sources", "needed_industries", "unit_levels"]

# demo-only shaping constants, not business rules
_EXTRA_SOURCES = {"hazchem": 3.0, "metallurgy": 3.0, "mining": 2.0, "port": 2.0, "gas": 2.0,
                  "construction": 1.5, "industry_trade": 1.2}

# level mix per taxonomy class: (major, significant, general, low)
_LEVEL_MIX = {"A": (0.05, 0.17, 0.38, 0.40), "B": (0.02, 0.10, 0.35, 0.53), "C": (0.03, 0.12, 0.35, 0.50)}


def needed_industries() -> list[str]:
    """Industries that own at least one risk subclass (the unit generator covers each)."""
    return sorted({ind for s in default_taxonomy().subclasses for ind in s.industries})


def generate_sources(units: Sequence[Mapping[str, Any]], townships: Sequence[Mapping[str, Any]], *,
                     seed: int = 20261128, n_sources: int = 8860) -> list[dict[str, Any]]:
    """Sources as plain dicts (``unit_index`` = position of the owner in ``units``, ``level``, ``factors``…)."""
    taxonomy = default_taxonomy()
    if n_sources < len(taxonomy.subclasses):
        raise ValidationFailed(f"风险源数量至少为 {len(taxonomy.subclasses)}（覆盖全部小类）", field="n_sources",
                               code="too_small")
    missing = sorted(set(needed_industries()) - {u["industry"] for u in units})
    if missing:
        raise ValidationFailed(f"缺少这些行业的单位：{'、'.join(missing)}", field="units", code="too_small")
    towns = township_geometries(townships)
    rng = np.random.default_rng([seed, 1])
    sources: list[dict[str, Any]] = []
    _make_sources(sources, list(units), rng, towns, taxonomy, n_sources)
    return sources


def unit_levels(units: Sequence[Mapping[str, Any]], sources: Sequence[Mapping[str, Any]]) -> list[str | None]:
    """Each unit's risk level (the highest of its sources), in the order of ``units``."""
    levels_by_unit: dict[int, list[str]] = {}
    for s in sources:
        levels_by_unit.setdefault(s["unit_index"], []).append(s["level"])
    return [unit_level(levels_by_unit.get(i, [])) for i in range(len(units))]


def _level_combos() -> tuple[dict[str, list[tuple[float, ...]]], dict[str, list[tuple[int, ...]]]]:
    cfg = default_grading_config()
    lec_by: dict[str, list[tuple[float, ...]]] = {k: [] for k in LEVEL_KEYS}
    for lv in cfg.lec_factors["l"]:
        for ev in cfg.lec_factors["e"]:
            for cv in cfg.lec_factors["c"]:
                lec_by.setdefault(lec(lv.value, ev.value, cv.value).level, []).append((lv.value, ev.value, cv.value))
    ls_by: dict[str, list[tuple[int, ...]]] = {k: [] for k in LEVEL_KEYS}
    for lv in cfg.ls_factors["l"]:
        for sv in cfg.ls_factors["s"]:
            ls_by.setdefault(ls(int(lv.value), int(sv.value)).level, []).append((int(lv.value), int(sv.value)))
    return lec_by, ls_by


def _make_sources(out: list[dict[str, Any]], units: list[Mapping[str, Any]], rng: np.random.Generator,
                  towns: list[tuple[dict[str, Any], Any]], taxonomy: Any, n_sources: int) -> None:
    subclasses = list(taxonomy.subclasses)
    class_names = {c.code: c.name for c in taxonomy.classes}
    by_industry: dict[str, list[Any]] = {}
    for s in subclasses:
        for ind in s.industries:
            by_industry.setdefault(ind, []).append(s)
    units_by_ind: dict[str, list[int]] = {}
    for u in units:
        units_by_ind.setdefault(u["industry"], []).append(u["index"])

    owners: list[tuple[int, Any]] = []  # (unit index, subclass)
    has_source: set[int] = set()
    # 1. every subclass at least once
    for s in subclasses:
        cands = [i for ind in s.industries for i in units_by_ind.get(ind, []) if i not in has_source]
        if not cands:
            cands = [i for ind in s.industries for i in units_by_ind.get(ind, [])]
        ui = int(cands[int(rng.integers(len(cands)))])
        owners.append((ui, s))
        has_source.add(ui)
    # 2. every other unit gets one source while the budget lasts
    rest = [u["index"] for u in units if u["index"] not in has_source]
    rng.shuffle(rest)
    for ui in rest[: max(n_sources - len(owners), 0)]:
        owners.append((int(ui), pick(rng, by_industry[units[ui]["industry"]])))
    # 3. the remainder weighted towards high-hazard industries
    remaining = n_sources - len(owners)
    if remaining > 0:
        w = np.array([_EXTRA_SOURCES.get(u["industry"], 1.0) for u in units])
        for ui in rng.choice(len(units), size=remaining, p=w / w.sum()):
            owners.append((int(ui), pick(rng, by_industry[units[int(ui)]["industry"]])))

    lec_by, ls_by = _level_combos()
    town_geom = {str(t["code"]): g for t, g in towns}
    # locations near the owner, kept inside the owner's township
    base = np.array([units[ui]["location"]["coordinates"] for ui, _ in owners])
    cand = base + rng.normal(0.0, 0.002, size=base.shape)
    inside = np.zeros(len(owners), dtype=bool)
    codes = np.array([units[ui]["township_code"] for ui, _ in owners])
    for code, geom in town_geom.items():
        mask = codes == code
        if mask.any():
            inside[mask] = shapely.contains_xy(geom, cand[mask, 0], cand[mask, 1])
    coords = np.where(inside[:, None], cand, base)

    for j, (ui, sub) in enumerate(owners):
        unit = units[ui]
        level_target = weighted(rng, list(zip(LEVEL_KEYS, _LEVEL_MIX[sub.class_code])))
        if sub.method == "lec":
            combos = lec_by[level_target] or [c for v in lec_by.values() for c in v]
            lv, ev, cv = combos[int(rng.integers(len(combos)))]
            res = lec(lv, ev, cv)
            factors: dict[str, float] = {"l": lv, "e": ev, "c": cv}
            score, band, band_label, level = res.d, res.band, res.band_label, res.level
        else:
            combos2 = ls_by[level_target] or [c for v in ls_by.values() for c in v]
            lv2, sv2 = combos2[int(rng.integers(len(combos2)))]
            res2 = ls(lv2, sv2)
            factors = {"l": lv2, "s": sv2}
            score, band, band_label, level = res2.r, None, None, res2.level
        info = level_info(level)
        out.append({
            "id": f"S{j + 1:05d}",
            "index": j,
            "code": f"FX-{sub.code}-{j + 1:05d}",
            "name": f"{unit['name']}{pick(rng, sub.typical_sources) if sub.typical_sources else sub.name}",
            "class_code": sub.class_code,
            "class_name": class_names[sub.class_code],
            "subclass_code": sub.code,
            "subclass_name": sub.name,
            "industry": unit["industry"],
            "unit_index": ui,
            "unit_id": unit["id"],
            "township_code": unit["township_code"],
            "county_code": unit["county_code"],
            "location": geo_point(*coords[j]),
            "method": sub.method,
            "factors": factors,
            "score": score,
            "band": band,
            "band_label": band_label,
            "level": level,
            "level_label": info.label,
            "colour": info.colour,
            "synthetic": True,
        })
    levels_by_unit: dict[int, list[str]] = {}
    for s in out:
        levels_by_unit.setdefault(s["unit_index"], []).append(s["level"])
    for u in units:
        lv_list = levels_by_unit.get(u["index"], [])
        u["risk_level"] = unit_level(lv_list)
        u["source_count"] = len(lv_list)


