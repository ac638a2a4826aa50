"""HTTP API of the hazards domain (隐患排查治理、挂牌督办)."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from yingji.core import uploads
from yingji.core.api import ERROR_RESPONSES, Page
from yingji.core.service import division_names
from yingji.core.timeutil import local_now
from yingji.core.xlsx import XLSX, xlsx_response
from yingji.core.auth import Principal, get_db, requires
from yingji.core.caching import cached_json
from yingji.core.db import utcnow
from yingji.core.errors import NotFound
from yingji.hazards import actions, service
from yingji.hazards.exporting import hazards_xlsx, ledger_xlsx
from yingji.hazards.schemas import (
    HazardQuery,
    InspectionQuery,
    LedgerQuery,
    QuarterQuery,
    AttachmentOut,
    CatalogOut,
    EscalationRunIn,
    EscalationRunOut,
    HazardDetailOut,
    HazardIn,
    HazardOut,
    InspectionCreatedOut,
    InspectionIn,
    InspectionOut,
    LedgerRowOut,
    LiftIn,
    ListingIn,
    ListingOut,
    PlanIn,
    QuarterlyStatsOut,
    TodoOut,
    TodoQuery,
    TransitionIn,
)

router = APIRouter(prefix="/api/v1/hazards", tags=["隐患排查治理"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("hazards:read"))]
Writer = Annotated[Principal, Depends(requires("hazards:write"))]
HazardId = Annotated[int, Path(ge=1, le=2**31 - 1, description="隐患 ID")]
InspectionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="检查记录 ID")]
ListingId = Annotated[int, Path(ge=1, le=2**31 - 1, description="挂牌督办记录 ID")]
AttachmentId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="附件 ID")]


@router.get("", response_model=Page[HazardOut], summary="隐患列表（状态、分级、逾期、督办、行业、区划筛选；可排序）")
def list_hazards(request: Request, principal: Reader, db: Db, query: Annotated[HazardQuery, Query()]) -> Any:
    return cached_json(request, db, principal, Page[HazardOut],  # ETag/304 + server-side cache
                       lambda: service.list_hazards(db, principal=principal, query=query))


@router.post("", response_model=HazardOut, status_code=201, summary="上报隐患")
def create_hazard(body: HazardIn, principal: Writer, db: Db) -> Any:
    h = actions.report_hazard(db, principal, body)
    return service.decorate(db, [h])[0]


@router.get("/export.xlsx", summary="导出隐患清单（Excel）", response_class=Response,
            responses={200: {"content": {XLSX: {}}}})
def export_hazards(principal: Reader, db: Db, query: Annotated[HazardQuery, Query()]) -> Response:
    return xlsx_response(hazards_xlsx(service.all_hazards(db, principal=principal, query=query), division_names(db)),
                         "隐患清单")


@router.get("/catalog", response_model=CatalogOut, summary="隐患分级、五到位字段、状态与分行业检查表")
def catalog(principal: Reader) -> Any:
    return service.catalog()


@router.get("/ledger", response_model=Page[LedgerRowOut], summary="挂牌督办台账")
def ledger(principal: Reader, db: Db, query: Annotated[LedgerQuery, Query()]) -> Any:
    return service.ledger(db, principal=principal, query=query)


@router.get("/ledger/export.xlsx", summary="导出挂牌督办台账（Excel）", response_class=Response,
            responses={200: {"content": {XLSX: {}}}})
def ledger_export(principal: Reader, db: Db, query: Annotated[LedgerQuery, Query()]) -> Response:
    return xlsx_response(ledger_xlsx(service.ledger_all(db, principal=principal, query=query), division_names(db)),
                         "挂牌督办台账")


@router.get("/stats/quarterly", response_model=QuarterlyStatsOut, summary="季度统计（发现、整改、逾期、整改率）")
def quarterly(principal: Reader, db: Db, query: Annotated[QuarterQuery, Query()]) -> Any:
    local = local_now()
    year = query.year or local.year
    quarter = query.quarter or (local.month - 1) // 3 + 1
    return service.quarterly_stats(db, principal=principal, year=year, quarter=quarter, division=query.division)


@router.post("/escalation/run", response_model=EscalationRunOut, summary="运行逾期检查与升级（市级）")
def run_escalation(body: EscalationRunIn, principal: Writer, db: Db, request: Request) -> Any:
    allowed = request.app.state.settings.clock_override
    return actions.escalate_overdue(db, principal, body.now or utcnow(), simulated=body.now is not None,
                                    allow_simulated=allowed)


@router.get("/todo", response_model=Page[TodoOut],
            summary="我的待办：下一步由我（本单位或我所在的监管部门）办理的隐患，最新在前")
def my_todos(principal: Reader, db: Db, query: Annotated[TodoQuery, Query()]) -> Any:
    return service.todos(db, principal=principal, query=query)


@router.get("/inspections", response_model=Page[InspectionOut], summary="检查记录列表")
def list_inspections(principal: Reader, db: Db, query: Annotated[InspectionQuery, Query()]) -> Any:
    return service.INSPECTIONS.page(db, principal, query)


@router.post("/inspections", response_model=InspectionCreatedOut, status_code=201,
             summary="登记检查记录（不合格项可生成隐患）")
def create_inspection(body: InspectionIn, principal: Writer, db: Db) -> Any:
    insp, hazards = actions.record_inspection(db, principal, body)
    return InspectionCreatedOut(**InspectionOut.model_validate(insp).model_dump(), hazard_ids=[h.id for h in hazards])


@router.get("/inspections/{inspection_id}", response_model=InspectionOut, summary="检查记录详情")
def get_inspection(inspection_id: InspectionId, principal: Reader, db: Db) -> Any:
    return service.inspection_out(db, service.get_inspection(db, principal=principal, inspection_id=inspection_id))


@router.get("/{hazard_id}", response_model=HazardDetailOut, summary="隐患详情（含流转记录与可执行操作）")
def get_hazard(hazard_id: HazardId, principal: Reader, db: Db) -> Any:
    return service.hazard_detail(db, principal=principal, hazard_id=hazard_id)


@router.post("/{hazard_id}/transitions", response_model=HazardDetailOut,
             summary="隐患流转：确认、开始整改、提交验收、验收通过、退回、销号")
def transition(hazard_id: HazardId, body: TransitionIn, principal: Writer, db: Db) -> Any:
    actions.transition(db, principal, hazard_id, body)
    return service.hazard_detail(db, principal=principal, hazard_id=hazard_id)


@router.put("/{hazard_id}/plan", response_model=HazardDetailOut, summary="填写/修改整改方案（五到位）")
def update_plan(hazard_id: HazardId, body: PlanIn, principal: Writer, db: Db) -> Any:
    actions.update_plan(db, principal, hazard_id, body)
    return service.hazard_detail(db, principal=principal, hazard_id=hazard_id)


@router.post("/{hazard_id}/listings", response_model=ListingOut, status_code=201,
             summary="挂牌督办（下达限期整改通知）")
def list_hazard(hazard_id: HazardId, body: ListingIn, principal: Writer, db: Db) -> Any:
    return actions.list_for_supervision(db, principal, hazard_id, body)


@router.post("/{hazard_id}/listings/{listing_id}/lift", response_model=ListingOut,
             summary="摘牌（解除挂牌督办，须填写原因；同级或上级监管部门）")
def lift_listing(hazard_id: HazardId, listing_id: ListingId, body: LiftIn, principal: Writer, db: Db) -> Any:
    return actions.lift_listing(db, principal, hazard_id, listing_id, body)


@router.post("/{hazard_id}/attachments", response_model=AttachmentOut, status_code=201,
             summary="上传隐患照片或附件（JPEG/PNG/WebP/PDF，≤10 MB）")
def upload_attachment(hazard_id: HazardId, request: Request, principal: Writer, db: Db,
                      file: Annotated[UploadFile, File(description="照片或 PDF")]) -> Any:
    content = file.file.read(actions.MAX_UPLOAD_BYTES + 1)
    settings = request.app.state.settings
    policy = uploads.UploadPolicy.from_settings(settings, max_bytes=actions.MAX_UPLOAD_BYTES)
    return actions.add_attachment(db, principal, hazard_id, filename=file.filename or "upload",
                                  content_type=file.content_type or "", content=content,
                                  data_dir=settings.resolved_data_dir, policy=policy)


@router.get("/{hazard_id}/attachments/{attachment_id}", summary="下载隐患附件", response_class=FileResponse,
            responses={200: {"content": {"application/octet-stream": {}}}})
def download_attachment(hazard_id: HazardId, attachment_id: AttachmentId, request: Request, principal: Reader,
                        db: Db) -> Any:
    h = service.get_hazard(db, principal=principal, hazard_id=hazard_id)
    meta = next((a for a in (h.attachments or []) if a.get("id") == attachment_id), None)
    data_dir: FsPath = request.app.state.settings.resolved_data_dir
    if meta is None or not (data_dir / meta["stored"]).is_file():
        raise NotFound("附件不存在")
    return uploads.file_response(data_dir / meta["stored"], meta["filename"])


