"""Validated input and output shapes of units (生产经营单位)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from yingji.core.listing import ListQuery
from yingji.core.schemas import DivisionCode, LongText, Out, ShortText, Strict

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Lon = Annotated[float, Field(ge=73.0, le=136.0, description="经度（WGS84）")]
Lat = Annotated[float, Field(ge=3.0, le=54.0, description="纬度（WGS84）")]
CreditCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{18}$")]
IndustryCode = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Phone = Annotated[str, StringConstraints(max_length=32, pattern=r"^[0-9+\-() ]*$")]
Small = Annotated[str, StringConstraints(max_length=100)]
Address = Annotated[str, StringConstraints(max_length=300)]
Scale = Literal["大型", "中型", "小型", "微型", ""]
Standardisation = Literal["一级", "二级", "三级", "未达标", ""]


class UnitIn(Strict):
    name: ShortText = Field(title="单位名称")
    credit_code: CreditCode = Field(title="统一社会信用代码", description="统一社会信用代码（18 位）")
    industry: IndustryCode = Field(title="行业", description="行业代码，见 /api/v1/units/industries")
    division_code: DivisionCode = Field(title="所在乡镇（街道）", description="所在乡镇（街道）代码（9 位）")
    address: Address = Field(default="", title="地址")
    lon: Lon | None = Field(default=None, title="经度")
    lat: Lat | None = Field(default=None, title="纬度")
    scale: Scale = Field(default="", title="规模")
    standardisation_level: Standardisation = Field(default="", title="安全生产标准化等级")
    legal_person: Small = Field(default="", title="法定代表人")
    safety_manager: Small = Field(default="", title="安全管理负责人")
    phone: Phone = Field(default="", title="联系电话")
    supervising_department: Small = Field(default="", title="监管部门")
    notes: LongText = Field(default="", title="备注")


class UnitPatch(Strict):
    name: ShortText | None = Field(default=None, title="单位名称")
    industry: IndustryCode | None = Field(default=None, title="行业")
    division_code: DivisionCode | None = Field(default=None, title="所在乡镇（街道）")
    address: Address | None = Field(default=None, title="地址")
    lon: Lon | None = Field(default=None, title="经度")
    lat: Lat | None = Field(default=None, title="纬度")
    scale: Scale | None = Field(default=None, title="规模")
    standardisation_level: Standardisation | None = Field(default=None, title="安全生产标准化等级")
    legal_person: Small | None = Field(default=None, title="法定代表人")
    safety_manager: Small | None = Field(default=None, title="安全管理负责人")
    phone: Phone | None = Field(default=None, title="联系电话")
    supervising_department: Small | None = Field(default=None, title="监管部门")
    notes: LongText | None = Field(default=None, title="备注")


class UnitOut(Out):
    id: int
    name: str
    credit_code: str
    industry: str
    division_code: str
    address: str
    lon: float | None
    lat: float | None
    scale: str
    standardisation_level: str
    legal_person: str
    safety_manager: str
    phone: str
    supervising_department: str
    risk_level: str | None = Field(description="单位风险等级（其风险源的最高等级），键名见 /api/v1/risk/levels")
    synthetic: bool
    notes: str
    created_at: datetime
    updated_at: datetime


class UnitQuery(ListQuery):
    industry: Annotated[str | None, Field(pattern=r"^[a-z_]{1,32}$", description="行业代码")] = None
    level: Annotated[Literal["major", "significant", "general", "low", "unassessed"] | None,
                     Field(description="单位风险等级；unassessed = 未评估")] = None
    division: Annotated[str | None, Field(pattern=r"^(\d{6}|\d{9}|\d{12})$",
                                          description="只看该行政区划（含下级）")] = None
    q: Annotated[str | None, Field(max_length=100, description="名称或信用代码包含")] = None


class IndustryOut(Strict):
    code: str
    name: str
    regulator: str
    enterprise: bool
