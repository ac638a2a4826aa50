"""HTTP API of the incidents domain (接警、事件、定级、信息报送)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page
from yingji.core.auth import Principal, get_db, requires
from yingji.core.errors import NotFound
from yingji.core.scope import get_scoped
from yingji.incidents import actions, service, speech
from yingji.incidents.grading import grading_rules
from yingji.incidents.models import Call
from yingji.incidents.schemas import (
    AudioCallIn,
    AudioCallOut,
    BoardRowOut,
    CallIn,
    CallOut,
    CallQuery,
    CountsIn,
    IncidentDetailOut,
    IncidentIn,
    IncidentOut,
    IncidentQuery,
    MergeIn,
    ReceiveIn,
    ReportDraftIn,
    ReportIn,
    ReportOut,
    ReportSubmitIn,
    StatsQuery,
    StatusIn,
    TakenCallOut,
    TimelinessOut,
    TranscriptIn,
)

router = APIRouter(prefix="/api/v1/incidents", tags=["接警与信息报送"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("incidents:read"))]
Writer = Annotated[Principal, Depends(requires("incidents:write"))]
IncidentId = Annotated[int, Path(ge=1, le=2**31 - 1, description="事件 ID")]
CallId = Annotated[int, Path(ge=1, le=2**31 - 1, description="来电 ID")]
ReportId = Annotated[int, Path(ge=1, le=2**31 - 1, description="报告 ID")]


@router.get("", response_model=Page[IncidentOut], summary="事件列表（状态、类型、等级、区划筛选）")
def list_incidents(principal: Reader, db: Db, query: Annotated[IncidentQuery, Query()]) -> Any:
    return service.list_incidents(db, principal, query)


@router.post("", response_model=IncidentOut, status_code=201, summary="创建事件（由接警表单，或手工登记）")
def create_incident(body: IncidentIn, principal: Writer, db: Db) -> Any:
    return service.decorate(db, [actions.create_incident(db, principal, body)])[0]


@router.get("/rules", summary="定级、响应与报送时限规则（含依据）")
def rules(principal: Reader) -> Any:
    return grading_rules()


@router.post("/calls", response_model=TakenCallOut, status_code=201,
             summary="接警：记录来电，自动抽取表单（各项含置信度）、定位地点、初判等级、提示可合并事件")
def take_call(body: CallIn, principal: Writer, db: Db) -> Any:
    return actions.take_call(db, principal, body)


@router.post("/calls/audio", response_model=AudioCallOut, status_code=201,
             summary="录音接警：上传来电录音（WAV），配置了语音识别引擎时自动转写并抽取表单；未配置时录音照样保存")
def take_audio_call(request: Request, principal: Writer, db: Db,
                    file: Annotated[UploadFile, File(description="来电录音（WAV，PCM 8/16 位）")],
                    transcript: Annotated[str, Form(description="来电内容（可不填）")] = "",
                    caller_number: Annotated[str, Form(description="来电号码")] = "",
                    caller_lon: Annotated[float | None, Form(description="来电位置（经度）")] = None,
                    caller_lat: Annotated[float | None, Form(description="来电位置（纬度）")] = None) -> Any:
    settings = request.app.state.settings
    try:
        data = AudioCallIn(transcript=transcript, caller_number=caller_number, caller_lon=caller_lon,
                           caller_lat=caller_lat)
    except ValidationError as exc:
        raise RequestValidationError([e | {"loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    limits = speech.AudioLimits(max_bytes=settings.speech_max_audio_bytes, max_seconds=settings.speech_max_seconds)
    audio = file.file.read(limits.max_bytes + 1)
    engine, unavailable = (None, "") if data.transcript.strip() else speech.resolve(
        settings.speech_engine, settings.speech_model_path)
    return actions.take_audio_call(db, principal, data, audio, data_dir=settings.resolved_data_dir, engine=engine,
                                   unavailable=unavailable, limits=limits)


@router.post("/calls/{call_id}/transcript", response_model=TakenCallOut,
             summary="补录来电内容（录音未能自动转写时），抽取表单")
def enter_transcript(call_id: CallId, body: TranscriptIn, principal: Writer, db: Db) -> Any:
    return actions.enter_transcript(db, principal, call_id, body)


@router.get("/calls/{call_id}/audio", summary="来电录音（WAV）", response_class=FileResponse,
            responses={200: {"content": {"audio/wav": {}}}})
def call_audio(call_id: CallId, request: Request, principal: Reader, db: Db) -> Any:
    call = get_scoped(db, principal, Call, call_id, what="来电记录")
    data_dir = request.app.state.settings.resolved_data_dir
    path = (data_dir / call.audio_path).resolve() if call.audio_path else None
    if path is None or not path.is_relative_to(data_dir / "uploads") or not path.is_file():
        raise NotFound("该来电没有录音")
    return FileResponse(path, media_type="audio/wav", filename=f"来电录音-{call.id}.wav",
                        headers={"X-Content-Type-Options": "nosniff"}, content_disposition_type="attachment")


@router.get("/calls", response_model=Page[CallOut], summary="来电记录")
def list_calls(principal: Reader, db: Db, query: Annotated[CallQuery, Query()]) -> Any:
    return service.CALLS.page(db, principal, query)


@router.post("/calls/{call_id}/merge", response_model=IncidentOut, summary="来电并入已有事件")
def merge_call(call_id: CallId, body: MergeIn, principal: Writer, db: Db) -> Any:
    return service.decorate(db, [actions.merge_call(db, principal, call_id, body)])[0]


@router.get("/reports/board", response_model=list[BoardRowOut], summary="报送时限看板：待报告按截止时间排序")
def report_board(principal: Reader, db: Db) -> Any:
    return service.board(db, principal)


@router.get("/reports/timeliness", response_model=TimelinessOut, summary="按区县、月份统计报送及时率（目标 100%）")
def timeliness(principal: Reader, db: Db, query: Annotated[StatsQuery, Query()]) -> Any:
    return service.timeliness_stats(db, principal, query.year, query.month)


@router.put("/reports/{report_id}", response_model=ReportOut, summary="保存报告草稿（报送前修改正文）")
def save_report_draft(report_id: ReportId, body: ReportDraftIn, principal: Writer, db: Db) -> Any:
    return actions.save_report_draft(db, principal, report_id, body)


@router.post("/reports/{report_id}/submit", response_model=ReportOut, summary="报送（可先修改正文）")
def submit_report(report_id: ReportId, body: ReportSubmitIn, principal: Writer, db: Db) -> Any:
    return actions.submit_report(db, principal, report_id, body)


@router.post("/reports/{report_id}/receive", response_model=ReportOut, summary="签收报告（记录接收人）")
def receive_report(report_id: ReportId, body: ReceiveIn, principal: Writer, db: Db) -> Any:
    return actions.receive_report(db, principal, report_id, body)


@router.get("/{incident_id}", response_model=IncidentDetailOut, summary="事件详情（时间线、定级历史、报告、报送时限）")
def get_incident(incident_id: IncidentId, principal: Reader, db: Db) -> Any:
    return service.detail(db, principal, incident_id)


@router.put("/{incident_id}/counts", response_model=IncidentDetailOut, summary="核报伤亡与损失（自动重新定级，保留历史）")
def update_counts(incident_id: IncidentId, body: CountsIn, principal: Writer, db: Db) -> Any:
    actions.update_counts(db, principal, incident_id, body)
    return service.detail(db, principal, incident_id)


@router.post("/{incident_id}/status", response_model=IncidentDetailOut, summary="变更状态：接警 → 处置中 → 结束")
def change_status(incident_id: IncidentId, body: StatusIn, principal: Writer, db: Db) -> Any:
    actions.change_status(db, principal, incident_id, body)
    return service.detail(db, principal, incident_id)


@router.post("/{incident_id}/reports", response_model=ReportOut, status_code=201,
             summary="生成报告（首报/续报/终报，按格式生成正文，可修改）")
def generate_report(incident_id: IncidentId, body: ReportIn, principal: Writer, db: Db) -> Any:
    return actions.generate_report(db, principal, incident_id, body)
