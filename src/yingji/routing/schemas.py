"""Input and output models of the routing API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from yingji.core.listing import ListQuery
from yingji.core.schemas import DivisionCode, DivisionFilter, LongText, Out, ShortText, Strict

Lon = Annotated[float, Field(ge=-180, le=180, description="经度（WGS84）")]
Lat = Annotated[float, Field(ge=-90, le=90, description="纬度（WGS84）")]
LinkId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class PointIn(Strict):
    lon: Lon
    lat: Lat

    def tuple(self) -> tuple[float, float]:
        return (self.lon, self.lat)


class TravelTimesIn(Strict):
    origins: list[PointIn] = Field(min_length=1, max_length=2000, description="起点（如消防站），最多 2000 个")
    dest: PointIn = Field(description="终点（如事发地点）")
    at: datetime | None = Field(None, description="出发时间（带时区；用于时段系数，默认现在）")
    k: int | None = Field(None, ge=1, le=2000, description="只返回最快的 k 个（按通行时间排序）")


class RouteIn(Strict):
    origin: PointIn
    dest: PointIn
    at: datetime | None = Field(None, description="出发时间（带时区；用于时段系数，默认现在）")


class TravelTimeOut(BaseModel):
    index: int = Field(description="起点在请求中的序号")
    seconds: float
    minutes: float
    meters: float
    model: Literal["network", "fallback"] = Field(description="network：路网；fallback：估算模型")
    label: str = Field(description="计算方法说明（中文）")


class TravelTimesOut(BaseModel):
    items: list[TravelTimeOut]
    attribution: str
    network_version: int


class RouteOut(BaseModel):
    seconds: float
    minutes: float
    meters: float
    model: Literal["network", "fallback"]
    label: str
    coords: list[list[float]] = Field(description="路线坐标 [经度, 纬度]（WGS84）")
    link_ids: list[str]
    attribution: str


class ClosureIn(Strict):
    kind: Literal["closed", "slow"] = Field("closed", description="closed：封闭；slow：拥堵/限速")
    speed_factor: float | None = Field(None, gt=0, lt=1, description="拥堵时的速度系数（0–1，kind=slow 时必填）")
    reason: ShortText = Field(min_length=1, description="原因，如“下穿隧道积水”")
    link_ids: list[LinkId] = Field(default_factory=list, max_length=5000, description="路段编号")
    polygon: dict[str, Any] | None = Field(None, description="封闭范围（GeoJSON Polygon/MultiPolygon，WGS84）")
    division_code: DivisionCode | None = Field(None, description="所属行政区划（默认本人辖区）")

    @model_validator(mode="after")
    def _check(self) -> ClosureIn:
        if not self.link_ids and self.polygon is None:
            raise ValueError("请指定封闭的路段编号或范围")
        if self.kind == "slow" and self.speed_factor is None:
            raise ValueError("拥堵须给出速度系数 speed_factor")
        return self


class ReopenIn(Strict):
    reason: LongText = Field("", description="恢复通行说明")


class ClosureQuery(ListQuery):
    state: Literal["active", "reopened"] | None = Field(None, description="active：封闭中；reopened：已恢复")
    kind: Literal["closed", "slow"] | None = Field(None, description="closed：封闭；slow：拥堵")
    division: DivisionFilter = None


class ClosureOut(Out):
    id: int
    division_code: str
    kind: str
    speed_factor: float
    reason: str
    link_ids: list[str]
    polygon: dict[str, Any] | None
    links_affected: int
    state: str
    created_by: str
    created_at: datetime
    reopened_by: str | None
    reopened_at: datetime | None
    reopen_reason: str
    synthetic: bool
