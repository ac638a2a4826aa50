"""HTTP API of the monitoring domain (监测预警): points, telemetry upload, live map data, alarms."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from sqlalchemy.orm import Session

from yingji.core.api import ERROR_RESPONSES, Page, read_upload
from yingji.core.auth import Principal, get_db, requires
from yingji.core.errors import Forbidden, ValidationFailed
from yingji.core.schemas import ImportResult
from yingji.monitoring import actions, permissions, service
from yingji.monitoring.schemas import (
    AlarmActionIn,
    AlarmFollowIn,
    AlarmOut,
    AlarmQuery,
    DeadLetterOut,
    DeadLetterQuery,
    HistoryQuery,
    NoticesOut,
    PointIn,
    PointOut,
    PointPatch,
    PointQuery,
    TelemetryIn,
    TelemetryOut,
    TickOut,
)

router = APIRouter(prefix="/api/v1/monitoring", tags=["监测预警"], responses=ERROR_RESPONSES)

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Principal, Depends(requires("monitoring:read"))]
Writer = Annotated[Principal, Depends(requires("monitoring:write"))]
PointId = Annotated[int, Path(ge=1, le=2**31 - 1, description="监测点 ID")]
AlarmId = Annotated[int, Path(ge=1, le=2**31 - 1, description="告警 ID")]


@router.get("/catalog", summary="设备类型、指标（单位、量程）、默认规则、告警级别与状态")
def catalog(principal: Reader) -> Any:
    return service.catalog_out()


@router.get("/points", response_model=Page[PointOut], summary="监测点列表")
def list_points(principal: Reader, db: Db, query: Annotated[PointQuery, Query()]) -> Any:
    return service.POINTS.page(db, principal, query)


@router.post("/points", response_model=PointOut, status_code=201, summary="登记监测点")
def create_point(body: PointIn, principal: Writer, db: Db) -> Any:
    return actions.create_point(db, principal, body)


ImportFile = Annotated[UploadFile, File(description="xlsx 或 csv（UTF-8/GBK），首行为中文列名")]
Mode = Annotated[Literal["all_or_nothing", "valid_only"], Form(description="all_or_nothing 全部成功才提交；valid_only 只提交正确的行")]
DryRun = Annotated[bool, Form(description="只校验，不写入")]


@router.post("/points/import", response_model=ImportResult, summary="从 Excel/CSV 导入监测点（逐行校验）")
def import_points(db: Db, principal: Writer, file: ImportFile, mode: Mode = "all_or_nothing",
                  dry_run: DryRun = False) -> ImportResult:
    total, imported, errors, committed = actions.import_points(
        db, principal, read_upload(file), file.filename or "upload", mode=mode, dry_run=dry_run)
    return ImportResult(mode=mode, dry_run=dry_run, total_rows=total, imported=imported, committed=committed,
                        errors=errors)


@router.get("/points/{point_id}", summary="监测点详情（最新值、生效规则、近期告警）")
def get_point(point_id: PointId, principal: Reader, db: Db) -> Any:
    d = service.point_detail(db, principal, point_id)
    return {"point": PointOut.model_validate(d["point"]).model_dump(mode="json"), "rules": d["rules"],
            "latest": d["latest"], "alarms": [AlarmOut.model_validate(a).model_dump(mode="json") for a in d["alarms"]]}


@router.patch("/points/{point_id}", response_model=PointOut, summary="修改监测点（名称、启用、规则覆盖）")
def update_point(point_id: PointId, body: PointPatch, principal: Writer, db: Db) -> Any:
    return actions.update_point(db, principal, point_id, body)


@router.get("/points/{point_id}/history", summary="监测点历史数据（一个指标；48 小时以上为小时汇总）")
def point_history(point_id: PointId, principal: Reader, db: Db, query: Annotated[HistoryQuery, Query()]) -> Any:
    if query.resolution == "raw" and query.hours > 24 * 31:
        raise ValidationFailed("原始读数最多查询 31 天，更长时段请用小时汇总（resolution=hour）", field="hours")
    return service.history(db, principal, point_id, query.metric, query.hours, resolution=query.resolution)


@router.post("/telemetry", response_model=TelemetryOut, summary="批量上传监测数据（与 MQTT 同一入库流程）")
def upload_telemetry(body: TelemetryIn, principal: Writer, db: Db) -> Any:
    r = actions.ingest_telemetry(db, principal, body.messages)
    return TelemetryOut(messages=r.messages, readings=r.readings, stored=r.stored, duplicates=r.duplicates,
                        dead_letters=r.dead_letters, alarms_raised=r.alarms_raised)


@router.get("/live", summary="实时监测一张图：范围内监测点、最新值、未关闭告警、告警中的重大危险源")
def live(principal: Reader, db: Db, device_type: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{0,31}$")] = None) -> Any:
    return service.map_data(db, principal, device_type)


@router.get("/online", summary="在线率（按设备类型、责任单位；目标 99.5%）")
def online(principal: Reader, db: Db) -> Any:
    return service.online_stats(db, principal)


@router.get("/notices", response_model=NoticesOut, summary="我的告警通知（分级，送达本人）")
def my_notices(principal: Reader, db: Db,
               open_only: Annotated[bool, Query(alias="open", description="只看未处理的（告警尚未确认）")] = True,
               limit: Annotated[int, Query(ge=1, le=200, description="条数")] = 50) -> Any:
    return service.my_notices(db, principal, open_only=open_only, limit=limit)


@router.get("/alarms", response_model=Page[AlarmOut], summary="告警列表")
def list_alarms(principal: Reader, db: Db, query: Annotated[AlarmQuery, Query()]) -> Any:
    return service.ALARMS.page(db, principal, query)


@router.get("/alarms/{alarm_id}", response_model=AlarmOut, summary="告警详情")
def get_alarm(alarm_id: AlarmId, principal: Reader, db: Db) -> Any:
    from yingji.core.scope import get_scoped
    from yingji.monitoring.models import Alarm

    return get_scoped(db, principal, Alarm, alarm_id, what="告警")


@router.post("/alarms/{alarm_id}/actions", response_model=AlarmOut, summary="确认、处置、关闭告警")
def alarm_action(alarm_id: AlarmId, body: AlarmActionIn, principal: Writer, db: Db) -> Any:
    return actions.act_on_alarm(db, principal, alarm_id, body)


@router.post("/alarms/{alarm_id}/incident", response_model=AlarmOut, summary="告警转为突发事件（事件模块）")
def alarm_incident(alarm_id: AlarmId, principal: Writer, db: Db) -> Any:
    return actions.open_incident(db, principal, alarm_id)


@router.post("/alarms/{alarm_id}/warning", response_model=AlarmOut, summary="告警提请发布预警（预警模块）")
def alarm_warning(alarm_id: AlarmId, body: AlarmFollowIn, principal: Writer, db: Db) -> Any:
    return actions.propose_warning(db, principal, alarm_id, body.hazard_type)


@router.post("/checks/run", response_model=TickOut, summary="立即执行告警升级与离线巡检（通常由后台定时执行）")
def run_checks(principal: Writer, db: Db) -> Any:
    if (reason := permissions.platform_refusal(principal)) is not None:
        raise Forbidden(reason)
    return actions.run_checks(db, principal)


@router.get("/dead-letters", response_model=Page[DeadLetterOut], summary="死信（无法入库的报文及原因；系统管理员）")
def dead_letters(principal: Reader, db: Db, query: Annotated[DeadLetterQuery, Query()]) -> Any:
    if (reason := permissions.platform_refusal(principal)) is not None:
        raise Forbidden(reason)
    return service.DEAD_LETTERS.page(db, principal, query)
