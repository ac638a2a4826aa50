"""Validated inputs and outputs of the hazards domain (隐患排查治理)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from yingji.core.listing import ListQuery
from yingji.core.schemas import Deadline, LongText, OccurredAt, Out, QueryTime, ShortText, Strict

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
ItemCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{1,32}$")]
Action = Literal["confirm", "start_rectification", "submit_acceptance", "accept", "reject", "close"]
Level = Literal["county", "city"]


class PlanIn(Strict):
    """整改方案（“五到位”）: 措施、资金、期限、责任人、应急预案 (+ optional goal, safety measures)."""

    goal: LongText | None = Field(None, title="整改目标和任务")
    measures: LongText | None = Field(None, title="整改措施")
    funds: Annotated[float, Field(ge=0, le=1e9)] | None = Field(None, title="整改资金")
    funds_unit: Literal["元", "万元"] | None = Field(None, title="资金单位")
    materials: LongText | None = Field(None, title="整改物资")
    deadline: Deadline | None = Field(None, title="整改时限")
    responsible_person: ShortText | None = Field(None, title="责任人")
    responsible_phone: Annotated[str, StringConstraints(pattern=r"^[0-9+\-() ]{3,32}$")] | None = Field(
        None, title="责任人电话")
    contingency_plan: LongText | None = Field(None, title="应急预案")
    safety_measures: LongText | None = Field(None, title="整改期间安全措施")


class HazardIn(Strict):
    unit_id: Id = Field(title="单位")
    title: ShortText = Field(title="隐患名称", description="简要写明隐患是什么、在哪里，如“二号仓库消防通道堆放货物”")
    description: LongText = Field("", title="隐患描述")
    tier: Key = Field(title="隐患分级")
    inspection_id: Id | None = Field(None, title="检查记录")
    checklist_item_code: ItemCode | None = Field(None, title="检查项")
    deadline: Deadline | None = Field(None, title="整改期限")
    lon: Annotated[float, Field(ge=73, le=136)] | None = Field(None, title="经度")
    lat: Annotated[float, Field(ge=3, le=54)] | None = Field(None, title="纬度")
    discovered_at: OccurredAt | None = Field(None, title="发现时间")

    @model_validator(mode="after")
    def _in_order(self) -> HazardIn:
        if self.deadline and self.discovered_at and self.deadline <= self.discovered_at:
            raise ValueError("整改期限必须晚于发现时间")
        return self


class TransitionIn(Strict):
    action: Action = Field(title="操作")
    reason: LongText | None = Field(None, title="原因")
    plan: PlanIn | None = Field(None, title="整改方案")
    deadline: Deadline | None = Field(default=None, title="整改期限", description="整改期限（确认时由监管部门设定）")


class ListingIn(Strict):
    level: Level = Field(title="督办级别")
    listed_by: ShortText = Field(title="挂牌督办单位", description="挂牌督办单位（政府或安委会办公室）")
    notice_no: ShortText = Field(title="限期整改通知文号", description="限期整改通知文号")
    deadline: Deadline = Field(title="整改期限")
    reason: LongText = Field("", title="督办原因")


class LiftIn(Strict):
    """摘牌: the reason is required (整改完成经复查、督办事项办结、误挂等)."""

    reason: LongText = Field(title="摘牌原因", description="摘牌原因（必填）", max_length=2000)

    @field_validator("reason")
    @classmethod
    def _required(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("请填写摘牌原因")
        return value


class EscalationRunIn(Strict):
    now: QueryTime | None = Field(default=None, title="模拟当前时间", description="模拟当前时间（仅演练/测试环境开放；默认为服务器当前时间）")


class InspectionItemIn(Strict):
    code: ItemCode = Field(title="检查项")
    result: Literal["pass", "fail", "na"] = Field(title="检查结果")
    note: LongText = Field("", title="说明")
    create_hazard: bool = Field(True, title="登记为隐患")
    tier: Key | None = Field(None, title="隐患分级")
    title: ShortText | None = Field(None, title="隐患名称")


class InspectionIn(Strict):
    unit_id: Id = Field(title="被检查单位")
    kind: Literal["self", "department"] = Field(title="检查类型")
    inspector: ShortText = Field(title="检查人员")
    department: ShortText | None = Field(None, title="检查部门")
    inspected_at: OccurredAt = Field(title="检查时间")
    items: Annotated[list[InspectionItemIn], Field(max_length=200)] = Field([], title="检查项")
    notes: LongText = Field("", title="备注")
    planned_inspection_id: Id | None = Field(None, title="年度计划检查")
    deadline: Deadline | None = Field(default=None, title="隐患整改期限", description="由不合格项生成的隐患的整改期限")

    @model_validator(mode="after")
    def _in_order(self) -> InspectionIn:
        if self.deadline and self.deadline <= self.inspected_at:
            raise ValueError("整改期限必须晚于检查时间")
        return self

    @field_validator("items")
    @classmethod
    def _unique(cls, items: list[InspectionItemIn]) -> list[InspectionItemIn]:
        codes = [i.code for i in items]
        if len(set(codes)) != len(codes):
            raise ValueError("检查项重复")
        return items


# --- list queries ---------------------------------------------------------------------------------

DivisionFilter = Annotated[str | None, Field(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="只看该行政区划（含下级）")]
KeyFilter = Annotated[str | None, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
IdFilter = Annotated[int | None, Field(ge=1, le=2**31 - 1)]


class HazardQuery(ListQuery):
    state: Literal["reported", "confirmed", "rectifying", "submitted", "accepted", "closed"] | None = None
    tier: KeyFilter = None
    overdue: bool | None = None
    supervision_level: Annotated[Literal["county", "city", "none"] | None,
                                 Field(description="督办级别（none = 未挂牌）")] = None
    industry: KeyFilter = None
    division: DivisionFilter = None
    unit_id: IdFilter = None
    q: Annotated[str | None, Field(max_length=100, description="标题、编号或描述包含")] = None
    since: Annotated[QueryTime | None, Field(description="发现时间起（含），带时区")] = None
    until: Annotated[QueryTime | None, Field(description="发现时间止（不含），带时区")] = None
    due_within_days: Annotated[int | None, Field(ge=0, le=366, description="未销号且整改期限在今后 N 天内（含已逾期）")] = None
    todo: Annotated[bool | None, Field(description="true = 待我处理（下一步由我所在的单位或监管部门办理）")] = None


class TodoQuery(ListQuery):
    division: DivisionFilter = None


class InspectionQuery(ListQuery):
    unit_id: IdFilter = None
    division: DivisionFilter = None
    kind: Literal["self", "department"] | None = None
    since: Annotated[QueryTime | None, Field(description="检查时间起（含）")] = None
    until: Annotated[QueryTime | None, Field(description="检查时间止（不含）")] = None


class LedgerQuery(ListQuery):
    level: Literal["county", "city"] | None = None
    active: Annotated[bool | None, Field(description="true = 仍在督办，false = 已摘牌")] = None
    division: DivisionFilter = None
    since: Annotated[QueryTime | None, Field(description="挂牌时间起（含）")] = None
    until: Annotated[QueryTime | None, Field(description="挂牌时间止（不含）")] = None
    q: Annotated[str | None, Field(max_length=100, description="通知文号、隐患标题或编号包含")] = None


class QuarterQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    year: Annotated[int | None, Field(ge=2000, le=2100)] = None
    quarter: Annotated[int | None, Field(ge=1, le=4, description="默认本季度（本地时间）")] = None
    division: DivisionFilter = None


# --- out ---------------------------------------------------------------------------------------

class AttachmentOut(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    uploaded_at: str
    uploaded_by: str
    uploaded_by_name: str = ""


class TransitionOut(Out):
    id: int
    from_state: str | None
    to_state: str
    action: str
    actor: str
    actor_name: str = ""
    reason: str | None
    at: datetime


class ListingOut(Out):
    id: int
    hazard_id: int
    unit_id: int
    division_code: str
    level: str
    listed_by: str
    notice_no: str
    deadline: datetime | None
    reason: str
    automatic: bool
    listed_at: datetime
    lifted_at: datetime | None
    lifted_by: str | None = None
    lifted_by_name: str | None = None
    lift_reason: str | None = None
    can_lift: bool = Field(default=False, description="当前用户可否对此挂牌督办摘牌")


class LedgerRowOut(ListingOut):
    hazard_code: str
    hazard_title: str
    hazard_state: str
    hazard_state_label: str
    tier: str
    tier_label: str
    unit_name: str
    industry: str
    overdue: bool


class NotificationOut(Out):
    id: int
    hazard_id: int | None
    kind: str
    recipients: str
    message: str
    at: datetime
    audience: str | None = None
    audience_level: str | None = None
    action: str | None = None
    done_at: datetime | None = None


class TodoOut(NotificationOut):
    """An open to-do (待办) addressed to the current user, with its hazard."""

    hazard_code: str
    hazard_title: str
    hazard_state: str
    state_label: str
    tier: str
    tier_label: str
    unit_id: int
    unit_name: str
    division_code: str
    deadline: datetime | None
    overdue: bool
    action_label: str


class HazardOut(Out):
    id: int
    code: str
    reported_by: str = ""
    unit_id: int
    unit_name: str = ""
    industry: str = ""
    division_code: str
    inspection_id: int | None
    checklist_item_code: str | None
    title: str
    description: str
    tier: str
    tier_label: str = ""
    lon: float | None
    lat: float | None
    state: str
    state_label: str = ""
    deadline: datetime | None
    plan: dict[str, Any] | None
    overdue: bool
    supervision_level: str | None
    listed_at: datetime | None
    discovered_at: datetime
    closed_at: datetime | None
    synthetic: bool
    created_at: datetime
    updated_at: datetime


class HazardDetailOut(HazardOut):
    reported_by_name: str = ""
    attachments: list[AttachmentOut]
    allowed_actions: list[dict[str, str]] = Field(description="当前用户可执行的流转操作（与接口权限同源）")
    listing_levels: list[str] = Field(default=[], description="当前用户可作出的挂牌督办级别")
    can_edit_plan: bool = False
    can_attach: bool = False
    timeline: list[TransitionOut]
    listings: list[ListingOut]
    notifications: list[NotificationOut]
    plan_required: bool
    missing_plan_fields: list[dict[str, str]]


class InspectionOut(Out):
    id: int
    unit_id: int
    division_code: str
    kind: str
    inspector: str
    department: str
    industry: str
    items: list[dict[str, Any]]
    failed_count: int
    inspected_at: datetime
    planned_inspection_id: int | None
    notes: str
    created_by: str
    created_by_name: str = ""
    created_at: datetime


class InspectionCreatedOut(InspectionOut):
    hazard_ids: list[int]


class ChecklistItemOut(BaseModel):
    code: str
    text: str
    suggested_tier: str


class ChecklistOut(BaseModel):
    industry: str
    industry_name: str
    items: list[ChecklistItemOut]


class TierOut(BaseModel):
    key: str
    label: str
    requires_plan: bool
    description: str


class CatalogOut(BaseModel):
    tiers: list[TierOut]
    plan_fields: list[dict[str, str]]
    states: list[dict[str, str]]
    actions: list[dict[str, str]]
    checklists: list[ChecklistOut]


class EscalationRunOut(BaseModel):
    now: datetime
    checked: int
    overdue_marked: int
    notified: int
    county_listed: int
    city_listed: int
    hazard_ids: list[int]


class StatsRow(BaseModel):
    key: str
    name: str
    found: int
    fixed: int
    overdue: int
    closed_of_found: int
    closure_rate: float | None


class QuarterlyStatsOut(BaseModel):
    year: int
    quarter: int
    start: datetime
    end: datetime
    total: StatsRow
    by_district: list[StatsRow]
    by_industry: list[StatsRow]
