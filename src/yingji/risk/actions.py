"""Every write of the risk domain: risk sources, assessments, control measures, imports.

Each public function is one action: one transaction (``atomic``), an audit record per changed
entity, events emitted on commit. Enterprise managers (``principal.unit_id``) act only on
their own unit: :func:`get_scoped` hides every other unit from them. Units themselves are
registered by :mod:`yingji.units`; the unit's derived risk level is stored through
:func:`yingji.units.service.set_risk_levels` inside the assessing action.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import township_in_scope
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.importing import run_import
from yingji.core.schemas import ImportRowError
from yingji.core.scope import ensure_in_scope, get_scoped, visible
from yingji.risk import permissions
from yingji.risk.catalog import default_taxonomy
from yingji.risk.grading import lec, level_info, ls, unit_level
from yingji.risk.models import ControlMeasure, RiskAssessment, RiskSource
from yingji.risk.schemas import AssessmentIn, MeasureIn, SourceIn, SourcePatch
from yingji.units.models import Unit
from yingji.units.service import set_risk_levels



def _refuse(reason: str | None, field: str | None = None) -> None:
    if reason is not None:
        raise Forbidden(reason, field=field)

SOURCE_FIELDS = ("code", "name", "class_code", "subclass_code", "industry", "unit_id", "division_code", "lon",
                 "lat", "description", "level", "method", "score", "management_tier")


def _snapshot(s: RiskSource) -> dict[str, Any]:
    return {k: getattr(s, k) for k in SOURCE_FIELDS}


# --- risk sources ---------------------------------------------------------------------------------

def _next_code(db: Session, subclass: str) -> str:
    n = (db.scalar(select(RiskSource.id).order_by(RiskSource.id.desc()).limit(1)) or 0) + 1
    while True:
        code = f"FX-{subclass}-{n:06d}"
        if db.scalar(select(RiskSource.id).where(RiskSource.code == code)) is None:
            return code
        n += 1


def _code_conflict(db: Session, actor: Principal, code: str, field: str = "code") -> None:
    """Source codes are unique platform-wide; a clash outside the actor's scope is not described."""
    existing = db.scalar(select(RiskSource).where(RiskSource.code == code))
    if existing is None:
        return
    if visible(actor, existing):
        raise Conflict(f"风险点编号 {code} 已存在（{existing.name}）", field=field)
    raise Conflict(f"风险点编号 {code} 不可用，请换一个编号或留空自动生成", field=field, code="code_unavailable")


def _new_source(db: Session, actor: Principal, data: SourceIn, unit: Unit | None = None) -> RiskSource:
    unit = unit or get_scoped(db, actor, Unit, data.unit_id, what="生产经营单位")
    ensure_in_scope(actor, unit.division_code)
    sub = default_taxonomy().subclass(data.subclass_code)
    division = data.division_code or unit.division_code
    township_in_scope(db, actor, division)
    if data.code:
        _code_conflict(db, actor, data.code)
    code = data.code or _next_code(db, sub.code)
    source = RiskSource(code=code, name=data.name, class_code=sub.class_code, subclass_code=sub.code,
                        industry=unit.industry, unit_id=unit.id, division_code=division,
                        lon=data.lon if data.lon is not None else unit.lon,
                        lat=data.lat if data.lat is not None else unit.lat,
                        description=data.description, management_tier="", synthetic=False)
    db.add(source)
    db.flush()
    audit.record(db, actor, "risk_source.created", "risk_source", source.id, division_code=division,
                 after=_snapshot(source))
    return source


def create_source(db: Session, actor: Principal, data: SourceIn) -> RiskSource:
    _refuse(permissions.register_refusal(actor))
    with atomic(db):
        source = _new_source(db, actor, data)
        events.emit(db, "risk.source_created", division_code=source.division_code, actor=actor.username,
                    summary=f"登记风险源 {source.name}",
                    payload={"source_id": source.id, "unit_id": source.unit_id})
    return source


def update_source(db: Session, actor: Principal, source_id: int, patch: SourcePatch) -> RiskSource:
    _refuse(permissions.write_refusal(actor))
    with atomic(db):
        source = get_scoped(db, actor, RiskSource, source_id, what="风险源")
        before = _snapshot(source)
        changes = {k: v for k, v in patch.model_dump(exclude_unset=True).items()
                   if v is not None or k in ("lon", "lat")}
        changed = frozenset(k for k, v in changes.items() if getattr(source, k) != v)
        _refuse(permissions.edit_refusal(actor, source, changed), field="management_tier")
        if "subclass_code" in changes:
            sub = default_taxonomy().subclass(changes["subclass_code"])
            source.class_code = sub.class_code
        if "division_code" in changes:
            township_in_scope(db, actor, changes["division_code"])
        for k, v in changes.items():
            setattr(source, k, v)
        db.flush()
        after = _snapshot(source)
        audit.record(db, actor, "risk_source.updated", "risk_source", source.id,
                     division_code=source.division_code, before=before, after=after)
        events.emit(db, "risk.source_updated", division_code=source.division_code, actor=actor.username,
                    summary=f"修改风险源 {source.name}",
                    payload={"source_id": source.id, "unit_id": source.unit_id,
                             "fields": sorted(k for k in after if after[k] != before[k])})
    return source


def _score(data: AssessmentIn) -> tuple[dict[str, float], float, str | None, str]:
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
    level = unit_level(levels)
    if level != unit.risk_level:
        set_risk_levels(db, {unit.id: level})
        db.refresh(unit, ["risk_level"])
    return level


def _assess(db: Session, actor: Principal, source: RiskSource, data: AssessmentIn) -> tuple[RiskAssessment, Unit]:
    factors, value, band, level = _score(data)
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
    _refuse(permissions.write_refusal(actor))
    with atomic(db):
        source = get_scoped(db, actor, RiskSource, source_id, what="风险源")
        _refuse(permissions.assess_refusal(actor, source))
        a, unit = _assess(db, actor, source, data)
        info = level_info(a.level)
        events.emit(db, "risk.assessed", division_code=source.division_code, actor=actor.username,
                    summary=f"风险源 {source.name} 评估为{info.label}（{info.colour_label}）",
                    payload={"source_id": source.id, "unit_id": unit.id, "level": a.level, "score": a.score,
                             "method": a.method, "unit_level": unit.risk_level, "lon": source.lon,
                             "lat": source.lat})
    return source, a, unit


def add_measure(db: Session, actor: Principal, source_id: int, data: MeasureIn) -> ControlMeasure:
    _refuse(permissions.write_refusal(actor))
    with atomic(db):
        source = get_scoped(db, actor, RiskSource, source_id, what="风险源")
        _refuse(permissions.measure_refusal(actor, source))
        m = ControlMeasure(source_id=source.id, unit_id=source.unit_id, division_code=source.division_code,
                           measure=data.measure, kind=data.kind, responsible_tier=data.responsible_tier,
                           responsible_person=data.responsible_person)
        db.add(m)
        db.flush()
        audit.record(db, actor, "risk_measure.created", "risk_measure", m.id, division_code=m.division_code,
                     after={"source_id": source.id, "measure": m.measure, "kind": m.kind,
                            "responsible_tier": m.responsible_tier, "responsible_person": m.responsible_person})
        events.emit(db, "risk.measure_added", division_code=m.division_code, actor=actor.username,
                    summary=f"风险源 {source.name} 新增管控措施",
                    payload={"source_id": source.id, "unit_id": source.unit_id, "measure_id": m.id})
    return m


# --- bulk imports ---------------------------------------------------------------------------------

def import_sources(db: Session, actor: Principal, content: bytes, filename: str, *, mode: str = "all_or_nothing",
                   dry_run: bool = False) -> tuple[int, int, list[ImportRowError], bool]:
    """Import risk sources (optionally with an assessment) from xlsx/csv."""
    from yingji.risk.importing import SOURCE_LABELS, parse_sources

    _refuse(permissions.register_refusal(actor))
    rows, errors = parse_sources(content, filename)
    resolved: list[tuple[int, Any]] = []
    for rownum, (credit, payload) in rows:
        unit = db.scalar(select(Unit).where(Unit.credit_code == credit))
        if unit is None or not visible(actor, unit):
            errors.append(ImportRowError(row=rownum, field="单位统一社会信用代码",
                                         message=f"单位 {credit} 不存在或不在您的管辖范围内"))
            continue
        try:
            data = SourceIn(unit_id=unit.id, **payload["source"])
            assessment = AssessmentIn(**payload["assessment"]) if payload["assessment"] else None
        except Exception as exc:  # noqa: BLE001 - pydantic errors become row errors
            from yingji.core.importing import row_errors

            errors.extend(row_errors(rownum, exc, SOURCE_LABELS))
            continue
        resolved.append((rownum, (data, assessment)))

    def check(item: tuple[SourceIn, AssessmentIn | None], seen: set[str]) -> None:
        data, assessment = item
        default_taxonomy().subclass(data.subclass_code)
        if data.division_code:
            township_in_scope(db, actor, data.division_code, field="乡镇（街道）代码")
        if data.code:
            if data.code in seen:
                raise Conflict(f"风险点编号 {data.code} 在文件中重复", field="风险点编号")
            _code_conflict(db, actor, data.code, field="风险点编号")
            seen.add(data.code)
        if assessment is not None:
            _score(assessment)

    def make(item: tuple[SourceIn, AssessmentIn | None]) -> RiskSource:
        data, assessment = item
        source = _new_source(db, actor, data)
        if assessment is not None:
            _assess(db, actor, source, assessment)
        return source

    return run_import(db, actor, resolved, errors, mode=mode, dry_run=dry_run, check=check, make=make,
                      what="risk_source", label="风险源", event_type="risk.sources_imported", filename=filename)
