"""Input and output models of the incidents domain (Chinese 422 messages via the shared types)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from yingji.core.listing import ListQuery
from yingji.core.schemas import DivisionCode, DivisionFilter, LongText, OccurredAt, Out, ShortText, Strict

Status = Literal["received", "handling", "closed"]
ReportKind = Literal["first", "followup", "final"]
ReportLevel = Literal["county", "city", "province", "state"]

MAX_COUNT = 1_000_000


class CallIn(Strict):
    """A call as received: the transcript (from the speech adapter or typed) and who called."""

    transcript: LongText = Field(min_length=1, description="来电内容（转写文本）")
    caller_number: str = Field("", max_length=32, pattern=r"^[0-9+\-() ]*$", description="来电号码")
    received_at: OccurredAt | None = Field(None, description="接警时间（缺省为现在）")
    audio_path: str | None = Field(None, max_length=300, description="录音文件（可选）")
    caller_lon: float | None = Field(None, ge=-180, le=180, description="网络提供的来电位置（经度）")
    caller_lat: float | None = Field(None, ge=-90, le=90, description="网络提供的来电位置（纬度）")


class AudioCallIn(Strict):
    """A recorded call (the form fields sent with the WAV file): the transcript is optional."""

    transcript: LongText = Field("", description="来电内容（可不填：由语音识别转写）")
    caller_number: str = Field("", max_length=32, pattern=r"^[0-9+\-() ]*$", description="来电号码")
    caller_lon: float | None = Field(None, ge=-180, le=180, description="网络提供的来电位置（经度）")
    caller_lat: float | None = Field(None, ge=-90, le=90, description="网络提供的来电位置（纬度）")


class TranscriptIn(Strict):
    transcript: LongText = Field(min_length=1, description="来电内容（据录音补录）")


class CountsIn(Strict):
    dead: int = Field(0, ge=0, le=MAX_COUNT, description="死亡")
    missing: int = Field(0, ge=0, le=MAX_COUNT, description="失踪")
    seriously_injured: int = Field(0, ge=0, le=MAX_COUNT, description="重伤（含急性工业中毒）")
    injured: int = Field(0, ge=0, le=MAX_COUNT, description="受伤")
    trapped: int = Field(0, ge=0, le=MAX_COUNT, description="被困")
    endangered: int = Field(0, ge=0, le=MAX_COUNT, description="涉险")
    evacuated: int = Field(0, ge=0, le=MAX_COUNT, description="疏散")
    loss_wan: float = Field(0, ge=0, le=1e9, description="直接经济损失（万元）")
    note: ShortText = Field("", description="说明（如：医院核实）")


class IncidentIn(CountsIn):
    """The incident form (every field editable after extraction)."""

    type: ShortText = Field(min_length=1, description="事件类型（建筑火灾、交通事故…）")
    category: ShortText = Field("", description="事件类别（GB/T 35561）")
    title: ShortText = Field("", description="标题（缺省由地点与类型生成）")
    place_text: ShortText = Field("", description="事发地点（如来电所述）")
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    division_code: DivisionCode = Field(description="所在区县或乡镇（街道）代码")
    hazards: list[ShortText] = Field(default_factory=list, max_length=50)
    keywords: list[ShortText] = Field(default_factory=list, max_length=50)
    description: LongText = ""
    occurred_at: OccurredAt | None = None
    call_id: int | None = Field(None, ge=1, le=2**31 - 1, description="由哪次来电创建")


class MergeIn(Strict):
    incident_id: int = Field(ge=1, le=2**31 - 1, description="并入的事件")


class StatusIn(Strict):
    status: Status
    note: ShortText = ""


class ReportIn(Strict):
    kind: ReportKind
    level: ReportLevel = "county"
    text: LongText | None = Field(None, description="报告正文（缺省按格式生成）")


class ReportSubmitIn(Strict):
    text: LongText | None = Field(None, description="报送前修改的正文")


class ReportDraftIn(Strict):
    text: LongText = Field(min_length=1, description="报告正文（草稿）")


class ReceiveIn(Strict):
    received_by: ShortText = Field(min_length=1, description="接收人（单位与姓名）")


class IncidentQuery(ListQuery):
    status: Status | None = None
    type: str | None = Field(None, max_length=32)
    grade: str | None = Field(None, max_length=20)
    division: DivisionFilter = None
    q: str | None = Field(None, max_length=100)
    open: bool | None = Field(None, description="只看未结束的事件")


class CallQuery(ListQuery):
    division: DivisionFilter = None


class StatsQuery(Strict):
    year: int | None = Field(None, ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12)


class IncidentOut(Out):
    id: int
    code: str
    title: str
    type: str
    category: str
    place_text: str
    lon: float | None
    lat: float | None
    division_code: str
    division_name: str = ""
    status: str
    status_label: str = ""
    dead: int
    missing: int
    seriously_injured: int
    injured: int
    trapped: int
    endangered: int
    evacuated: int
    loss_wan: float
    grade: str
    grade_label: str = ""
    response_level: str
    response_label: str = ""
    risk_flags: list[str]
    hazards: list[str]
    keywords: list[str]
    description: str
    source: str
    occurred_at: datetime
    received_at: datetime
    closed_at: datetime | None
    next_due: dict[str, Any] | None = None
    overdue_reports: int = 0


class CallOut(Out):
    id: int
    caller_number: str
    received_at: datetime
    transcript: str
    audio_path: str | None
    extraction: dict[str, Any]
    division_code: str
    incident_id: int | None
    merged: bool


class TimelineOut(Out):
    id: int
    kind: str
    text: str
    data: dict[str, Any]
    actor: str
    at: datetime


class GradeOut(Out):
    id: int
    grade: str
    response_level: str
    risk_flags: list[str]
    counts: dict[str, Any]
    reasons: list[str]
    change: str
    actor: str
    at: datetime


class ReportOut(Out):
    id: int
    incident_id: int
    kind: str
    level: str
    text: str
    due_at: datetime
    submitted_at: datetime | None
    submitted_by: str | None
    on_time: bool | None
    received_by: str | None
    received_at: datetime | None


class DueOut(Out):
    kind: str
    kind_label: str
    level: str
    level_label: str
    due_at: datetime
    submitted_at: datetime | None
    overdue: bool
    late: bool


class ProposalOut(Out):
    id: int
    call_id: int
    incident_id: int
    distance_m: float | None
    minutes_apart: float
    state: str


class IncidentDetailOut(BaseModel):
    incident: IncidentOut
    timeline: list[TimelineOut]
    grades: list[GradeOut]
    reports: list[ReportOut]
    calls: list[CallOut]
    schedule: list[DueOut]
    proposals: list[ProposalOut]
    can_write: bool


class TakenCallOut(BaseModel):
    call: CallOut
    form: dict[str, Any]
    places: list[dict[str, Any]]
    grade: dict[str, Any]
    merge_candidates: list[dict[str, Any]]
    seconds: float


class TranscriptionOut(BaseModel):
    status: Literal["transcribed", "typed", "not_configured", "failed", "empty"]
    engine: str | None
    confidence: float | None
    seconds: float | None
    audio_seconds: float
    message: str


class AudioCallOut(BaseModel):
    """A recorded call: the form as for a typed call when there is a transcript, else ``form`` is null and
    ``transcription.message`` says why (in Chinese)."""

    call: CallOut
    form: dict[str, Any] | None
    places: list[dict[str, Any]]
    grade: dict[str, Any] | None
    merge_candidates: list[dict[str, Any]]
    seconds: float
    transcription: TranscriptionOut


class BoardRowOut(BaseModel):
    incident_id: int
    code: str
    title: str
    division_code: str
    division_name: str
    grade: str
    due: DueOut


class TimelinessRowOut(BaseModel):
    county_code: str
    county_name: str
    on_time: int
    counted: int
    rate: float | None
    target: float = 1.0


class TimelinessOut(BaseModel):
    year: int
    month: int
    rows: list[TimelinessRowOut]
    on_time: int
    counted: int
    rate: float | None
