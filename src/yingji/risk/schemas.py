"""Validated input and output shapes of the risk domain (risk sources, assessments, map, statistics)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, computed_field

from yingji.core.listing import ListQuery
from yingji.core.schemas import DivisionCode, LongText, Out, ShortText, Strict
from yingji.risk.grading import LEVEL_KEYS, level_info
from yingji.units.schemas import UnitOut

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Lon = Annotated[float, Field(ge=73.0, le=136.0, description="经度（WGS84）")]
Lat = Annotated[float, Field(ge=3.0, le=54.0, description="纬度（WGS84）")]
SubclassCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{2}$")]
SourceCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")]
Small = Annotated[str, StringConstraints(max_length=100)]
Tier = Annotated[str, StringConstraints(max_length=64)]
LevelKey = Literal["major", "significant", "general", "low"]

assert set(LevelKey.__args__) == set(LEVEL_KEYS)  # type: ignore[attr-defined]


def _label(level: str | None) -> str | None:
    if level is None:
        return None
    try:
        return level_info(level).label
    except Exception:  # noqa: BLE001 - an unknown stored key shows as itself
        return level


def _colour(level: str | None) -> str | None:
    if level is None:
        return None
    try:
        return level_info(level).colour
    except Exception:  # noqa: BLE001
        return None


# --- risk sources -------------------------------------------------------------------------------

class SourceFilters(BaseModel):
    """The filters of risk sources shared by the list, the map, the statistics and the exports."""

    model_config = ConfigDict(extra="ignore")

    class_code: Annotated[str | None, Field(pattern=r"^[A-Z]$", description="风险大类代码")] = None
    subclass_code: Annotated[str | None, Field(pattern=r"^[A-Z][0-9]{2}$", description="风险小类代码")] = None
    level: Annotated[Literal["major", "significant", "general", "low", "unassessed"] | None, Field(
        description="风险等级：major 重大、significant 较大、general 一般、low 低、unassessed 未评估")] = None
    industry: Annotated[str | None, Field(pattern=r"^[a-z_]{1,32}$", description="行业代码")] = None
    division: Annotated[str | None, Field(pattern=r"^(\d{6}|\d{9}|\d{12})$",
                                          description="行政区划（含下级）")] = None


class SourceQuery(ListQuery, SourceFilters):
    unit_id: Annotated[int | None, Field(ge=1, le=2**31 - 1, description="只看该单位的风险源")] = None


class MapQuery(SourceFilters):
    bbox: Annotated[str | None, Field(max_length=200, pattern=r"^[0-9eE+\-.,]*$",
                                      description="可视范围：最小经度,最小纬度,最大经度,最大纬度")] = None


class SourceIn(Strict):
    unit_id: Id = Field(title="所属单位")
    code: SourceCode | None = Field(None, title="风险点编号", description="风险点编号；不填则自动生成")
    name: ShortText = Field(title="风险点名称")
    subclass_code: SubclassCode = Field(title="风险小类", description="风险小类代码，见 /api/v1/risk/taxonomy")
    division_code: DivisionCode | None = Field(None, title="所在乡镇（街道）", description="所在乡镇（街道）；不填则取单位所在地")
    lon: Lon | None = Field(None, title="经度")
    lat: Lat | None = Field(None, title="纬度")
    description: LongText = Field("", title="风险点描述")


class SourcePatch(Strict):
    name: ShortText | None = Field(None, title="风险点名称")
    subclass_code: SubclassCode | None = Field(None, title="风险小类")
    division_code: DivisionCode | None = Field(None, title="所在乡镇（街道）")
    lon: Lon | None = Field(None, title="经度")
    lat: Lat | None = Field(None, title="纬度")
    description: LongText | None = Field(None, title="风险点描述")
    management_tier: Tier | None = Field(None, title="管控层级")


class SourceOut(Out):
    id: int
    code: str
    name: str
    class_code: str
    subclass_code: str
    industry: str
    unit_id: int
    division_code: str
    lon: float | None
    lat: float | None
    description: str
    level: str | None
    method: str | None
    score: float | None
    latest_assessment_id: int | None
    management_tier: str
    synthetic: bool
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def level_label(self) -> str | None:
        return _label(self.level)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def colour(self) -> str | None:
        return _colour(self.level)


Factor = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]


class AssessmentIn(Strict):
    method: Literal["lec", "ls"] = Field(title="评估方法",
                                         description="lec：作业条件危险性分析法 D=L×E×C；ls：风险矩阵 R=L×S")
    l: Factor = Field(title="可能性（L）", description="L：事故发生的可能性")
    e: Factor | None = Field(None, title="暴露频繁程度（E）", description="E：暴露于危险环境的频繁程度（LEC）")
    c: Factor | None = Field(None, title="后果（C）", description="C：发生事故产生的后果（LEC）")
    s: Factor | None = Field(None, title="后果严重性（S）", description="S：后果严重性（风险矩阵）")
    assessor: Small = Field("", title="评估人")
    note: LongText = Field("", title="说明")


class AssessmentOut(Out):
    id: int
    source_id: int
    unit_id: int
    division_code: str
    method: str
    factors: dict[str, Any]
    score: float
    band: str | None
    level: str
    assessor: str
    assessed_at: datetime
    note: str
    created_by: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def level_label(self) -> str | None:
        return _label(self.level)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def colour(self) -> str | None:
        return _colour(self.level)


class AssessedOut(Strict):
    source: SourceOut
    assessment: AssessmentOut
    unit_risk_level: str | None


class MeasureIn(Strict):
    measure: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(title="管控措施")
    kind: Annotated[str, StringConstraints(max_length=32)] = Field("", title="措施类型")
    responsible_tier: Annotated[str, StringConstraints(max_length=32)] = Field("", title="责任层级")
    responsible_person: Small = Field("", title="责任人")


class MeasureOut(Out):
    id: int
    source_id: int
    unit_id: int
    division_code: str
    measure: str
    kind: str
    responsible_tier: str
    responsible_person: str
    created_at: datetime


# --- configuration ------------------------------------------------------------------------------

class SubclassOut(Strict):
    code: str
    name: str
    class_code: str
    industries: list[str]
    method: str
    typical_sources: list[str]


class ClassOut(Strict):
    code: str
    name: str
    description: str
    subclasses: list[SubclassOut]


class LevelOut(Strict):
    key: str
    label: str
    short_label: str
    rank: int
    roman: str
    colour: str
    colour_label: str
    hex: str
    management_tier: str
    meaning: str


class FactorOut(Strict):
    value: float
    description: str


class GradingOut(Strict):
    levels: list[LevelOut]
    lec_factors: dict[str, list[FactorOut]]
    lec_factor_labels: dict[str, str]
    ls_factors: dict[str, list[FactorOut]]
    ls_factor_labels: dict[str, str]
    boundary_convention: str


# --- map, stats, card, import -------------------------------------------------------------------

class AreaCount(Strict):
    key: str = Field(description="区县或乡镇（街道）代码")
    name: str
    counts: dict[str, int]
    total: int


class MapPoints(Strict):
    fields: list[str]
    rows: list[list[Any]]
    truncated: bool


class RiskMapOut(Strict):
    levels: list[LevelOut]
    districts: list[AreaCount]
    townships: list[AreaCount]
    totals: dict[str, int]
    points: MapPoints


class LiveAlarmSource(Strict):
    source_id: int = Field(description="风险源 ID")
    name: str
    level: str = Field(description="最严重的未关闭告警等级（监测告警等级键：red/orange/yellow/blue）")
    alarm_id: int
    state: str = Field(description="告警状态：raised 待确认 / acknowledged 已确认 / handled 已处置")
    title: str
    lon: float | None = None
    lat: float | None = None


class LiveAlarmsOut(Strict):
    available: bool = Field(description="监测预警模块是否部署（未部署时恒为空）")
    sources: list[LiveAlarmSource]


class StatsRow(Strict):
    key: str
    name: str
    counts: dict[str, int]
    total: int


class RiskStatsOut(Strict):
    levels: list[LevelOut]
    by_class: list[StatsRow]
    by_industry: list[StatsRow]
    by_district: list[StatsRow]
    totals: dict[str, int]
    units_by_level: dict[str, int]


class RiskUnitOut(UnitOut):
    """A unit with the label and colour of its risk level (the risk domain's view of a unit)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def risk_level_label(self) -> str | None:
        return _label(self.risk_level)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def risk_colour(self) -> str | None:
        return _colour(self.risk_level)


class RiskCardOut(Strict):
    source: SourceOut
    unit: RiskUnitOut
    level: LevelOut | None
    subclass_name: str
    class_name: str
    division_name: str
    latest_assessment: AssessmentOut | None
    measures: list[MeasureOut]
    emergency_phone: str
