"""Validated inputs and outputs of the enforcement domain (执法检查)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field

from yingji.core.listing import ListQuery
from yingji.core.schemas import DivisionCode, LongText, OccurredAt, Out, ShortText, Strict

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class PlanGenerateIn(Strict):
    year: Annotated[int, Field(ge=2000, le=2100)] = Field(title="年度")
    division_code: DivisionCode = Field(title="区划")
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = Field(0, title="随机种子")
    frequencies: dict[str, Annotated[int, Field(ge=0, le=52)]] | None = Field(
        default=None, title="检查频次", description="按风险等级的年度检查次数（major/significant/general/low/unrated）")
    replace: bool = Field(default=False, title="重新生成", description="已有同年度同区划计划时重新生成（已完成的检查须为零）")


class PlanLinkIn(Strict):
    inspection_id: Id = Field(title="检查记录")


class PenaltyIn(Strict):
    unit_id: Id = Field(title="单位")
    decision_no: ShortText = Field(title="处罚决定书文号")
    amount_yuan: Annotated[Decimal, Field(ge=0, le=10**10, max_digits=14, decimal_places=2)] = Field(
        title="罚款金额（元）")
    reason: Annotated[LongText, Field(min_length=1)] = Field(title="违法事实与依据")
    decided_at: OccurredAt = Field(title="决定日期")


class BlacklistIn(Strict):
    unit_id: Id = Field(title="单位")
    reason: Annotated[LongText, Field(min_length=1)] = Field(title="列入原因")
    listed_at: OccurredAt | None = Field(None, title="列入日期")


class BlacklistRemoveIn(Strict):
    removal_reason: Annotated[LongText, Field(min_length=1)] = Field(title="移出原因")
    removed_at: OccurredAt | None = Field(None, title="移出日期")


DivisionFilter = Annotated[str | None, Field(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="只看该行政区划（含下级）")]
IdFilter = Annotated[int | None, Field(ge=1, le=2**31 - 1)]


class PlanQuery(ListQuery):
    year: Annotated[int | None, Field(ge=2000, le=2100)] = None
    division: DivisionFilter = None


class PlanItemQuery(ListQuery):
    month: Annotated[int | None, Field(ge=1, le=12)] = None
    unit_id: IdFilter = None
    division: DivisionFilter = None
    done: Annotated[bool | None, Field(description="true = 已完成，false = 未完成")] = None


class PenaltyQuery(ListQuery):
    unit_id: IdFilter = None
    division: DivisionFilter = None


class BlacklistQuery(ListQuery):
    active: Annotated[bool | None, Field(description="true = 仍在名单中")] = None
    division: DivisionFilter = None
    unit_id: IdFilter = None


class PlanOut(Out):
    id: int
    year: int
    division_code: str
    params: dict[str, Any]
    item_count: int
    items_in_scope: int = Field(default=0, description="计划中属于当前用户管辖范围的检查次数")
    actor: str
    generated_at: datetime


class PlanItemOut(Out):
    id: int
    plan_id: int
    unit_id: int
    unit_name: str = ""
    division_code: str
    planned_date: date
    sequence: int
    level: str | None
    done_inspection_id: int | None


class PenaltyOut(Out):
    id: int
    unit_id: int
    unit_name: str = ""
    division_code: str
    decision_no: str
    amount_yuan: float
    reason: str
    decided_at: datetime
    synthetic: bool


class BlacklistOut(Out):
    id: int
    unit_id: int
    unit_name: str = ""
    division_code: str
    reason: str
    listed_at: datetime
    removed_at: datetime | None
    removal_reason: str | None
    synthetic: bool


class PlanSummaryOut(BaseModel):
    plan: PlanOut
    by_month: list[dict[str, Any]]
