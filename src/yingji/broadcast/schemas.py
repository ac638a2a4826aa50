"""Input and output models of the broadcast API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from yingji.core.listing import ListQuery
from yingji.core.schemas import DivisionCode, LongText, ShortText

Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128,
                                           pattern=r"^[0-9A-Za-z_.:@+\-]+$")]


class AreaIn(BaseModel):
    """A target area: divisions, drawn polygons ([[lon, lat], …], WGS84) and circles."""

    model_config = ConfigDict(extra="forbid")
    divisions: list[DivisionCode] = Field(default_factory=list, max_length=500, title="目标区划")
    polygons: list[list[Annotated[list[float], Field(min_length=2, max_length=2)]]] = Field(
        default_factory=list, max_length=50, title="多边形")
    circles: list[dict[str, float]] = Field(default_factory=list, max_length=50, title="圆形区域")

    def plain(self) -> dict[str, Any]:
        return self.model_dump()


class RecipientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["terminal", "sms", "app", "official"] = Field(title="类别")
    level: Literal["city", "county", "township", "village"] | None = Field(default=None, title="终端级别")
    division_code: DivisionCode = Field(title="所在区划")
    lon: float | None = Field(default=None, ge=73, le=136, title="经度")
    lat: float | None = Field(default=None, ge=3, le=54, title="纬度")
    name: ShortText = Field(default="", title="名称")
    address: Address = Field(title="终端编号 / 号码 / 设备标识")
    population: int = Field(default=1, ge=0, le=10_000_000, title="覆盖人口")


class DrillIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    area: AreaIn = Field(title="发布范围")
    text: LongText = Field(min_length=1, max_length=500, title="内容")
    severity_colour: Literal["blue", "yellow", "orange", "red"] = Field(default="blue", title="预警颜色")


class RecipientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    level: str | None
    division_code: str
    lon: float
    lat: float
    located: bool
    name: str
    address: str
    population: int
    active: bool
    synthetic: bool


class RecipientQuery(ListQuery):
    kind: Literal["terminal", "sms", "app", "official"] | None = None
    division_code: DivisionCode | None = None
    synthetic: bool | None = None


class CampaignOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    message_key: str
    version: int
    division_code: str
    severity_colour: str
    text: str
    state: str
    published_at: datetime
    created_by: str
    targeted: int
    targeted_population: int
    officials: int
    delivered: int
    delivered_population: int
    failed: int
    officials_delivered: int
    officials_done_at: datetime | None
    public_p90_at: datetime | None
    finished_at: datetime | None


class CampaignQuery(ListQuery):
    state: Literal["targeting", "delivering", "done"] | None = None
    message_key: str | None = Field(default=None, max_length=64)
