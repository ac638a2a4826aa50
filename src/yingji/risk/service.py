"""Reads of the risk domain: lists, single records, the city risk map and statistics.

Every query goes through :func:`yingji.core.scope.scoped` / :func:`get_scoped`. The map and
the statistics are SQL ``GROUP BY`` aggregates (indexes ``(division_code, level)`` and
``(level, division_code)`` on ``risk_sources``), never a Python loop over rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.divisions import Division
from yingji.core.errors import ValidationFailed
from yingji.core.listing import ListSpec, eq, null_or_eq, within_division
from yingji.core.scope import get_scoped, scope_clause, scope_prefix, scoped
from yingji.risk.catalog import default_taxonomy
from yingji.risk.grading import LEVEL_KEYS
from yingji.risk.models import ControlMeasure, RiskAssessment, RiskSource
from yingji.risk.schemas import SourceQuery
from yingji.units.catalog import industry_names
from yingji.units.models import Unit
from yingji.units.service import get_unit

MAX_POINTS = 50_000
UNASSESSED = "unassessed"

SOURCES = ListSpec(
    model=RiskSource,
    query=SourceQuery,
    filters={"class_code": eq(RiskSource.class_code), "subclass_code": eq(RiskSource.subclass_code),
             "level": null_or_eq(RiskSource.level, UNASSESSED), "industry": eq(RiskSource.industry),
             "division": within_division(RiskSource.division_code), "unit_id": eq(RiskSource.unit_id)},
    sorts={"id": RiskSource.id, "code": RiskSource.code, "name": RiskSource.name,
           "subclass_code": RiskSource.subclass_code, "level": RiskSource.level, "score": RiskSource.score,
           "division_code": RiskSource.division_code, "updated_at": RiskSource.updated_at},
    labels={"code": "编号", "name": "名称", "subclass_code": "风险小类", "level": "等级", "score": "分值",
            "division_code": "区划", "updated_at": "更新时间"},
    default_sort=("id",),
)


def source_conditions(**filters: Any) -> list[Any]:
    """SQL conditions of the source filters (the same declarations as the list uses)."""
    return SOURCES.conditions(SourceQuery.model_construct(**filters))


def sources_query(principal: Principal, **filters: Any) -> Select[Any]:
    return SOURCES.select(principal, SourceQuery.model_construct(**filters))


def get_source(db: Session, *, principal: Principal, source_id: int) -> RiskSource:
    return get_scoped(db, principal, RiskSource, source_id, what="风险源")


def list_assessments(db: Session, *, principal: Principal, source_id: int) -> list[RiskAssessment]:
    source = get_source(db, principal=principal, source_id=source_id)
    return list(db.scalars(select(RiskAssessment).where(RiskAssessment.source_id == source.id)
                           .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())))


def list_measures(db: Session, *, principal: Principal, source_id: int) -> list[ControlMeasure]:
    source = get_source(db, principal=principal, source_id=source_id)
    return list(db.scalars(select(ControlMeasure).where(ControlMeasure.source_id == source.id)
                           .order_by(ControlMeasure.id)))


def unit_sources(db: Session, *, principal: Principal, unit_id: int) -> list[RiskSource]:
    unit = get_unit(db, principal=principal, unit_id=unit_id)
    return list(db.scalars(scoped(principal, RiskSource).where(RiskSource.unit_id == unit.id)
                           .order_by(RiskSource.id)))


def latest_assessments(db: Session, source_ids: list[int]) -> dict[int, RiskAssessment]:
    out: dict[int, RiskAssessment] = {}
    for i in range(0, len(source_ids), 500):
        chunk = source_ids[i:i + 500]
        for a in db.scalars(select(RiskAssessment).where(RiskAssessment.source_id.in_(chunk))
                            .order_by(RiskAssessment.assessed_at, RiskAssessment.id)):
            out[a.source_id] = a
    return out


def measures_by_source(db: Session, source_ids: list[int]) -> dict[int, list[ControlMeasure]]:
    out: dict[int, list[ControlMeasure]] = {}
    for i in range(0, len(source_ids), 500):
        chunk = source_ids[i:i + 500]
        for m in db.scalars(select(ControlMeasure).where(ControlMeasure.source_id.in_(chunk))
                            .order_by(ControlMeasure.id)):
            out.setdefault(m.source_id, []).append(m)
    return out


# --- map and statistics ---------------------------------------------------------------------------

def _names(db: Session, codes: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    codes_l = sorted(codes)
    for i in range(0, len(codes_l), 500):
        for code, name in db.execute(select(Division.code, Division.name).where(Division.code.in_(codes_l[i:i + 500]))):
            names[code] = name
    return names


def _empty_counts() -> dict[str, int]:
    return dict.fromkeys((*LEVEL_KEYS, UNASSESSED), 0)


def _grouped(rows: Any) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for key, level, n in rows:
        counts = out.setdefault(key, _empty_counts())
        counts[level or UNASSESSED] = counts.get(level or UNASSESSED, 0) + int(n)
    return out


def _rows(grouped: dict[str, dict[str, int]], names: dict[str, str]) -> list[dict[str, Any]]:
    return [{"key": k, "name": names.get(k, k), "counts": c, "total": sum(c.values())}
            for k, c in sorted(grouped.items())]


def parse_bbox(bbox: str | None) -> tuple[float, float, float, float] | None:
    if not bbox:
        return None
    parts = bbox.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or any(v != v or v in (float("inf"), float("-inf")) for v in values):
        raise ValidationFailed("bbox 格式应为 最小经度,最小纬度,最大经度,最大纬度", field="bbox")
    w, s, e, n = values
    if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        raise ValidationFailed("bbox 范围无效（需 最小经度≤最大经度、最小纬度≤最大纬度）", field="bbox")
    return w, s, e, n


def county_of() -> Any:
    return func.substr(RiskSource.division_code, 1, 6)


def map_aggregates(db: Session, *, principal: Principal, **filters: Any) -> dict[str, Any]:
    """Counts per level per county and per township for the current filters (SQL GROUP BY)."""
    where = [scope_clause(principal, RiskSource), *source_conditions(**filters)]
    county = county_of().label("county")
    by_county = _grouped(db.execute(select(county, RiskSource.level, func.count())
                                    .where(*where).group_by(county, RiskSource.level)))
    by_town = _grouped(db.execute(select(RiskSource.division_code, RiskSource.level, func.count())
                                  .where(*where).group_by(RiskSource.division_code, RiskSource.level)))
    totals = _empty_counts()
    for counts in by_county.values():
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
    totals["all"] = sum(v for k, v in totals.items() if k != "all")
    names = _names(db, set(by_county) | set(by_town))
    return {"districts": _rows(by_county, names), "townships": _rows(by_town, names), "totals": totals}


def map_points(db: Session, *, principal: Principal, bbox: tuple[float, float, float, float] | None,
               limit: int = MAX_POINTS, **filters: Any) -> dict[str, Any]:
    stmt = select(RiskSource.id, RiskSource.lon, RiskSource.lat, RiskSource.level).where(
        scope_clause(principal, RiskSource), *source_conditions(**filters),
        RiskSource.lon.is_not(None), RiskSource.lat.is_not(None))
    if bbox is not None:
        w, s, e, n = bbox
        stmt = stmt.where(RiskSource.lon >= w, RiskSource.lon <= e, RiskSource.lat >= s, RiskSource.lat <= n)
    rows = db.execute(stmt.order_by(RiskSource.id).limit(limit + 1)).all()
    truncated = len(rows) > limit
    return {"fields": ["id", "lon", "lat", "level"],
            "rows": [[r[0], round(r[1], 6), round(r[2], 6), r[3]] for r in rows[:limit]],
            "truncated": truncated}


def risk_map(db: Session, *, principal: Principal, bbox: str | None = None, **filters: Any) -> dict[str, Any]:
    box = parse_bbox(bbox)
    out = map_aggregates(db, principal=principal, **filters)
    out["points"] = map_points(db, principal=principal, bbox=box, **filters)
    return out


def risk_stats(db: Session, *, principal: Principal, **filters: Any) -> dict[str, Any]:
    where = [scope_clause(principal, RiskSource), *source_conditions(**filters)]

    def by(column: Any) -> dict[str, dict[str, int]]:
        col = column.label("k")
        return _grouped(db.execute(select(col, RiskSource.level, func.count()).where(*where)
                                   .group_by(col, RiskSource.level)))

    taxonomy = default_taxonomy()
    class_names = {c.code: c.name for c in taxonomy.classes}
    by_class = by(RiskSource.class_code)
    by_industry = by(RiskSource.industry)
    by_district = by(county_of())
    totals = _empty_counts()
    for counts in by_class.values():
        for k, v in counts.items():
            totals[k] += v
    totals["all"] = sum(totals.values())
    units_by_level = _empty_counts()
    for level, n in db.execute(select(Unit.risk_level, func.count()).where(scope_clause(principal, Unit))
                               .group_by(Unit.risk_level)):
        units_by_level[level or UNASSESSED] = units_by_level.get(level or UNASSESSED, 0) + int(n)
    return {"by_class": _rows(by_class, class_names), "by_industry": _rows(by_industry, industry_names()),
            "by_district": _rows(by_district, _names(db, set(by_district))), "totals": totals,
            "units_by_level": units_by_level}


def naive_map_counts(db: Session, *, principal: Principal, **filters: Any) -> dict[str, dict[str, int]]:
    """Baseline for the benchmark: load every row and count in Python (what the map must not do)."""
    counts: dict[str, dict[str, int]] = {}
    lvl, cls, sub, ind, div = (filters.get("level"), filters.get("class_code"), filters.get("subclass_code"),
                               filters.get("industry"), filters.get("division"))
    prefix = scope_prefix(principal.scope_code)
    dprefix = scope_prefix(div) if div else ""
    for s in db.scalars(select(RiskSource)):
        if not s.division_code.startswith(prefix) or not s.division_code.startswith(dprefix):
            continue
        if (lvl and s.level != lvl) or (cls and s.class_code != cls) or (sub and s.subclass_code != sub) \
                or (ind and s.industry != ind):
            continue
        c = counts.setdefault(s.division_code[:6], _empty_counts())
        c[s.level or UNASSESSED] += 1
    return counts
