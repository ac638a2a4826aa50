"""Input and output models of the dispatch API (Chinese field titles → Chinese 422 messages)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from yingji.core.listing import ListQuery
from yingji.core.schemas import DivisionCode, LongText, Out, ShortText, Strict

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Lon = Annotated[float, Field(ge=73, le=136)]
Lat = Annotated[float, Field(ge=3, le=54)]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9+\-() ]{0,32}$")]
ForceKind = Literal["station", "professional", "social", "volunteer", "military"]
Status = Literal["available", "dispatched", "en_route", "on_scene", "returning", "out_of_service"]
Grade = Annotated[int, Field(ge=1, le=5)]


class ForceIn(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9\-_]{1,32}$")] = Field(title="力量编号")
    name: ShortText = Field(title="名称")
    kind: ForceKind = Field(title="力量类别")
    station_level: Annotated[str, StringConstraints(max_length=16)] = Field("", title="站级")
    specialties: list[Key] = Field(default_factory=list, max_length=20, title="专业领域")
    division_code: DivisionCode = Field(title="所在乡镇（街道）")
    address: ShortText = Field("", title="地址")
    lon: Lon = Field(title="经度")
    lat: Lat = Field(title="纬度")
    personnel: Annotated[int, Field(ge=0, le=100000)] = Field(0, title="人数")
    contact: ShortText = Field("", title="联系人")
    phone: Phone = Field("", title="联系电话")
    notes: LongText = Field("", title="备注")


class VehicleIn(Strict):
    force_id: Id = Field(title="所属力量")
    callsign: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(title="车辆呼号")
    vehicle_type: Key = Field(title="车辆（装备）类型")
    capabilities: list[ShortText] = Field(default_factory=list, max_length=20, title="性能与装备")
    crew: Annotated[int, Field(ge=0, le=100)] = Field(0, title="乘员")


class ExpertIn(Strict):
    name: ShortText = Field(title="姓名")
    specialties: list[Key] = Field(min_length=1, max_length=10, title="专业")
    organisation: ShortText = Field("", title="工作单位")
    title: ShortText = Field("", title="职称")
    phone: Phone = Field("", title="联系电话")
    division_code: DivisionCode = Field(title="所在乡镇（街道）")


class StatusIn(Strict):
    status: Status = Field(title="力量状态")
    note: ShortText = Field("", title="说明")


class RecommendIn(Strict):
    """A point + type + grade inputs (or an incident reference): what to recommend for."""

    incident_id: Id | None = Field(None, title="事件")
    lon: Lon = Field(title="经度")
    lat: Lat = Field(title="纬度")
    division_code: DivisionCode | None = Field(None, title="所在区划", description="不填时按坐标判定所在乡镇（街道）")
    incident_type: Key = Field(title="事件类型")
    trapped: Annotated[int, Field(ge=0, le=100000)] = Field(0, title="被困人数")
    area_m2: Annotated[float, Field(ge=0, le=1e8)] = Field(0, title="燃烧（受灾）面积")
    building_type: Key | None = Field(None, title="建筑类型")
    fire_grade: Grade | None = Field(None, title="火警等级", description="可高于规则研判的等级，不能低于")
    use_plan: bool = Field(True, title="按预案调派")


class PickIn(Strict):
    vehicle_id: Id = Field(title="车辆")
    unit_type: Key = Field(title="需求类型")


class OrderIn(RecommendIn):
    address: ShortText = Field("", title="地址")
    vehicles: list[PickIn] = Field(min_length=1, max_length=200, title="调派车辆")
    expert_ids: list[Id] = Field(default_factory=list, max_length=20, title="专家")
    notes: LongText = Field("", title="调派说明")


class RaiseIn(Strict):
    grade: Grade = Field(title="火警等级")
    reason: ShortText = Field(title="提升理由")


class AddUnitsIn(Strict):
    vehicles: list[PickIn] = Field(min_length=1, max_length=200, title="增派车辆")


class ForceQuery(ListQuery):
    kind: ForceKind | None = Field(None, description="力量类别")
    specialty: Key | None = Field(None, description="专业领域")
    division: DivisionCode | None = Field(None, description="只看该行政区划（含下级）")
    q: Annotated[str, StringConstraints(max_length=100)] | None = Field(None, description="名称或编号")


class VehicleQuery(ListQuery):
    status: Status | None = Field(None, description="状态")
    vehicle_type: Key | None = Field(None, description="类型")
    force_id: Id | None = Field(None, description="所属力量")
    division: DivisionCode | None = Field(None, description="只看该行政区划（含下级）")


class ExpertQuery(ListQuery):
    specialty: Key | None = Field(None, description="专业")
    division: DivisionCode | None = Field(None, description="只看该行政区划（含下级）")
    q: Annotated[str, StringConstraints(max_length=100)] | None = Field(None, description="姓名或单位")


class OrderQuery(ListQuery):
    status: Literal["issued", "closed"] | None = Field(None, description="状态")
    incident_id: Id | None = Field(None, description="事件")
    division: DivisionCode | None = Field(None, description="只看该行政区划（含下级）")


class ForceOut(Out):
    id: int
    code: str
    name: str
    kind: str
    station_level: str
    specialties: list[str]
    division_code: str
    address: str
    lon: float
    lat: float
    personnel: int
    contact: str
    phone: str
    synthetic: bool


class VehicleOut(Out):
    id: int
    force_id: int
    division_code: str
    callsign: str
    vehicle_type: str
    capabilities: list[str]
    crew: int
    status: str
    status_at: datetime
    order_id: int | None
    synthetic: bool


class ExpertOut(Out):
    id: int
    name: str
    specialties: list[str]
    organisation: str
    title: str
    phone: str
    division_code: str
    available: bool
    synthetic: bool


class CandidateOut(BaseModel):
    vehicle_id: int
    callsign: str
    vehicle_type: str
    force_id: int
    force_name: str
    lon: float | None
    lat: float | None
    seconds: float
    meters: float | None
    model: str
    model_label: str
    substitute: bool
    within_standard: bool
    reason: str


class GroupOut(BaseModel):
    unit_type: str
    label: str
    count: int
    source: str
    note: str
    shortfall: int
    selected: list[CandidateOut]
    alternatives: list[CandidateOut]


class RecommendationOut(BaseModel):
    incident_id: int | None
    division_code: str
    division_name: str
    lon: float
    lat: float
    incident_type: str
    computed_grade: int
    grade: int
    grade_label: str
    grade_colour: str
    grade_basis: list[str]
    plan_based: bool
    plan_note: str
    arrival_standard_seconds: int
    groups: list[GroupOut]
    experts: list[ExpertOut]
    routing_note: str


class OrderUnitOut(Out):
    id: int
    vehicle_id: int
    unit_type: str
    travel_seconds: float | None
    travel_meters: float | None
    travel_model: str
    reason: str
    recommended: bool
    dispatched_at: datetime
    departed_at: datetime | None
    arrived_at: datetime | None
    arrival_seconds: float | None
    within_standard: bool | None
    released_at: datetime | None
    callsign: str = ""
    vehicle_type: str = ""
    force_name: str = ""
    status: str = ""


class OrderOut(Out):
    id: int
    code: str
    incident_id: int | None
    division_code: str
    incident_type: str
    address: str
    lon: float
    lat: float
    grade: int
    grade_basis: list[str]
    plan_based: bool
    requirements: list[dict[str, Any]]
    expert_ids: list[int]
    notes: str
    status: str
    issued_by: str
    issued_at: datetime
    closed_at: datetime | None
    synthetic: bool


class OrderDetailOut(OrderOut):
    units: list[OrderUnitOut]
    experts: list[ExpertOut]
    flags: dict[str, Any]


class RouteOut(BaseModel):
    vehicle_id: int
    seconds: float
    meters: float | None
    model: str
    label: str
    coords: list[list[float]]


class CatalogOut(BaseModel):
    grades: list[dict[str, Any]]
    incident_types: dict[str, str]
    building_types: dict[str, str]
    unit_types: dict[str, str]
    force_kinds: dict[str, str]
    statuses: dict[str, str]
    arrival_standard_seconds: int
    source: str
