"""HTTP API of the risk domain (/api/v1/risk): units, risk sources, grading, map, stats, Excel."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page, PageParams
from yingji.core.auth import Principal, get_db, requires
from yingji.core.caching import cached_json
from yingji.core.divisions import Division
from yingji.core.errors import ValidationFailed
from yingji.risk import actions, exporting, service
from yingji.risk.catalog import default_industries, default_taxonomy
from yingji.risk.grading import all_levels, default_grading_config, level_info
from yingji.risk.schemas import (
    AssessedOut,
    AssessmentIn,
    AssessmentOut,
    ClassOut,
    GradingOut,
    ImportResult,
    IndustryOut,
    LevelOut,
    MeasureIn,
    MeasureOut,
    RiskCardOut,
    RiskMapOut,
    RiskStatsOut,
    SourceIn,
    SourceOut,
    SourcePatch,
    UnitIn,
    UnitOut,
    UnitPatch,
)

router = APIRouter(prefix="/api/v1/risk", tags=["监督管理：安全风险"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("supervision:read"))]
Writer = Annotated[Principal, Depends(requires("supervision:write"))]
UnitId = Annotated[int, Path(ge=1, le=2**31 - 1, description="单位 ID")]
SourceId = Annotated[int, Path(ge=1, le=2**31 - 1, description="风险源 ID")]
DivisionQ = Annotated[str | None, Query(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="行政区划（含下级）")]
IndustryQ = Annotated[str | None, Query(pattern=r"^[a-z_]{1,32}$", description="行业代码")]
LevelQ = Annotated[Literal["major", "significant", "general", "low", "unassessed"] | None,
                   Query(description="风险等级：major 重大、significant 较大、general 一般、low 低、unassessed 未评估")]
ClassQ = Annotated[str | None, Query(pattern=r"^[A-Z]$", description="风险大类代码")]
SubclassQ = Annotated[str | None, Query(pattern=r"^[A-Z][0-9]{2}$", description="风险小类代码")]
TextQ = Annotated[str | None, Query(max_length=100, description="名称或信用代码包含")]
BboxQ = Annotated[str | None, Query(max_length=200, pattern=r"^[0-9eE+\-.,]*$",
                                    description="可视范围：最小经度,最小纬度,最大经度,最大纬度")]
ImportFile = Annotated[UploadFile, File(description="xlsx 或 csv（UTF-8/GBK），首行为中文列名")]
Mode = Annotated[Literal["all_or_nothing", "valid_only"], Form(description="all_or_nothing 全部成功才提交；valid_only 只提交正确的行")]
DryRun = Annotated[bool, Form(description="只校验不提交")]


def _levels() -> list[LevelOut]:
    return [LevelOut(**{k: getattr(lv, k) for k in LevelOut.model_fields}) for lv in all_levels()]


def _xlsx(data: bytes, filename: str) -> StreamingResponse:
    return StreamingResponse(exporting.chunks(data), media_type=exporting.XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"risk.xlsx\"; filename*=UTF-8''{quote(filename)}",
        "Content-Length": str(len(data))})


# --- configuration --------------------------------------------------------------------------------

@router.get("/taxonomy", response_model=list[ClassOut], summary="风险分类（大类/小类）")
def taxonomy(principal: Reader) -> list[ClassOut]:
    return [ClassOut(code=c.code, name=c.name, description=c.description, subclasses=[
        {"code": s.code, "name": s.name, "class_code": s.class_code, "industries": list(s.industries),
         "method": s.method, "typical_sources": list(s.typical_sources)} for s in c.subclasses])
        for c in default_taxonomy().classes]


@router.get("/industries", response_model=list[IndustryOut], summary="行业（领域）清单")
def industries(principal: Reader) -> list[IndustryOut]:
    return [IndustryOut(code=i.code, name=i.name, regulator=i.regulator, enterprise=i.enterprise)
            for i in default_industries()]


@router.get("/levels", response_model=GradingOut, summary="风险等级、颜色与 LEC / 风险矩阵因子表")
def levels(principal: Reader) -> GradingOut:
    cfg = default_grading_config()

    def factors(table: Any) -> dict[str, list[dict[str, Any]]]:
        return {k: [{"value": f.value, "description": f.description} for f in v] for k, v in table.items()}

    return GradingOut(levels=_levels(), lec_factors=factors(cfg.lec_factors), lec_factor_labels=dict(cfg.lec_factor_labels),
                      ls_factors=factors(cfg.ls_factors), ls_factor_labels=dict(cfg.ls_factor_labels),
                      boundary_convention=cfg.boundary_convention)


# --- units ----------------------------------------------------------------------------------------

@router.get("/units", response_model=Page[UnitOut], summary="生产经营单位列表")
def list_units(db: Db, principal: Reader, params: Annotated[PageParams, Depends()], industry: IndustryQ = None,
               level: LevelQ = None, division: DivisionQ = None, q: TextQ = None) -> Page[UnitOut]:
    items, total = service.list_units(db, principal=principal, params=params, industry=industry, level=level,
                                      division=division, q=q)
    return Page(items=[UnitOut.model_validate(u) for u in items], total=total, page=params.page,
                page_size=params.page_size)


@router.post("/units", response_model=UnitOut, status_code=201, summary="登记生产经营单位")
def create_unit(body: UnitIn, db: Db, principal: Writer) -> UnitOut:
    return UnitOut.model_validate(actions.create_unit(db, principal, body))


@router.get("/units/export.xlsx", summary="导出单位清单（Excel）", response_class=StreamingResponse)
def export_units(db: Db, principal: Reader, industry: IndustryQ = None, level: LevelQ = None,
                 division: DivisionQ = None, q: TextQ = None) -> StreamingResponse:
    data = exporting.units_xlsx(db, principal=principal, industry=industry, level=level, division=division, q=q)
    return _xlsx(data, "生产经营单位.xlsx")


@router.post("/units/import", response_model=ImportResult, summary="批量导入单位（xlsx/csv，逐行校验）")
def import_units(db: Db, principal: Writer, file: ImportFile, mode: Mode = "all_or_nothing",
                 dry_run: DryRun = False) -> ImportResult:
    total, imported, errors, committed = actions.import_units(
        db, principal, _read(file), file.filename or "upload", mode=mode, dry_run=dry_run)
    return ImportResult(mode=mode, dry_run=dry_run, total_rows=total, imported=imported, committed=committed,
                        errors=errors)


def _read(file: UploadFile) -> bytes:
    content = file.file.read(10 * 1024 * 1024 + 1)
    if len(content) > 10 * 1024 * 1024:
        raise ValidationFailed("文件超过 10 MB", field="file")
    return content


@router.get("/units/{unit_id}", response_model=UnitOut, summary="单位详情")
def get_unit(unit_id: UnitId, db: Db, principal: Reader) -> UnitOut:
    return UnitOut.model_validate(service.get_unit(db, principal=principal, unit_id=unit_id))


@router.patch("/units/{unit_id}", response_model=UnitOut, summary="修改单位信息")
def patch_unit(unit_id: UnitId, body: UnitPatch, db: Db, principal: Writer) -> UnitOut:
    return UnitOut.model_validate(actions.update_unit(db, principal, unit_id, body))


@router.get("/units/{unit_id}/register.xlsx", summary="单位安全风险管控手册（一册，Excel）",
            response_class=StreamingResponse)
def unit_register(unit_id: UnitId, db: Db, principal: Reader) -> StreamingResponse:
    unit, data = exporting.register_xlsx(db, principal=principal, unit_id=unit_id)
    return _xlsx(data, f"{unit.name}-风险管控手册.xlsx")


# --- risk sources ---------------------------------------------------------------------------------

@router.get("/sources", response_model=Page[SourceOut], summary="风险源列表")
def list_sources(db: Db, principal: Reader, params: Annotated[PageParams, Depends()], class_code: ClassQ = None,
                 subclass_code: SubclassQ = None, level: LevelQ = None, industry: IndustryQ = None,
                 division: DivisionQ = None,
                 unit_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Page[SourceOut]:
    items, total = service.list_sources(db, principal=principal, params=params, class_code=class_code,
                                        subclass_code=subclass_code, level=level, industry=industry,
                                        division=division, unit_id=unit_id)
    return Page(items=[SourceOut.model_validate(s) for s in items], total=total, page=params.page,
                page_size=params.page_size)


@router.post("/sources", response_model=SourceOut, status_code=201, summary="登记风险源")
def create_source(body: SourceIn, db: Db, principal: Writer) -> SourceOut:
    return SourceOut.model_validate(actions.create_source(db, principal, body))


@router.get("/sources/export.xlsx", summary="导出风险源清单（Excel）", response_class=StreamingResponse)
def export_sources(db: Db, principal: Reader, class_code: ClassQ = None, subclass_code: SubclassQ = None,
                   level: LevelQ = None, industry: IndustryQ = None, division: DivisionQ = None) -> StreamingResponse:
    data = exporting.sources_xlsx(db, principal=principal, class_code=class_code, subclass_code=subclass_code,
                                  level=level, industry=industry, division=division)
    return _xlsx(data, "风险源清单.xlsx")


@router.post("/sources/import", response_model=ImportResult, summary="批量导入风险源（xlsx/csv，可含评估因子）")
def import_sources(db: Db, principal: Writer, file: ImportFile, mode: Mode = "all_or_nothing",
                   dry_run: DryRun = False) -> ImportResult:
    total, imported, errors, committed = actions.import_sources(
        db, principal, _read(file), file.filename or "upload", mode=mode, dry_run=dry_run)
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
    unit = service.get_unit(db, principal=principal, unit_id=source.unit_id)
    latest = service.latest_assessments(db, [source.id]).get(source.id)
    tax = default_taxonomy()
    sub = next((s for s in tax.subclasses if s.code == source.subclass_code), None)
    cls = next((c for c in tax.classes if c.code == source.class_code), None)
    division = db.get(Division, source.division_code)
    level = None
    if source.level:
        lv = level_info(source.level)
        level = LevelOut(**{k: getattr(lv, k) for k in LevelOut.model_fields})
    return {"source": SourceOut.model_validate(source), "unit": UnitOut.model_validate(unit), "level": level,
            "subclass_name": sub.name if sub else source.subclass_code, "class_name": cls.name if cls else "",
            "division_name": division.name if division else source.division_code,
            "latest_assessment": AssessmentOut.model_validate(latest) if latest else None,
            "measures": [MeasureOut.model_validate(m) for m in
                         service.list_measures(db, principal=principal, source_id=source.id)],
            "emergency_phone": "119 / 120 / 12350（安全生产举报）"}


# --- map and statistics ---------------------------------------------------------------------------

@router.get("/map", response_model=RiskMapOut, summary="城市安全风险一张图（按区县/乡镇分级计数 + 风险点）")
def risk_map(request: Request, db: Db, principal: Reader, class_code: ClassQ = None, subclass_code: SubclassQ = None,
             level: LevelQ = None, industry: IndustryQ = None, division: DivisionQ = None,
             bbox: BboxQ = None) -> Any:
    def build() -> RiskMapOut:
        data = service.risk_map(db, principal=principal, bbox=bbox, class_code=class_code,
                                subclass_code=subclass_code, level=level, industry=industry, division=division)
        return RiskMapOut(levels=_levels(), **data)

    return cached_json(request, db, principal, RiskMapOut, build)  # ETag/304 + server-side cache


@router.get("/stats", response_model=RiskStatsOut, summary="风险统计（等级 × 类别 / 行业 / 区县）")
def risk_stats(request: Request, db: Db, principal: Reader, class_code: ClassQ = None,
               subclass_code: SubclassQ = None, level: LevelQ = None, industry: IndustryQ = None,
               division: DivisionQ = None) -> Any:
    def build() -> RiskStatsOut:
        data = service.risk_stats(db, principal=principal, class_code=class_code, subclass_code=subclass_code,
                                  level=level, industry=industry, division=division)
        return RiskStatsOut(levels=_levels(), **data)

    return cached_json(request, db, principal, RiskStatsOut, build)
