"""Input and output models of the warnings API (Chinese 422 messages through the shared types)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from yingji.core.listing import ListQuery
from yingji.core.schemas import Deadline, DivisionCode, DivisionFilter, LongText, Out, ShortText, Strict

LevelKey = Literal["blue", "yellow", "orange", "red"]
TypeKey = Annotated[str, Field(pattern=r"^[a-z_]{2,32}$", title="预警类型")]
Coordinate = Annotated[list[float], Field(min_length=2, max_length=2)]


class CircleIn(Strict):
    lon: float = Field(ge=-180, le=180, title="圆心经度")
    lat: float = Field(ge=-90, le=90, title="圆心纬度")
    radius_m: float = Field(gt=0, le=200_000, title="半径（米）")


class AreaIn(Strict):
    """The target area: division codes (county/township/village), drawn polygons ([lon, lat] rings), circles."""

    divisions: list[DivisionCode] = Field(default_factory=list, max_length=500, title="区划")
    polygons: list[Annotated[list[Coordinate], Field(min_length=3, max_length=5000)]] = Field(
        default_factory=list, max_length=50, title="多边形")
    circles: list[CircleIn] = Field(default_factory=list, max_length=50, title="圆")


class WarningIn(Strict):
    hazard_type: TypeKey
    level: LevelKey = Field(title="预警级别")
    headline: ShortText | None = Field(None, title="标题")
    description: LongText | None = Field(None, title="预警内容")
    instruction: LongText | None = Field(None, title="防御指南")
    area: AreaIn = Field(title="发布范围")
    onset: Deadline | None = Field(None, title="生效时间")
    expires: Deadline | None = Field(None, title="失效时间")


class WarningPatch(Strict):
    level: LevelKey | None = Field(None, title="预警级别")
    headline: ShortText | None = Field(None, title="标题")
    description: LongText | None = Field(None, title="预警内容")
    instruction: LongText | None = Field(None, title="防御指南")
    area: AreaIn | None = Field(None, title="发布范围")
    onset: Deadline | None = Field(None, title="生效时间")
    expires: Deadline | None = Field(None, title="失效时间")


class UpdateIn(WarningPatch):
    note: ShortText = Field(min_length=1, title="更新原因")


class CancelIn(Strict):
    note: ShortText = Field(min_length=1, title="解除原因")


class ReviewIn(Strict):
    text: LongText = Field("", title="意见")


class RejectIn(Strict):
    text: LongText = Field(min_length=1, title="退回原因")


class ImportIn(Strict):
    xml: Annotated[str, Field(min_length=1, max_length=2_000_000, title="CAP 消息")]
    strict: bool = Field(False, title="严格模式")


class CountIn(Strict):
    area: AreaIn = Field(title="发布范围")


class WarningQuery(ListQuery):
    status: Literal["draft", "active", "cancelled", "expired"] | None = None
    review: Literal["editing", "pending", "approved", "rejected"] | None = None
    level: LevelKey | None = None
    hazard_type: Annotated[str | None, Field(pattern=r"^[a-z_]{2,32}$")] = None
    division: DivisionFilter = None
    q: Annotated[str | None, Field(max_length=100, description="标题包含")] = None
    queue: Annotated[bool | None, Field(description="true = 待我审批（已提交、非本人起草）")] = None


class WarningOut(Out):
    id: int
    key: str
    hazard_type: str
    level: str
    headline: str
    description: str
    instruction: str
    area: dict[str, Any]
    area_desc: str
    division_code: str
    onset: datetime | None
    expires: datetime | None
    status: str
    review: str
    op: str
    version: int
    revision: int
    note: str
    author: str
    submitted_by: str | None
    approved_by: str | None
    source: str
    alarm_id: int | None
    campaign_id: int | None
    published_at: datetime | None
    synthetic: bool
    created_at: datetime
    updated_at: datetime


class VersionOut(Out):
    id: int
    version: int
    msg_type: str
    identifier: str
    sender: str
    sent: datetime
    references: str
    level: str
    author: str
    approved_by: str
    published_by: str
    campaign_id: int | None
    content: dict[str, Any]


class ReviewOut(Out):
    id: int
    kind: str
    revision: int
    actor: str
    text: str
    at: datetime


class WarningDetailOut(WarningOut):
    versions: list[VersionOut]
    reviews: list[ReviewOut]
    allowed: list[str]
    refusals: dict[str, str]
    coverage: dict[str, Any] | None = None


class ImportOut(BaseModel):
    import_id: int | None
    warning_id: int | None
    duplicate: bool
    faults: list[str]


class ImportRowOut(Out):
    id: int
    sender: str
    identifier: str
    division_code: str
    msg_type: str
    sent: datetime | None
    strict: bool
    faults: list[str]
    warning_id: int | None
    imported_by: str
    at: datetime


class ImportQuery(ListQuery):
    division: DivisionFilter = None
