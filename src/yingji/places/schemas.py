"""Validated input and output shapes of places (地名地址)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from yingji.core.listing import ListQuery
from yingji.core.schemas import Out

KindFilter = Annotated[str | None, Field(default=None, max_length=32, pattern=r"^[a-z_]{1,32}$",
                                         description="地点类型：county/township/road/landmark/metro/hospital/…")]


class PlaceQuery(ListQuery):
    kind: KindFilter = None
    source: str | None = Field(None, max_length=64, description="来源（数据集或导入文件）")
    division: str | None = Field(None, pattern=r"^(\d{6}|\d{9}|\d{12})$", description="只看该行政区划（含下级）")
    q: str | None = Field(None, max_length=100, description="名称包含")


class LocateQuery(BaseModel):
    q: str = Field("", max_length=500, description="地址或来电文字（如：五四路和华林路路口）；只给经纬度时返回来电定位所在区划")
    lon: float | None = Field(None, ge=73.0, le=136.0, description="来电定位经度（WGS84，网络提供时）")
    lat: float | None = Field(None, ge=3.0, le=54.0, description="来电定位纬度（WGS84）")
    limit: int = Field(5, ge=1, le=20, description="最多返回几个候选")


class PlaceOut(Out):
    id: int
    name: str
    aliases: list[str]
    kind: str
    lon: float
    lat: float
    division_code: str
    county_code: str | None
    township_code: str | None
    source: str
    source_id: str
    synthetic: bool
    updated_at: datetime


class PlaceMatchOut(BaseModel):
    name: str = Field(description="匹配到的地点名称（路口为“甲路与乙路路口”）")
    kind: str = Field(description="地点类型（crossing = 路口，caller = 来电定位）")
    lon: float = Field(description="经度（WGS84）")
    lat: float = Field(description="纬度（WGS84）")
    confidence: float = Field(description="置信度 0–1")
    matched_on: str = Field(description="匹配方式：名称/别名/简称/包含/路口/近似/来电定位")
    matched_text: str = Field(description="查询中匹配上的文字")
    county_code: str | None
    township_code: str | None
    source: str


class LocateOut(BaseModel):
    q: str
    matches: list[PlaceMatchOut]


ImportDatum = Literal["WGS84", "GCJ02"]


def match_out(m: Any) -> PlaceMatchOut:
    return PlaceMatchOut(**m.to_dict())
