"""Validated inputs and outputs of the plans domain (应急预案)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from yingji.core.listing import ListQuery
from yingji.core.schemas import (
    DivisionCode,
    DivisionFilter,
    LongText,
    OccurredAt,
    Out,
    QueryTime,
    ShortText,
    Strict,
)
from yingji.plans.catalog import INCIDENT_TYPES, UNIT_TYPES, parse_grade

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
# an optional one-line text: may be empty, no control characters, trimmed
OptText = Annotated[str, StringConstraints(max_length=200, strip_whitespace=True, pattern=r"^[^\x00-\x1f\x7f]*$")]
IdFilter = Annotated[int | None, Field(ge=1, le=2**31 - 1)]
Kind = Literal["general", "special", "department"]
PlanLevel = Literal["city", "county", "unit"]
State = Literal["draft", "approved", "filed", "revised"]
Grade = Annotated[int, Field(ge=1, le=5, title="等级", description="1 = Ⅰ级（特别重大）… 4 = Ⅳ级（一般）；5 = 火警五级中的最低级")]
RespLevel = Annotated[int, Field(ge=1, le=4, title="响应级别", description="1 = Ⅰ级 … 4 = Ⅳ级")]
Minutes = Annotated[int, Field(ge=0, le=30 * 24 * 60, title="时限（分钟）", description="启动后多少分钟内完成")]
TypeKey = Annotated[str, StringConstraints(pattern=r"^([a-z][a-z0-9_]{0,31}|\*)$")]
UnitTypeKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]


def _known_type(value: str) -> str:
    if value not in INCIDENT_TYPES:
        raise ValueError(f"未知的事件类型“{value}”")
    return value


class TriggerIn(Strict):
    incident_type: TypeKey = Field(title="事件类型", description="类型代码；* = 各类突发事件")
    grades: list[Grade] = Field(default_factory=list, max_length=5, title="事件等级", description="空 = 各等级")
    response_level: RespLevel | None = Field(None, title="响应级别")
    condition: LongText = Field("", title="启动条件说明")

    _type = field_validator("incident_type")(_known_type)


class ResponseLevelIn(Strict):
    level: RespLevel
    name: OptText = Field("", title="名称")
    criteria: LongText = Field("", title="启动标准")
    commander: OptText = Field("", title="指挥长")


class GroupIn(Strict):
    name: ShortText = Field(min_length=1, title="工作组")
    lead: OptText = Field("", title="牵头单位")
    members: OptText = Field("", title="成员单位")


class CommandIn(Strict):
    headquarters: OptText = Field("", title="指挥部")
    commander: OptText = Field("", title="总指挥")
    groups: list[GroupIn] = Field(default_factory=list, max_length=50)


class TaskIn(Strict):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)] = Field(title="任务")
    deadline_minutes: Minutes = 0
    levels: list[RespLevel] = Field(default_factory=list, max_length=4, title="适用响应级别", description="空 = 各级")


class RoleIn(Strict):
    name: ShortText = Field(min_length=1, title="角色")
    group: OptText = Field("", title="所属工作组")
    owner: OptText = Field("", title="责任单位")
    tasks: list[TaskIn] = Field(default_factory=list, max_length=100)


class ResourceIn(Strict):
    unit_type: UnitTypeKey = Field(title="力量类型")
    count: Annotated[int, Field(ge=1, le=10000)] = Field(title="数量")
    note: OptText = Field("", title="说明")
    levels: list[RespLevel] = Field(default_factory=list, max_length=4, title="适用响应级别")

    @field_validator("unit_type")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in UNIT_TYPES:
            raise ValueError(f"未知的力量类型“{value}”")
        return value


class RevisionNoteIn(Strict):
    text: LongText
    source: Literal["drill", "manual"] = "manual"
    drill_id: int | None = None


class PlanContentIn(Strict):
    summary: LongText = Field("", title="概述")
    triggers: list[TriggerIn] = Field(default_factory=list, max_length=50)
    response_levels: list[ResponseLevelIn] = Field(default_factory=list, max_length=4)
    command: CommandIn = Field(default_factory=CommandIn)
    roles: list[RoleIn] = Field(default_factory=list, max_length=100)
    resources: list[ResourceIn] = Field(default_factory=list, max_length=100)
    revision_notes: list[RevisionNoteIn] = Field(default_factory=list, max_length=200)


class PlanIn(Strict):
    title: ShortText = Field(min_length=2, title="预案名称")
    kind: Kind = Field(title="预案类别")
    level: PlanLevel = Field(title="预案层级")
    division_code: DivisionCode = Field(title="所属区划")
    unit_id: Id | None = Field(None, title="单位", description="单位预案（X）的编制单位")
    department: OptText = Field("", title="编制单位/牵头部门")
    content: PlanContentIn = Field(default_factory=PlanContentIn)


class PlanPatch(Strict):
    title: ShortText | None = Field(None, min_length=2)
    department: ShortText | None = None
    content: PlanContentIn | None = None
    note: OptText = Field("", title="修改说明")


class TransitionIn(Strict):
    action: Literal["approve", "file", "revise"]
    filing_no: ShortText | None = Field(None, title="备案编号")
    note: OptText = Field("", title="说明")


class ActivationIn(Strict):
    incident_id: Id | None = Field(None, title="事件 ID", description="事件（incidents 域）；没有事件时填位置、类型与等级")
    incident_type: TypeKey = Field(title="事件类型")
    grade: Grade | str = Field(title="事件等级")
    response_level: RespLevel | None = Field(None, title="响应级别", description="空 = 按预案启动条件")
    title: OptText = Field("", title="名称")
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    division_code: DivisionCode | None = Field(None, title="事发区划", description="空 = 预案所属区划")
    at: OccurredAt | None = Field(None, title="启动时间", description="仅在允许设定时钟的安装中使用（演练、测试）")

    _type = field_validator("incident_type")(_known_type)

    @field_validator("grade")
    @classmethod
    def _grade(cls, value: int | str) -> int:
        return parse_grade(value)


class TaskPatch(Strict):
    status: Literal["todo", "doing", "done"] | None = Field(None, title="状态")
    person: ShortText | None = Field(None, title="责任人")
    note: LongText | None = Field(None, title="备注")


class OverdueRunIn(Strict):
    now: OccurredAt | None = Field(None, title="检查时刻", description="仅在允许设定时钟的安装中使用")


class DrillIn(Strict):
    plan_id: Id
    title: ShortText = Field(min_length=2, title="演练名称")
    kind: Literal["tabletop", "functional", "full_scale"] = Field(title="演练形式")
    held_at: OccurredAt = Field(title="演练时间")
    location: OptText = Field("", title="地点")
    participants: LongText = Field("", title="参演单位与人员")
    scenario: LongText = Field("", title="演练情景")


class FindingIn(Strict):
    text: LongText = Field(min_length=2, title="问题")
    section: Literal["triggers", "response_levels", "command", "roles", "resources", "other"] = "other"
    severity: Literal["high", "medium", "low"] = "medium"


class EvaluationIn(Strict):
    score: Annotated[int, Field(ge=0, le=100)] = Field(title="评分")
    findings: list[FindingIn] = Field(default_factory=list, max_length=100)


class PlanQuery(ListQuery):
    kind: Kind | None = None
    level: PlanLevel | None = None
    state: State | None = None
    incident_type: Annotated[str | None, Field(pattern=r"^([a-z][a-z0-9_]{0,31}|\*)$", description="启动条件含此事件类型")] = None
    division: DivisionFilter = None
    q: Annotated[str | None, Field(max_length=100, description="名称或编制单位包含")] = None


class ActivationQuery(ListQuery):
    plan_id: IdFilter = None
    incident_id: IdFilter = None
    state: Literal["active", "closed"] | None = None
    division: DivisionFilter = None


class DrillQuery(ListQuery):
    plan_id: IdFilter = None
    division: DivisionFilter = None
    since: Annotated[QueryTime | None, Field(description="演练时间起（含）")] = None


class MatchQuery(BaseModel):
    incident_type: Annotated[str | None, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="事件类型")] = None
    grade: Annotated[str | None, Field(max_length=8, description="等级：1–5、Ⅰ–Ⅴ 或 特别重大/重大/较大/一般")] = None
    division: DivisionFilter = None


# --- outputs -------------------------------------------------------------------------------------------

class PlanOut(Out):
    id: int
    title: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    division_code: str
    division_name: str = ""
    unit_id: int | None
    department: str
    state: str
    state_label: str
    version: int
    incident_types: list[str]
    filing_no: str | None
    approved_at: datetime | None
    filed_at: datetime | None
    synthetic: bool
    updated_at: datetime


class PlanDetailOut(PlanOut):
    content: dict[str, Any]
    actions: list[str] = Field(description="本用户可执行的生命周期操作")
    can_edit: bool
    can_activate: bool


class VersionOut(Out):
    id: int
    plan_id: int
    number: int
    state: str
    title: str
    note: str
    created_by: str
    created_at: datetime


class VersionDetailOut(VersionOut):
    content: dict[str, Any]


class DiffOut(BaseModel):
    plan_id: int
    from_version: int
    to_version: int
    changes: list[dict[str, Any]]


class TaskOut(Out):
    id: int
    activation_id: int
    order: int
    role: str
    group: str
    owner: str
    person: str
    title: str
    deadline_minutes: int
    due_at: datetime
    status: str
    status_label: str
    overdue: bool
    remaining_seconds: int | None
    started_at: datetime | None
    done_at: datetime | None
    note: str
    updated_by: str


class ActivationOut(Out):
    id: int
    plan_id: int
    plan_version: int
    plan_title: str
    division_code: str
    unit_id: int | None
    incident_id: int | None
    incident_type: str
    grade: int
    response_level: int
    title: str
    lon: float | None
    lat: float | None
    state: str
    activated_by: str
    activated_at: datetime
    closed_at: datetime | None
    tasks_total: int = 0
    tasks_done: int = 0
    tasks_overdue: int = 0


class BoardOut(ActivationOut):
    resources: list[dict[str, Any]]
    tasks: list[TaskOut]
    now: datetime


class DrillOut(Out):
    id: int
    plan_id: int
    plan_title: str
    division_code: str
    unit_id: int | None
    title: str
    kind: str
    held_at: datetime
    location: str
    participants: str
    scenario: str
    score: int | None
    findings: list[dict[str, Any]]
    evaluated_by: str | None
    evaluated_at: datetime | None
    revision_version: int | None


class MatchOut(BaseModel):
    plan_id: int
    title: str
    kind: str
    level: str
    division_code: str
    state: str
    response_level: int
    trigger: dict[str, Any]


class ResourceOut(BaseModel):
    unit_type: str
    count: int
    note: str
    plan_id: int


class ImportIssue(BaseModel):
    where: str
    message: str


class ImportOut(BaseModel):
    ok: bool
    plan_id: int | None
    title: str | None
    content: dict[str, Any] | None
    errors: list[ImportIssue]


class OverdueRunOut(BaseModel):
    checked: int
    newly_overdue: int
    task_ids: list[int]


class CatalogOut(BaseModel):
    kinds: dict[str, str]
    levels: dict[str, str]
    states: dict[str, str]
    task_states: dict[str, str]
    incident_types: dict[str, str]
    unit_types: dict[str, str]
    response_levels: dict[int, str]
    drill_kinds: dict[str, str]
