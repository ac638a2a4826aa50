"""HTTP API of the warnings domain (预警信息编制、审批、签发；CAP 1.2 导入导出)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page
from yingji.core.auth import QUERY, Principal, get_db, requires
from yingji.core.errors import Forbidden
from yingji.core.scope import ensure_in_scope
from yingji.warnings import actions, catalog, permissions, service
from yingji.warnings.schemas import (
    CancelIn,
    CountIn,
    ImportIn,
    ImportOut,
    ImportQuery,
    ImportRowOut,
    RejectIn,
    ReviewIn,
    UpdateIn,
    VersionOut,
    WarningDetailOut,
    WarningIn,
    WarningOut,
    WarningPatch,
    WarningQuery,
)

router = APIRouter(prefix="/api/v1/warnings", tags=["预警发布"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("warnings:read"))]
Writer = Annotated[Principal, Depends(requires("warnings:write"))]
WarningId = Annotated[int, Path(ge=1, le=2**31 - 1, description="预警 ID")]
VersionNo = Annotated[int, Path(ge=1, le=100_000, description="版本号")]
CAP_XML = "application/cap+xml"


def _detail(db: Session, principal: Principal, warning_id: int) -> WarningDetailOut:
    return service.detail(db, principal=principal, warning_id=warning_id)


@router.get("", response_model=Page[WarningOut], summary="预警列表（状态、审批、级别、类型、区划；queue=true 为待我审批）")
def list_warnings(principal: Reader, db: Db, query: Annotated[WarningQuery, Query()]) -> Any:
    return service.list_warnings(db, principal=principal, query=query)


@router.post("", response_model=WarningDetailOut, status_code=201, summary="起草预警（按模板生成标题、内容和防御指南）")
def create_warning(body: WarningIn, principal: Writer, db: Db) -> Any:
    w = actions.create_warning(db, principal, body)
    return _detail(db, principal, w.id)


@router.get("/templates", summary="预警模板：类型、级别（蓝黄橙红 / Ⅳ–Ⅰ）、判定标准与防御指南")
def templates(principal: Reader) -> Any:
    return catalog.public_catalog()


@router.post("/count", openapi_extra=QUERY, summary="发布范围内的接收对象数与覆盖人口（编辑时实时计算）")
def count(body: CountIn, principal: Writer, db: Db) -> Any:
    from yingji.broadcast import service as broadcast

    if (reason := permissions.write_refusal(principal)) is not None:
        raise Forbidden(reason)
    area = body.area.model_dump(mode="json")
    for code in area["divisions"]:
        ensure_in_scope(principal, code, field="area.divisions")
    if area["polygons"] or area["circles"]:
        ensure_in_scope(principal, principal.scope_code, field="area")
    return broadcast.count_in_area(db, area)


@router.get("/imports", response_model=Page[ImportRowOut], summary="外部 CAP 导入记录（含每条问题）")
def list_imports(principal: Reader, db: Db, query: Annotated[ImportQuery, Query()]) -> Any:
    return service.list_imports(db, principal=principal, query=query)


@router.post("/import", response_model=ImportOut, summary="导入外部 CAP 1.2 消息（宽松模式修复并报告问题；严格模式拒收）")
def import_cap(body: ImportIn, principal: Writer, db: Db) -> Any:
    row, duplicate, faults = actions.import_cap(db, principal, body)
    return ImportOut(import_id=row.id if row else None, warning_id=row.warning_id if row else None,
                     duplicate=duplicate, faults=faults)


@router.get("/{warning_id}", response_model=WarningDetailOut, summary="预警详情：版本链（CAP）、审批记录、可做的操作")
def get_warning(warning_id: WarningId, principal: Reader, db: Db) -> Any:
    return _detail(db, principal, warning_id)


@router.patch("/{warning_id}", response_model=WarningDetailOut, summary="修改草稿或被退回的修订")
def edit_warning(warning_id: WarningId, body: WarningPatch, principal: Writer, db: Db) -> Any:
    actions.edit_warning(db, principal, warning_id, body)
    return _detail(db, principal, warning_id)


@router.post("/{warning_id}/submit", response_model=WarningDetailOut, summary="提交审批")
def submit_warning(warning_id: WarningId, body: ReviewIn, principal: Writer, db: Db) -> Any:
    actions.submit_warning(db, principal, warning_id, body)
    return _detail(db, principal, warning_id)


@router.post("/{warning_id}/approve", response_model=WarningDetailOut, summary="审批通过（须非起草人、非提交人）")
def approve_warning(warning_id: WarningId, body: ReviewIn, principal: Writer, db: Db) -> Any:
    actions.approve_warning(db, principal, warning_id, body)
    return _detail(db, principal, warning_id)


@router.post("/{warning_id}/reject", response_model=WarningDetailOut, summary="退回（须写明原因）")
def reject_warning(warning_id: WarningId, body: RejectIn, principal: Writer, db: Db) -> Any:
    actions.reject_warning(db, principal, warning_id, body)
    return _detail(db, principal, warning_id)


@router.post("/{warning_id}/comments", response_model=WarningDetailOut, summary="添加意见")
def comment_warning(warning_id: WarningId, body: ReviewIn, principal: Writer, db: Db) -> Any:
    actions.comment_warning(db, principal, warning_id, body)
    return _detail(db, principal, warning_id)


@router.post("/{warning_id}/publish", response_model=WarningDetailOut, summary="签发：生成 CAP 版本并交付发布渠道")
def publish_warning(warning_id: WarningId, principal: Writer, db: Db) -> Any:
    actions.publish_warning(db, principal, warning_id)
    return _detail(db, principal, warning_id)


@router.post("/{warning_id}/update", response_model=WarningDetailOut, summary="更新、升级或降级已发布的预警（提交审批）")
def update_warning(warning_id: WarningId, body: UpdateIn, principal: Writer, db: Db) -> Any:
    actions.begin_update(db, principal, warning_id, body)
    return _detail(db, principal, warning_id)


@router.post("/{warning_id}/cancel", response_model=WarningDetailOut, summary="申请解除预警（提交审批）")
def cancel_warning(warning_id: WarningId, body: CancelIn, principal: Writer, db: Db) -> Any:
    actions.begin_cancel(db, principal, warning_id, body)
    return _detail(db, principal, warning_id)


@router.get("/{warning_id}/versions", response_model=list[VersionOut], summary="已发布版本（CAP 链）")
def list_versions(warning_id: WarningId, principal: Reader, db: Db) -> Any:
    w = service.get_warning(db, principal=principal, warning_id=warning_id)
    return [VersionOut.model_validate(v) for v in service.versions(db, w.id)]


@router.get("/{warning_id}/versions/{version_no}/cap.xml", summary="某一版本的 CAP 1.2 文档", response_class=Response,
            responses={200: {"content": {CAP_XML: {}}}})
def version_cap(warning_id: WarningId, version_no: VersionNo, principal: Reader, db: Db) -> Response:
    xml = service.version_xml(db, principal=principal, warning_id=warning_id, version=version_no)
    return Response(xml, media_type=CAP_XML)
