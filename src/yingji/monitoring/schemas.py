"""Validated inputs and outputs of the monitoring domain (监测预警)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from yingji.core.listing import ListQuery
from yingji.core.schemas import DivisionCode, LongText, Out, ShortText, Strict

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
DeviceCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")]
TypeKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Level = Literal["red", "orange", "yellow", "blue"]
AlarmState = Literal["raised", "acknowledged", "handled", "closed"]


class PointIn(Strict):
    code: DeviceCode = Field(title="设备编码", description="MQTT 主题 yingji/telemetry/<设备编码> 中的编码")
    name: ShortText = Field(title="监测点名称")
    device_type: TypeKey = Field(title="设备类型")
    division_code: DivisionCode = Field(title="所在乡镇（街道）")
    lon: Annotated[float, Field(ge=73, le=136)] = Field(title="经度")
    lat: Annotated[float, Field(ge=3, le=54)] = Field(title="纬度")
    unit_id: Id | None = Field(None, title="责任单位")
    risk_source_id: Id | None = Field(None, title="所属风险源")
    address: ShortText = Field("", title="地址")
    rules_override: dict[str, Any] | None = Field(None, title="规则覆盖")


class PointPatch(Strict):
    name: ShortText | None = Field(None, title="监测点名称")
    address: ShortText | None = Field(None, title="地址")
    active: bool | None = Field(None, title="启用")
    rules_override: dict[str, Any] | None = Field(None, title="规则覆盖")


class PointOut(Out):
    id: int
    code: str
    name: str
    device_type: str
    division_code: str
    unit_id: int | None
    risk_source_id: int | None
    lon: float
    lat: float
    address: str
    active: bool
    online: bool
    synthetic: bool


class PointQuery(ListQuery):
    device_type: TypeKey | None = Field(None, description="设备类型")
    division: DivisionCode | None = Field(None, description="只看该行政区划（含下级）")
    unit_id: Id | None = Field(None, description="责任单位")
    risk_source_id: Id | None = Field(None, description="所属风险源")
    online: bool | None = Field(None, description="是否在线")
    q: Annotated[str, StringConstraints(max_length=100)] | None = Field(None, description="编码或名称包含")


class AlarmQuery(ListQuery):
    state: AlarmState | None = Field(None, description="状态")
    open: bool | None = Field(None, description="未关闭")
    level: Level | None = Field(None, description="级别")
    device_type: TypeKey | None = Field(None, description="设备类型")
    division: DivisionCode | None = Field(None, description="只看该行政区划（含下级）")
    point_id: Id | None = Field(None, description="监测点")


class NoticeOut(Out):
    """A graded alarm notice in the signed-in user's inbox."""

    id: int
    alarm_id: int
    audience: str
    level: str
    escalation: bool
    message: str
    division_code: str
    unit_id: int | None
    raised_at: datetime
    delivered_at: datetime
    done_at: datetime | None


class NoticesOut(BaseModel):
    open: int = Field(title="未处理通知数")
    items: list[NoticeOut]


class AlarmOut(Out):
    id: int
    point_id: int
    device_type: str
    rule_key: str
    kind: str
    metric: str
    level: str
    state: str
    title: str
    message: str
    value: float | None
    division_code: str
    unit_id: int | None
    risk_source_id: int | None
    lon: float | None
    lat: float | None
    raised_at: datetime
    last_at: datetime
    repeat_count: int
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    handled_at: datetime | None
    handled_by: str | None
    handle_note: str
    closed_at: datetime | None
    closed_by: str | None
    escalated_at: datetime | None
    notices: list[dict[str, Any]]
    synthetic: bool


class AlarmActionIn(Strict):
    action: Literal["acknowledge", "handle", "close"] = Field(title="操作")
    note: LongText = Field("", title="处置说明")


class AlarmFollowIn(Strict):
    hazard_type: TypeKey | None = Field(None, title="灾种")



class TelemetryIn(Strict):
    messages: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=5000)] = Field(
        title="报文", description='每条：{"device": 编码, "ts": ISO 8601 或 Unix 秒, "values": {指标: 数值}}')


class TelemetryOut(BaseModel):
    messages: int
    readings: int
    stored: int
    duplicates: int
    dead_letters: dict[str, int]
    alarms_raised: int


class DeadLetterOut(Out):
    id: int
    received_at: datetime
    source: str
    topic: str
    device_code: str | None
    reason: str
    detail: str
    payload: str


class DeadLetterQuery(ListQuery):
    reason: Literal["malformed", "unknown_device", "out_of_range", "unknown_metric"] | None = Field(None, description="原因")


class HistoryQuery(BaseModel):
    metric: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")] | None = None
    hours: Annotated[int, Field(ge=1, le=24 * 400)] = 24
    resolution: Literal["auto", "raw", "hour"] = Field(
        "auto", description="auto：48 小时以内为原始读数，更长为小时汇总（均值、最小、最大、条数）")


class TickIn(Strict):
    pass


class TickOut(BaseModel):
    escalated: int
    offline: int
    back_online: int
