"""HTTP API of the risk domain (/api/v1/risk): risk sources, grading, map, statistics, Excel exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page, read_upload
from yingji.core.auth import Principal, get_db, requires
from yingji.core import hooks
from yingji.core.caching import cached_json
from yingji.core.divisions import Division
from yingji.core.schemas import ImportResult
from yingji.core.xlsx import xlsx_response
from yingji.risk import actions, exporting, service
from yingji.risk.catalog import default_taxonomy
from yingji.risk.grading import all_levels, default_grading_config, level_info
from yingji.risk.schemas import (
    AssessedOut,
    AssessmentIn,
    AssessmentOut,
    ClassOut,
    GradingOut,
    LevelOut,
    LiveAlarmsOut,
    MapQuery,
    MeasureIn,
    MeasureOut,
    RiskCardOut,
    RiskMapOut,
    RiskStatsOut,
    RiskUnitOut,
    SourceFilters,
    SourceIn,
    SourceOut,
    SourcePatch,
    SourceQuery,
)
from yingji.units.schemas import UnitQuery
from yingji.units.service import get_unit

router = APIRouter(prefix="/api/v1/risk", tags=["监督管理：安全风险"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("supervision:read"))]
Writer = Annotated[Principal, Depends(requires("supervision:write"))]
UnitId = Annotated[int, Path(ge=1, le=2**31 - 1, description="单位 ID")]
SourceId = Annotated[int, Path(ge=1, le=2**31 - 1, description="风险源 ID")]
ImportFile = Annotated[UploadFile, File(description="xlsx 或 csv（UTF-8/GBK），首行为中文列名")]
Mode = Annotated[Literal["all_or_nothing", "valid_only"], Form(description="all_or_nothing 全部成功才提交；valid_only 只提交正确的行")]
DryRun = Annotated[bool, Form(description="只校验不提交")]


def _levels() -> list[LevelOut]:
    return [LevelOut(**{k: getattr(lv, k) for k in LevelOut.model_fields}) for lv in all_levels()]


# --- configuration --------------------------------------------------------------------------------

@router.get("/taxonomy", response_model=list[ClassOut], summary="风险分类（大类/小类）")
def taxonomy(principal: Reader) -> list[ClassOut]:
    return [ClassOut(code=c.code, name=c.name, description=c.description, subclasses=[
        {"code": s.code, "name": s.name, "class_code": s.class_code, "industries": list(s.industries),
         "method": s.method, "typical_sources": list(s.typical_sources)} for s in c.subclasses])
        for c in default_taxonomy().classes]


@router.get("/levels", response_model=GradingOut, summary="风险等级、颜色与 LEC / 风险矩阵因子表")
def levels(principal: Reader) -> GradingOut:
    cfg = default_grading_config()

    def factors(table: Any) -> dict[str, list[dict[str, Any]]]:
        return {k: [{"value": f.value, "description": f.description} for f in v] for k, v in table.items()}

    return GradingOut(levels=_levels(), lec_factors=factors(cfg.lec_factors), lec_factor_labels=dict(cfg.lec_factor_labels),
                      ls_factors=factors(cfg.ls_factors), ls_factor_labels=dict(cfg.ls_factor_labels),
                      boundary_convention=cfg.boundary_convention)


# --- units (the risk domain's view: exports with their risk level) --------------------------------

@router.get("/units/export.xlsx", summary="导出单位风险清单（Excel，含单位风险等级）", response_class=StreamingResponse)
def export_units(db: Db, principal: Reader, query: Annotated[UnitQuery, Query()]) -> StreamingResponse:
    return xlsx_response(exporting.units_xlsx(db, principal=principal, query=query), "生产经营单位")


@router.get("/units/{unit_id}/register.xlsx", summary="单位安全风险管控手册（一册，Excel）",
            response_class=StreamingResponse)
def unit_register(unit_id: UnitId, db: Db, principal: Reader) -> StreamingResponse:
    unit, data = exporting.register_xlsx(db, principal=principal, unit_id=unit_id)
    return xlsx_response(data, f"{unit.name}-风险管控手册")


# --- risk sources ---------------------------------------------------------------------------------

@router.get("/sources", response_model=Page[SourceOut], summary="风险源列表（筛选、排序、分页）")
def list_sources(db: Db, principal: Reader, query: Annotated[SourceQuery, Query()]) -> dict[str, Any]:
    return service.SOURCES.page(db, principal, query, out=lambda rows: [SourceOut.model_validate(s) for s in rows])


@router.post("/sources", response_model=SourceOut, status_code=201, summary="登记风险源")
def create_source(body: SourceIn, db: Db, principal: Writer) -> SourceOut:
    return SourceOut.model_validate(actions.create_source(db, principal, body))


@router.get("/sources/export.xlsx", summary="导出风险源清单（Excel）", response_class=StreamingResponse)
def export_sources(db: Db, principal: Reader, query: Annotated[SourceQuery, Query()]) -> StreamingResponse:
    return xlsx_response(exporting.sources_xlsx(db, principal=principal, query=query), "风险源清单")


@router.post("/sources/import", response_model=ImportResult, summary="批量导入风险源（xlsx/csv，可含评估因子）")
def import_sources(db: Db, principal: Writer, file: ImportFile, mode: Mode = "all_or_nothing",
                   dry_run: DryRun = False) -> ImportResult:
    total, imported, errors, committed = actions.import_sources(
        db, principal, read_upload(file), file.filename or "upload", mode=mode, dry_run=dry_run)
    return ImportResult(mode=mode, dry_run=dry_run, total_rows=total, imported=imported, committed=committed,
                        errors=errors)


@router.get("/sources/{source_id}", response_model=SourceOut, summary="风险源详情")
def get_source(source_id: SourceId, db: Db, principal: Reader) -> SourceOut:
    return SourceOut.model_validate(service.get_source(db, principal=principal, source_id=source_id))


@router.patch("/sources/{source_id}", response_model=SourceOut, summary="修改风险源")
def patch_source(source_id: SourceId, body: SourcePatch, db: Db, principal: Writer) -> SourceOut:
    return SourceOut.model_validate(actions.update_source(db, principal, source_id, body))


@router.post("/sources/{source_id}/assess", response_model=AssessedOut, summary="评估风险源（LEC 或风险矩阵）")
def assess(source_id: SourceId, body: AssessmentIn, db: Db, principal: Writer) -> AssessedOut:
    source, a, unit = actions.assess(db, principal, source_id, body)
    return AssessedOut(source=SourceOut.model_validate(source), assessment=AssessmentOut.model_validate(a),
                       unit_risk_level=unit.risk_level)


@router.get("/sources/{source_id}/assessments", response_model=list[AssessmentOut], summary="评估历史")
def assessments(source_id: SourceId, db: Db, principal: Reader) -> list[AssessmentOut]:
    return [AssessmentOut.model_validate(a)
            for a in service.list_assessments(db, principal=principal, source_id=source_id)]


@router.get("/sources/{source_id}/measures", response_model=list[MeasureOut], summary="管控措施")
def measures(source_id: SourceId, db: Db, principal: Reader) -> list[MeasureOut]:
    return [MeasureOut.model_validate(m) for m in service.list_measures(db, principal=principal, source_id=source_id)]


@router.post("/sources/{source_id}/measures", response_model=MeasureOut, status_code=201, summary="添加管控措施")
def add_measure(source_id: SourceId, body: MeasureIn, db: Db, principal: Writer) -> MeasureOut:
    return MeasureOut.model_validate(actions.add_measure(db, principal, source_id, body))


@router.get("/sources/{source_id}/card", response_model=RiskCardOut, summary="风险告知卡（一卡）")
def card(source_id: SourceId, db: Db, principal: Reader) -> RiskCardOut:
    return RiskCardOut(**risk_card(db, principal, source_id))


def risk_card(db: Session, principal: Principal, source_id: int) -> dict[str, Any]:
    source = service.get_source(db, principal=principal, source_id=source_id)
    unit = get_unit(db, principal=principal, unit_id=source.unit_id)
    latest = service.latest_assessments(db, [source.id]).get(source.id)
    tax = default_taxonomy()
    sub = next((s for s in tax.subclasses if s.code == source.subclass_code), None)
    cls = next((c for c in tax.classes if c.code == source.class_code), None)
    division = db.get(Division, source.division_code)
    level = None
    if source.level:
        lv = level_info(source.level)
        level = LevelOut(**{k: getattr(lv, k) for k in LevelOut.model_fields})
    return {"source": SourceOut.model_validate(source), "unit": RiskUnitOut.model_validate(unit), "level": level,
            "subclass_name": sub.name if sub else source.subclass_code, "class_name": cls.name if cls else "",
            "division_name": division.name if division else source.division_code,
            "latest_assessment": AssessmentOut.model_validate(latest) if latest else None,
            "measures": [MeasureOut.model_validate(m) for m in
                         service.list_measures(db, principal=principal, source_id=source.id)],
            "emergency_phone": "119 / 120 / 12350（安全生产举报）"}


# --- map and statistics ---------------------------------------------------------------------------

@router.get("/map", response_model=RiskMapOut, summary="城市安全风险一张图（按区县/乡镇分级计数 + 风险点）")
def risk_map(request: Request, db: Db, principal: Reader, query: Annotated[MapQuery, Query()]) -> Any:
    def build() -> RiskMapOut:
        data = service.risk_map(db, principal=principal, bbox=query.bbox, **query.model_dump(exclude={"bbox"}))
        return RiskMapOut(levels=_levels(), **data)

    return cached_json(request, db, principal, RiskMapOut, build)  # ETag/304 + server-side cache


LIVE_ALARMS_HOOK = "risk.live_alarms"  # answered by monitoring when deployed (read hook: no import)


@router.get("/live-alarms", response_model=LiveAlarmsOut,
            summary="实时告警的风险源（监测点告警使风险源在一张图上变红；监测模块未部署时为空）")
def live_alarms(db: Db, principal: Reader) -> dict[str, Any]:
    answers = hooks.collect(db, principal, LIVE_ALARMS_HOOK)
    merged: dict[int, dict[str, Any]] = {}
    for answer in answers:
        for s in answer:
            merged.setdefault(int(s["source_id"]), s)
    return {"available": bool(hooks.handlers(LIVE_ALARMS_HOOK)),
            "sources": sorted(merged.values(), key=lambda s: s["source_id"])}


@router.get("/stats", response_model=RiskStatsOut, summary="风险统计（等级 × 类别 / 行业 / 区县）")
def risk_stats(request: Request, db: Db, principal: Reader, query: Annotated[SourceFilters, Query()]) -> Any:
    def build() -> RiskStatsOut:
        return RiskStatsOut(levels=_levels(), **service.risk_stats(db, principal=principal, **query.model_dump()))

    return cached_json(request, db, principal, RiskStatsOut, build)
