"""Input and output models of the duty domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from yingji.core.listing import ListQuery
from yingji.core.schemas import DivisionCode, DivisionFilter, LongText, Out, ShortText, Strict

Role = Literal["leader", "officer", "deputy"]


class ShiftIn(Strict):
    division_code: DivisionCode = Field(description="值班单位（局）所在区划")
    day: date = Field(description="值班日期（当地日期，24 小时班自 08:30 起）")
    role: Role = Field(description="带班领导 leader、值班员 officer、副班 deputy")
    name: ShortText = Field(min_length=1)
    phone: str = Field("", max_length=32, pattern=r"^[0-9+\-() ]*$")


class HandoverIn(Strict):
    division_code: DivisionCode
    from_name: ShortText = Field(min_length=1, description="交班人")
    to_name: ShortText = Field(min_length=1, description="接班人")
    notes: LongText = ""


class LogIn(Strict):
    division_code: DivisionCode
    text: LongText = Field(min_length=1)
    incident_id: int | None = Field(None, ge=1, le=2**31 - 1, description="相关事件（可选）")


class RosterQuery(Strict):
    division: DivisionFilter = None
    start: date | None = None
    days: int = Field(7, ge=1, le=62)


class LogQuery(ListQuery):
    division: DivisionFilter = None
    incident_id: int | None = Field(None, ge=1, le=2**31 - 1)


class ShiftOut(Out):
    id: int
    division_code: str
    day: date
    role: str
    name: str
    phone: str
    starts_at: datetime
    ends_at: datetime


class HandoverOut(Out):
    id: int
    division_code: str
    from_name: str
    to_name: str
    summary: dict[str, Any]
    notes: str
    actor: str
    at: datetime


class LogOut(Out):
    id: int
    division_code: str
    text: str
    incident_id: int | None
    author: str
    at: datetime


class RosterOut(BaseModel):
    start: date
    days: int
    shifts: list[ShiftOut]
    on_duty: list[dict[str, Any]]
