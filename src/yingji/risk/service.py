"""Reads of the risk domain: lists, single records, the city risk map and statistics.

Every query goes through :func:`yingji.core.scope.scoped` / :func:`get_scoped`. The map and
the statistics are SQL ``GROUP BY`` aggregates (indexes ``(division_code, level)`` and
``(level, division_code)`` on ``risk_sources``), never a Python loop over rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from yingji.core.api import PageParams, paginate
from yingji.core.auth import Principal
from yingji.core.divisions import Division
from yingji.core.errors import ValidationFailed
from yingji.core.scope import get_scoped, scope_clause, scope_prefix, scoped, validate_code, within
from yingji.risk.catalog import default_industries, default_taxonomy
from yingji.risk.grading import LEVEL_KEYS
from yingji.risk.models import ControlMeasure, RiskAssessment, RiskSource, Unit

MAX_POINTS = 50_000
UNASSESSED = "unassessed"


def _division_filter(column: Any, division: str | None) -> Any | None:
    if not division:
        return None
    validate_code(division, field="division")
    return within(column, division)


# --- units ----------------------------------------------------------------------------------------

def units_query(principal: Principal, *, industry: str | None = None, level: str | None = None,
                division: str | None = None, q: str | None = None) -> Select[Any]:
    stmt = scoped(principal, Unit)
    if industry:
        stmt = stmt.where(Unit.industry == industry)
    if level:
        stmt = stmt.where(Unit.risk_level == level) if level != UNASSESSED else stmt.where(Unit.risk_level.is_(None))
    if (clause := _division_filter(Unit.division_code, division)) is not None:
        stmt = stmt.where(clause)
    if q:
        like = q.strip()
        stmt = stmt.where(or_(Unit.name.contains(like, autoescape=True),
                              Unit.credit_code.contains(like, autoescape=True)))
    return stmt.order_by(Unit.id)


def list_units(db: Session, *, principal: Principal, params: PageParams, **filters: Any) -> tuple[list[Unit], int]:
    return paginate(db, units_query(principal, **filters), params)


def get_unit(db: Session, *, principal: Principal, unit_id: int) -> Unit:
    return get_scoped(db, principal, Unit, unit_id, what="生产经营单位")


# --- sources --------------------------------------------------------------------------------------

def source_conditions(*, class_code: str | None = None, subclass_code: str | None = None,
                      level: str | None = None, industry: str | None = None, division: str | None = None,
                      unit_id: int | None = None) -> list[Any]:
    conds: list[Any] = []
    if class_code:
        conds.append(RiskSource.class_code == class_code)
    if subclass_code:
        conds.append(RiskSource.subclass_code == subclass_code)
    if level:
        conds.append(RiskSource.level.is_(None) if level == UNASSESSED else RiskSource.level == level)
    if industry:
        conds.append(RiskSource.industry == industry)
    if (clause := _division_filter(RiskSource.division_code, division)) is not None:
        conds.append(clause)
    if unit_id is not None:
        conds.append(RiskSource.unit_id == unit_id)
    return conds


def sources_query(principal: Principal, **filters: Any) -> Select[Any]:
    return scoped(principal, RiskSource).where(*source_conditions(**filters)).order_by(RiskSource.id)


def list_sources(db: Session, *, principal: Principal, params: PageParams,
                 **filters: Any) -> tuple[list[RiskSource], int]:
    return paginate(db, sources_query(principal, **filters), params)


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
    industry_names = {i.code: i.name for i in default_industries()}
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
    return {"by_class": _rows(by_class, class_names), "by_industry": _rows(by_industry, industry_names),
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
