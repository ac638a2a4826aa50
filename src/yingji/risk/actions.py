"""Every write of the risk domain: units, risk sources, assessments, control measures, imports.

Each public function is one action: one transaction (``atomic``), an audit record per changed
entity, events emitted on commit. Enterprise managers (``principal.unit_id``) act only on
their own unit: :func:`get_scoped` hides every other unit from them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Division
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.schemas import ImportRowError
from yingji.core.scope import ensure_in_scope, get_scoped
from yingji.risk.catalog import default_industries, default_taxonomy
from yingji.risk.grading import lec, level_info, ls, unit_level
from yingji.risk.models import ControlMeasure, RiskAssessment, RiskSource, Unit
from yingji.risk.schemas import AssessmentIn, MeasureIn, SourceIn, SourcePatch, UnitIn, UnitPatch

PERMISSION = "supervision:write"

UNIT_FIELDS = ("name", "credit_code", "industry", "division_code", "address", "lon", "lat", "scale",
               "standardisation_level", "legal_person", "safety_manager", "phone", "supervising_department",
               "notes")
SOURCE_FIELDS = ("code", "name", "class_code", "subclass_code", "industry", "unit_id", "division_code", "lon",
                 "lat", "description", "level", "method", "score", "management_tier")


def unit_snapshot(u: Unit) -> dict[str, Any]:
    return {k: getattr(u, k) for k in UNIT_FIELDS} | {"risk_level": u.risk_level}


def source_snapshot(s: RiskSource) -> dict[str, Any]:
    return {k: getattr(s, k) for k in SOURCE_FIELDS}


def _industry(code: str, field: str = "industry") -> str:
    known = {i.code: i.name for i in default_industries()}
    if code not in known:
        raise ValidationFailed(f"行业代码“{code}”未配置，可选：{'、'.join(known)}", field=field)
    return code


def _township(db: Session, actor: Principal, code: str, field: str = "division_code") -> Division:
    if len(code) != 9:
        raise ValidationFailed("所在区划必须是 9 位乡镇（街道）代码", field=field)
    ensure_in_scope(actor, code, field=field)
    division = db.get(Division, code)
    if division is None:
        raise ValidationFailed(f"乡镇（街道）{code} 不存在", field=field)
    return division


def _no_enterprise_create(actor: Principal) -> None:
    if actor.unit_id is not None:
        raise Forbidden("企业用户只能维护本单位的信息，不能登记新单位")


# --- units ----------------------------------------------------------------------------------------

def _new_unit(db: Session, actor: Principal, data: UnitIn) -> Unit:
    _township(db, actor, data.division_code)
    _industry(data.industry)
    if db.scalar(select(Unit.id).where(Unit.credit_code == data.credit_code)) is not None:
        raise Conflict(f"统一社会信用代码 {data.credit_code} 已登记", field="credit_code")
    unit = Unit(**{k: getattr(data, k) for k in UNIT_FIELDS}, synthetic=False)
    db.add(unit)
    db.flush()
    audit.record(db, actor, "unit.created", "unit", unit.id, division_code=unit.division_code,
                 after=unit_snapshot(unit))
    return unit


def create_unit(db: Session, actor: Principal, data: UnitIn) -> Unit:
    actor.require(PERMISSION)
    _no_enterprise_create(actor)
    with atomic(db):
        unit = _new_unit(db, actor, data)
        events.emit(db, "risk.unit_created", division_code=unit.division_code, actor=actor.username,
                    summary=f"登记生产经营单位 {unit.name}", payload={"unit_id": unit.id})
    return unit


def update_unit(db: Session, actor: Principal, unit_id: int, patch: UnitPatch) -> Unit:
    actor.require(PERMISSION)
    with atomic(db):
        unit = get_scoped(db, actor, Unit, unit_id, what="生产经营单位")
        ensure_in_scope(actor, unit.division_code)
        before = unit_snapshot(unit)
        changes = {k: v for k, v in patch.model_dump(exclude_unset=True).items()
                   if v is not None or k in ("lon", "lat")}
        if "division_code" in changes:
            if actor.unit_id is not None and changes["division_code"] != unit.division_code:
                raise Forbidden("企业用户不能变更单位所在区划", field="division_code")
            _township(db, actor, changes["division_code"])
        if "industry" in changes:
            _industry(changes["industry"])
        for k, v in changes.items():
            setattr(unit, k, v)
        db.flush()
        audit.record(db, actor, "unit.updated", "unit", unit.id, division_code=unit.division_code,
                     before=before, after=unit_snapshot(unit))
    return unit


# --- risk sources ---------------------------------------------------------------------------------

def _next_code(db: Session, subclass: str) -> str:
    n = (db.scalar(select(RiskSource.id).order_by(RiskSource.id.desc()).limit(1)) or 0) + 1
    while True:
        code = f"FX-{subclass}-{n:06d}"
        if db.scalar(select(RiskSource.id).where(RiskSource.code == code)) is None:
            return code
        n += 1


def _new_source(db: Session, actor: Principal, data: SourceIn, unit: Unit | None = None) -> RiskSource:
    unit = unit or get_scoped(db, actor, Unit, data.unit_id, what="生产经营单位")
    ensure_in_scope(actor, unit.division_code)
    sub = default_taxonomy().subclass(data.subclass_code)
    division = data.division_code or unit.division_code
    _township(db, actor, division)
    code = data.code or _next_code(db, sub.code)
    if data.code and db.scalar(select(RiskSource.id).where(RiskSource.code == data.code)) is not None:
        raise Conflict(f"风险点编号 {data.code} 已存在", field="code")
    source = RiskSource(code=code, name=data.name, class_code=sub.class_code, subclass_code=sub.code,
                        industry=unit.industry, unit_id=unit.id, division_code=division,
                        lon=data.lon if data.lon is not None else unit.lon,
                        lat=data.lat if data.lat is not None else unit.lat,
                        description=data.description, management_tier="", synthetic=False)
    db.add(source)
    db.flush()
    audit.record(db, actor, "risk_source.created", "risk_source", source.id, division_code=division,
                 after=source_snapshot(source))
    return source


def create_source(db: Session, actor: Principal, data: SourceIn) -> RiskSource:
    actor.require(PERMISSION)
    with atomic(db):
        source = _new_source(db, actor, data)
        events.emit(db, "risk.source_created", division_code=source.division_code, actor=actor.username,
                    summary=f"登记风险源 {source.name}",
                    payload={"source_id": source.id, "unit_id": source.unit_id})
    return source


def update_source(db: Session, actor: Principal, source_id: int, patch: SourcePatch) -> RiskSource:
    actor.require(PERMISSION)
    with atomic(db):
        source = get_scoped(db, actor, RiskSource, source_id, what="风险源")
        before = source_snapshot(source)
        changes = {k: v for k, v in patch.model_dump(exclude_unset=True).items()
                   if v is not None or k in ("lon", "lat")}
        if "subclass_code" in changes:
            sub = default_taxonomy().subclass(changes["subclass_code"])
            source.class_code = sub.class_code
        if "division_code" in changes:
            _township(db, actor, changes["division_code"])
        for k, v in changes.items():
            setattr(source, k, v)
        db.flush()
        audit.record(db, actor, "risk_source.updated", "risk_source", source.id,
                     division_code=source.division_code, before=before, after=source_snapshot(source))
    return source


def score(data: AssessmentIn) -> tuple[dict[str, float], float, str | None, str]:
    """Grade the factors (pure grading.py); returns (factors, score, band, level)."""
    if data.method == "lec":
        for name in ("e", "c"):
            if getattr(data, name) is None:
                raise ValidationFailed(f"LEC 评估必须填写 {name.upper()}", field=name)
        r = lec(data.l, data.e, data.c)  # type: ignore[arg-type]
        return {"l": r.l, "e": r.e, "c": r.c}, r.d, r.band, r.level
    if data.s is None:
        raise ValidationFailed("风险矩阵评估必须填写 S（后果严重性）", field="s")
    for name, value in (("l", data.l), ("s", data.s)):
        if float(value) != int(value):
            raise ValidationFailed(f"风险矩阵的 {name.upper()} 必须是 1–5 的整数", field=name)
    r2 = ls(int(data.l), int(data.s))
    return {"l": r2.l, "s": r2.s}, float(r2.r), None, r2.level


def _recompute_unit(db: Session, unit: Unit) -> str | None:
    levels = db.scalars(select(RiskSource.level).where(RiskSource.unit_id == unit.id)).all()
    unit.risk_level = unit_level(levels)
    return unit.risk_level


def _assess(db: Session, actor: Principal, source: RiskSource, data: AssessmentIn) -> tuple[RiskAssessment, Unit]:
    factors, value, band, level = score(data)
    info = level_info(level)
    a = RiskAssessment(source_id=source.id, unit_id=source.unit_id, division_code=source.division_code,
                       method=data.method, factors=factors, score=value, band=band, level=level,
                       assessor=data.assessor or actor.display_name, assessed_at=utcnow(), note=data.note,
                       created_by=actor.username)
    db.add(a)
    db.flush()
    before = {"level": source.level, "method": source.method, "score": source.score}
    source.level, source.method, source.score = level, data.method, value
    source.latest_assessment_id = a.id
    source.management_tier = info.management_tier
    db.flush()
    unit = db.get(Unit, source.unit_id)
    assert unit is not None
    unit_before = unit.risk_level
    _recompute_unit(db, unit)
    audit.record(db, actor, "risk_source.assessed", "risk_source", source.id, division_code=source.division_code,
                 before=before, after={"level": level, "method": data.method, "score": value,
                                       "factors": factors, "assessment_id": a.id})
    if unit.risk_level != unit_before:
        audit.record(db, actor, "unit.level_changed", "unit", unit.id, division_code=unit.division_code,
                     before={"risk_level": unit_before}, after={"risk_level": unit.risk_level})
    return a, unit


def assess(db: Session, actor: Principal, source_id: int, data: AssessmentIn) -> tuple[RiskSource, RiskAssessment, Unit]:
    actor.require(PERMISSION)
    with atomic(db):
        source = get_scoped(db, actor, RiskSource, source_id, what="风险源")
        a, unit = _assess(db, actor, source, data)
        info = level_info(a.level)
        events.emit(db, "risk.assessed", division_code=source.division_code, actor=actor.username,
                    summary=f"风险源 {source.name} 评估为{info.label}（{info.colour_label}）",
                    payload={"source_id": source.id, "unit_id": unit.id, "level": a.level, "score": a.score,
                             "method": a.method, "unit_level": unit.risk_level, "lon": source.lon,
                             "lat": source.lat})
    return source, a, unit


def add_measure(db: Session, actor: Principal, source_id: int, data: MeasureIn) -> ControlMeasure:
    actor.require(PERMISSION)
    with atomic(db):
        source = get_scoped(db, actor, RiskSource, source_id, what="风险源")
        m = ControlMeasure(source_id=source.id, unit_id=source.unit_id, division_code=source.division_code,
                           measure=data.measure, kind=data.kind, responsible_tier=data.responsible_tier,
                           responsible_person=data.responsible_person)
        db.add(m)
        db.flush()
        audit.record(db, actor, "risk_measure.created", "risk_measure", m.id, division_code=m.division_code,
                     after={"source_id": source.id, "measure": m.measure, "kind": m.kind,
                            "responsible_tier": m.responsible_tier, "responsible_person": m.responsible_person})
    return m


# --- bulk imports ---------------------------------------------------------------------------------

def _row_error(row: int, exc: Exception) -> ImportRowError:
    return ImportRowError(row=row, field=getattr(exc, "field", None), message=getattr(exc, "message", str(exc)))


def import_units(db: Session, actor: Principal, content: bytes, filename: str, *, mode: str = "all_or_nothing",
                 dry_run: bool = False) -> tuple[int, int, list[ImportRowError], bool]:
    """Import units from xlsx/csv. Returns (total rows, imported, errors, committed)."""
    from yingji.risk.importing import parse_units

    actor.require(PERMISSION)
    _no_enterprise_create(actor)
    rows, errors = parse_units(content, filename)
    return _run_import(db, actor, rows, errors, mode, dry_run, lambda d, a, item: _new_unit(d, a, item), "unit",
                       filename)


def import_sources(db: Session, actor: Principal, content: bytes, filename: str, *, mode: str = "all_or_nothing",
                   dry_run: bool = False) -> tuple[int, int, list[ImportRowError], bool]:
    """Import risk sources (optionally with an assessment) from xlsx/csv."""
    from yingji.risk.importing import parse_sources

    actor.require(PERMISSION)
    rows, errors = parse_sources(content, filename)

    def make(db: Session, actor: Principal, item: tuple[SourceIn, AssessmentIn | None, str]) -> RiskSource:
        data, assessment, _ = item
        source = _new_source(db, actor, data)
        if assessment is not None:
            _assess(db, actor, source, assessment)
        return source

    resolved: list[tuple[int, Any]] = []
    for rownum, (credit, payload) in rows:
        unit_id = db.scalar(select(Unit.id).where(Unit.credit_code == credit))
        unit = db.get(Unit, unit_id) if unit_id else None
        if unit is None or not _visible(actor, unit):
            errors.append(ImportRowError(row=rownum, field="单位统一社会信用代码",
                                         message=f"单位 {credit} 不存在或不在您的管辖范围内"))
            continue
        try:
            data = SourceIn(unit_id=unit.id, **payload["source"])
            assessment = AssessmentIn(**payload["assessment"]) if payload["assessment"] else None
        except Exception as exc:  # noqa: BLE001 - pydantic errors become row errors
            from yingji.risk.importing import pydantic_errors

            errors.extend(pydantic_errors(rownum, exc))
            continue
        resolved.append((rownum, (data, assessment, credit)))
    return _run_import(db, actor, resolved, errors, mode, dry_run, make, "risk_source", filename)


def _visible(actor: Principal, obj: Any) -> bool:
    from yingji.core.scope import visible

    return visible(actor, obj)


def _check_unit(db: Session, actor: Principal, data: UnitIn, seen: set[str]) -> None:
    _township(db, actor, data.division_code)
    _industry(data.industry)
    if data.credit_code in seen or db.scalar(select(Unit.id).where(Unit.credit_code == data.credit_code)):
        raise Conflict(f"统一社会信用代码 {data.credit_code} 已登记或在文件中重复", field="统一社会信用代码")
    seen.add(data.credit_code)


def _check_source(db: Session, actor: Principal, item: tuple[SourceIn, AssessmentIn | None, str],
                  seen: set[str]) -> None:
    data, assessment, _ = item
    default_taxonomy().subclass(data.subclass_code)
    if data.division_code:
        _township(db, actor, data.division_code)
    if data.code:
        if data.code in seen or db.scalar(select(RiskSource.id).where(RiskSource.code == data.code)):
            raise Conflict(f"风险点编号 {data.code} 已存在或在文件中重复", field="风险点编号")
        seen.add(data.code)
    if assessment is not None:
        score(assessment)


def _run_import(db: Session, actor: Principal, rows: list[tuple[int, Any]], errors: list[ImportRowError],
                mode: str, dry_run: bool, make: Any, what: str,
                filename: str) -> tuple[int, int, list[ImportRowError], bool]:
    """Check every row first (nothing written); then write all good rows in one transaction."""
    total = len(rows) + len({e.row for e in errors})
    check = _check_unit if what == "unit" else _check_source
    seen: set[str] = set()
    good: list[tuple[int, Any]] = []
    for rownum, item in rows:
        try:
            check(db, actor, item, seen)
            good.append((rownum, item))
        except (ValidationFailed, Conflict, Forbidden) as exc:
            errors.append(_row_error(rownum, exc))
    errors.sort(key=lambda e: e.row)
    if dry_run or not good or (errors and mode == "all_or_nothing"):
        return total, (len(good) if dry_run else 0), errors, False
    with atomic(db):
        for _, item in good:
            make(db, actor, item)
        audit.record(db, actor, f"{what}.imported", "import", filename[:64], division_code=actor.scope_code,
                     after={"rows": total, "imported": len(good), "errors": len(errors), "mode": mode})
        events.emit(db, f"risk.{what}s_imported", division_code=actor.scope_code, actor=actor.username,
                    summary=f"导入{'单位' if what == 'unit' else '风险源'} {len(good)} 条（{filename[:60]}）",
                    payload={"imported": len(good), "errors": len(errors)})
    return total, len(good), errors, True
