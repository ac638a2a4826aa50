"""Validated inputs and outputs of the elevators domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from yingji.core.schemas import DivisionCode, Out, ShortText, Strict

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class ElevatorIn(Strict):
    registration_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{5,32}$")] = Field(
        title="注册代码（96333 识别码）")
    device_code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")] = Field(title="物联网终端编码")
    address: ShortText = Field(title="地址")
    building: ShortText = Field("", title="楼栋")
    division_code: DivisionCode = Field(title="所在乡镇（街道）")
    user_unit_id: Id | None = Field(None, title="使用单位")
    maintenance_company: ShortText = Field(title="维保单位")
    maintenance_phone: Annotated[str, StringConstraints(pattern=r"^[0-9+\-() ]{0,32}$")] = Field("", title="维保电话")
    last_inspection: date | None = Field(None, title="最近检验日期")


class ElevatorOut(Out):
    id: int
    registration_code: str
    device_code: str
    address: str
    building: str
    division_code: str
    user_unit_id: int | None
    maintenance_company: str
    maintenance_phone: str
    last_inspection: date | None
    running: dict[str, Any]
    faults: int
    trips: int


class RescueActionIn(Strict):
    action: Literal["acknowledge", "arrive", "release"] = Field(title="操作")


class RescueOut(Out):
    id: int
    elevator_id: int
    division_code: str
    maintenance_company: str
    reason: str
    state: str
    tier: str
    detected_at: datetime
    notified_at: datetime
    arrival_deadline: datetime
    acknowledged_at: datetime | None
    arrived_at: datetime | None
    released_at: datetime | None
    notices: list[dict[str, Any]]
