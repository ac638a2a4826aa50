"""HTTP API of the plans domain (应急预案): library, editor, lifecycle, versions and diff, activation
boards, drills, template import; and the matching plans and resources dispatch asks for."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page
from yingji.core.auth import Principal, get_db, requires
from yingji.core.db import utcnow
from yingji.core.errors import ValidationFailed
from yingji.core.scope import get_scoped
from yingji.core.xlsx import XLSX, xlsx_response
from yingji.plans import actions, service
from yingji.plans.catalog import parse_grade
from yingji.plans.importing import MAX_BYTES, template_docx, template_xlsx
from yingji.plans.models import Drill
from yingji.plans.schemas import (
    ActivationIn,
    ActivationOut,
    ActivationQuery,
    BoardOut,
    CatalogOut,
    DiffOut,
    DrillIn,
    DrillOut,
    DrillQuery,
    EvaluationIn,
    ImportOut,
    MatchOut,
    MatchQuery,
    OverdueRunIn,
    OverdueRunOut,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    PlanQuery,
    ResourceOut,
    TaskOut,
    TaskPatch,
    TransitionIn,
    VersionDetailOut,
    VersionOut,
)

router = APIRouter(prefix="/api/v1/plans", tags=["应急预案"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("plans:read"))]
PlanId = Annotated[int, Path(ge=1, le=2**31 - 1, description="预案 ID")]
ActivationId = Annotated[int, Path(ge=1, le=2**31 - 1, description="预案启动记录 ID")]
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1, description="任务 ID")]
DrillId = Annotated[int, Path(ge=1, le=2**31 - 1, description="演练记录 ID")]
VersionNo = Annotated[int, Path(ge=1, le=100000, description="版本号")]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _clock(request: Request, value: Any, field: str) -> Any:
    """A client-set clock is honoured only where the installation allows it (drills, tests)."""
    if value is not None and not request.app.state.settings.clock_override:
        raise ValidationFailed("本系统不允许指定时间（仅演练/测试环境可用）", field=field)
    return value


@router.get("", response_model=Page[PlanOut], summary="预案库（类别、层级、状态、事件类型、区划筛选）")
def list_plans(principal: Reader, db: Db, query: Annotated[PlanQuery, Query()]) -> Any:
    return service.list_plans(db, principal=principal, query=query)


@router.post("", response_model=PlanDetailOut, status_code=201, summary="新建预案（草稿）")
def create_plan(body: PlanIn, principal: Reader, db: Db) -> Any:
    p = actions.create_plan(db, principal, body)
    return service.plan_detail(db, principal, p.id)


@router.get("/catalog", response_model=CatalogOut, summary="预案类别、层级、状态、事件类型、力量类型等代码表")
def catalog(principal: Reader) -> Any:
    return service.catalog()


@router.get("/match", response_model=list[MatchOut], summary="与事件类型和等级匹配的在用预案（已审批/已备案）")
def match(principal: Reader, db: Db, query: Annotated[MatchQuery, Query()]) -> Any:
    if not query.incident_type or not query.grade:
        return []
    return [m for m in service.matching_plans(db, query.incident_type, _grade(query.grade), query.division)
            if service.plan_readable(principal, get_plan_row(db, m["plan_id"]))]


def _grade(value: str) -> int:
    try:
        return parse_grade(value)
    except ValueError as e:
        raise ValidationFailed(str(e), field="grade") from None


def get_plan_row(db: Session, plan_id: int) -> Any:
    from yingji.plans.models import ContingencyPlan

    return db.get(ContingencyPlan, plan_id)


@router.get("/resources", response_model=list[ResourceOut], summary="匹配预案要求调用的力量（预案调派依据）")
def resources(principal: Reader, db: Db, query: Annotated[MatchQuery, Query()]) -> Any:
    if not query.incident_type or not query.grade:
        return []
    return [r for r in service.resources_for(db, query.incident_type, _grade(query.grade), query.division)
            if service.plan_readable(principal, get_plan_row(db, r["plan_id"]))]


@router.get("/template.xlsx", summary="下载预案结构化模板（Excel）", response_class=Response,
            responses={200: {"content": {XLSX: {}}}})
def template_excel(principal: Reader) -> Response:
    return xlsx_response(template_xlsx(), "应急预案结构化模板")


@router.get("/template.docx", summary="下载预案结构化模板（Word）", response_class=Response,
            responses={200: {"content": {DOCX: {}}}})
def template_word(principal: Reader) -> Response:
    from urllib.parse import quote

    return Response(template_docx(), media_type=DOCX, headers={
        "Content-Disposition": f"attachment; filename=\"plan-template.docx\"; filename*=UTF-8''{quote('应急预案结构化模板.docx')}"})


@router.post("/import", response_model=ImportOut, summary="从 Word/Excel 模板导入预案结构（有错误时不写入，逐行/逐段说明）")
def import_plan(principal: Reader, db: Db,
                file: Annotated[UploadFile, File(description="填写好的模板（.docx 或 .xlsx）")],
                dry_run: Annotated[bool, Form()] = False) -> Any:
    content = file.file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ValidationFailed("文件超过 5 MB", field="file")
    return actions.import_plan(db, principal, file.filename or "upload", content, dry_run=dry_run)


@router.get("/activations", response_model=Page[ActivationOut], summary="预案启动记录（响应中/已结束）")
def list_activations(principal: Reader, db: Db, query: Annotated[ActivationQuery, Query()]) -> Any:
    return service.list_activations(db, principal=principal, query=query)


@router.get("/activations/{activation_id}", response_model=BoardOut, summary="任务看板：任务、责任、时限与逾期")
def board(principal: Reader, db: Db, activation_id: ActivationId) -> Any:
    return service.board(db, principal, activation_id)


@router.post("/activations/{activation_id}/close", response_model=ActivationOut, summary="响应终止")
def close_activation(principal: Reader, db: Db, activation_id: ActivationId) -> Any:
    a = actions.close_activation(db, principal, activation_id)
    return service.activation_out(a)


@router.patch("/tasks/{task_id}", response_model=TaskOut, summary="更新任务状态、责任人、备注")
def update_task(principal: Reader, db: Db, task_id: TaskId, body: TaskPatch) -> Any:
    t = actions.update_task(db, principal, task_id, body)
    return service.task_out(t, utcnow())


@router.post("/tasks/overdue-check", response_model=OverdueRunOut, summary="检查并标记逾期任务")
def overdue_check(principal: Reader, db: Db, body: OverdueRunIn, request: Request) -> Any:
    now = _clock(request, body.now, "now")
    flagged = actions.check_overdue(db, principal, now)
    return {"checked": len(flagged), "newly_overdue": len(flagged), "task_ids": [t.id for t in flagged]}


@router.get("/drills", response_model=Page[DrillOut], summary="演练记录")
def list_drills(principal: Reader, db: Db, query: Annotated[DrillQuery, Query()]) -> Any:
    return service.list_drills(db, principal=principal, query=query)


@router.post("/drills", response_model=DrillOut, status_code=201, summary="登记演练")
def record_drill(principal: Reader, db: Db, body: DrillIn) -> Any:
    return actions.record_drill(db, principal, body)


@router.get("/drills/{drill_id}", response_model=DrillOut, summary="演练记录详情")
def drill(principal: Reader, db: Db, drill_id: DrillId) -> Any:
    return get_scoped(db, principal, Drill, drill_id, what="演练记录")


@router.post("/drills/{drill_id}/evaluation", response_model=DrillOut, summary="演练评估（评分与发现的问题）")
def evaluate_drill(principal: Reader, db: Db, drill_id: DrillId, body: EvaluationIn) -> Any:
    return actions.evaluate_drill(db, principal, drill_id, body)


@router.post("/drills/{drill_id}/revision", response_model=PlanDetailOut, summary="据演练发现的问题生成预案修订稿")
def revise_from_drill(principal: Reader, db: Db, drill_id: DrillId) -> Any:
    p = actions.revise_from_drill(db, principal, drill_id)
    return service.plan_detail(db, principal, p.id)


@router.get("/{cplan_id}", response_model=PlanDetailOut, summary="预案详情（结构化内容、可执行操作）")
def plan(principal: Reader, db: Db, cplan_id: PlanId) -> Any:
    return service.plan_detail(db, principal, cplan_id)


@router.patch("/{cplan_id}", response_model=PlanDetailOut, summary="修改预案（草稿或修订中；每次保存一个版本）")
def update_plan(principal: Reader, db: Db, cplan_id: PlanId, body: PlanPatch) -> Any:
    actions.update_plan(db, principal, cplan_id, body)
    return service.plan_detail(db, principal, cplan_id)


@router.post("/{cplan_id}/transitions", response_model=PlanDetailOut, summary="审批、备案、启动修订")
def transition(principal: Reader, db: Db, cplan_id: PlanId, body: TransitionIn) -> Any:
    actions.transition_plan(db, principal, cplan_id, body)
    return service.plan_detail(db, principal, cplan_id)


@router.get("/{cplan_id}/versions", response_model=list[VersionOut], summary="预案版本（不可修改的快照）")
def versions(principal: Reader, db: Db, cplan_id: PlanId) -> Any:
    return service.versions(db, principal, cplan_id)


@router.get("/{cplan_id}/versions/{version_no}", response_model=VersionDetailOut, summary="某一版本的内容")
def version(principal: Reader, db: Db, cplan_id: PlanId, version_no: VersionNo) -> Any:
    return service.version(db, principal, cplan_id, version_no)


@router.get("/{cplan_id}/diff", response_model=DiffOut, summary="两个版本之间的差异（逐项说明）")
def diff(principal: Reader, db: Db, cplan_id: PlanId,
         from_version: Annotated[int | None, Query(alias="from", ge=1, le=100000, description="旧版本号（默认上一版）")] = None,
         to_version: Annotated[int | None, Query(alias="to", ge=1, le=100000, description="新版本号（默认当前版）")] = None) -> Any:
    p = service.get_plan(db, principal, cplan_id)
    to_no = to_version or p.version
    return service.version_diff(db, principal, cplan_id, from_version or max(1, to_no - 1), to_no)


@router.post("/{cplan_id}/activations", response_model=BoardOut, status_code=201,
             summary="启动预案（关联事件，或指定位置、类型与等级），生成任务看板")
def activate(principal: Reader, db: Db, cplan_id: PlanId, body: ActivationIn, request: Request) -> Any:
    at = _clock(request, body.at, "at")
    a = actions.activate_plan(db, principal, cplan_id, body, now=at)
    return service.board(db, principal, a.id, now=at)
