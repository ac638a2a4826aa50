"""Shared validated input types and the core (platform) in/out schemas."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from yingji.core.auth import ROLES
from yingji.core.listing import ListQuery
from yingji.core.passwords import MAX_LENGTH, check_password

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("不能包含控制字符")
    value = value.strip()
    if not value:
        raise ValueError("不能为空")
    return value


def _clean_multiline(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("不能包含控制字符")
    return value


# --- dates: plausible windows at the edge (a year 1 or 9999 is a typing error, not a record) ---------

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
DEADLINE_HORIZON = timedelta(days=3653)  # ten years
CLOCK_SKEW = timedelta(days=1)


def _window(value: datetime, low: datetime, high: datetime) -> datetime:
    # compare years first: converting year 1 or 9999 with an offset to UTC would overflow
    if not (low.year - 1 <= value.year <= high.year + 1) or not (low <= value <= high):
        raise ValueError(f"日期超出合理范围（应在 {low:%Y-%m-%d} 至 {high:%Y-%m-%d} 之间）")
    return value


def _occurred(value: datetime) -> datetime:
    """Something that happened: not before 2000, not in the future (one day of clock skew)."""
    return _window(value, EARLIEST, datetime.now(UTC) + CLOCK_SKEW)


def _deadline(value: datetime) -> datetime:
    """A time limit or planned time: from 2000 up to ten years ahead."""
    return _window(value, EARLIEST, datetime.now(UTC) + DEADLINE_HORIZON)


def _query_time(value: datetime) -> datetime:
    """A bound of a time filter."""
    return _window(value, datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


OccurredAt = Annotated[AwareDatetime, AfterValidator(_occurred)]
Deadline = Annotated[AwareDatetime, AfterValidator(_deadline)]
QueryTime = Annotated[AwareDatetime, AfterValidator(_query_time)]

ShortText = Annotated[str, StringConstraints(max_length=200), AfterValidator(_clean_text)]
LongText = Annotated[str, StringConstraints(max_length=20000), AfterValidator(_clean_multiline)]
DivisionCode = Annotated[str, StringConstraints(pattern=r"^(\d{6}|\d{9}|\d{12})$")]
RoleKey = Literal["admin", "city_duty", "county_officer", "township_officer", "enterprise_manager",
                  "dispatcher", "leader"]
assert set(RoleKey.__args__) == set(ROLES)  # type: ignore[attr-defined]
# the password policy (yingji.core.passwords): length, not one repeated character; "not the username"
# is checked where the username is known (UserIn below, the actions)
Password = Annotated[str, StringConstraints(max_length=MAX_LENGTH), AfterValidator(check_password)]
Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{3,64}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LoginIn(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(title="用户名")
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(title="密码")


class PasswordChangeIn(Strict):
    old_password: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(title="原密码")
    new_password: Password = Field(title="新密码", description="至少 10 个字符，不能由同一字符重复组成，不能与用户名相同")


class MeOut(BaseModel):
    id: int | None
    username: str
    display_name: str
    role: str
    role_label: str
    scope_code: str
    scope_name: str
    unit_id: int | None
    csrf_token: str
    permissions: list[str]


class RoleOut(BaseModel):
    key: str
    label: str
    permissions: list[str]


class DivisionOut(Out):
    code: str
    name: str
    level: str
    level_label: str
    parent_code: str | None
    population: int | None
    area_km2: float | None
    synthetic: bool
    dataset_key: str | None
    centroid_lon: float | None
    centroid_lat: float | None
    min_lon: float | None
    min_lat: float | None
    max_lon: float | None
    max_lat: float | None


class DatasetOut(Out):
    key: str
    name: str
    source: str
    licence: str
    datum: str
    synthetic: bool
    method: str
    record_count: int
    loaded_at: datetime


class ImportRowError(BaseModel):
    row: int
    field: str | None
    message: str


class ImportResult(Strict):
    """The report of a bulk import (xlsx/csv): every bad row, and whether anything was written."""

    mode: Literal["all_or_nothing", "valid_only"]
    dry_run: bool
    total_rows: int
    imported: int
    committed: bool
    errors: list[ImportRowError]


DivisionImportResult = ImportResult


# --- list queries (yingji.core.listing) ------------------------------------------------------------

DivisionFilter = Annotated[str | None, Field(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="只看该行政区划（含下级）")]


class DivisionQuery(ListQuery):
    level: Literal["province", "city", "county", "township", "village"] | None = None
    parent: DivisionFilter = None
    division: DivisionFilter = None
    q: Annotated[str | None, Field(max_length=50, description="名称包含")] = None


class UserQuery(ListQuery):
    division: DivisionFilter = None
    q: Annotated[str | None, Field(max_length=64, description="用户名或姓名包含")] = None
    role: RoleKey | None = None
    active: bool | None = None


class EventQuery(ListQuery):
    page_size: int = Field(20, ge=1, le=200, description="每页条数（最多 200）")
    division: DivisionFilter = None
    type: Annotated[str | None, Field(max_length=64, pattern=r"^[a-z_][a-z0-9_.]*$",
                                      description="事件类型；以 . 结尾表示前缀，如 hazard.")] = None
    since: Annotated[QueryTime | None, Field(description="时间起（含）")] = None


class AuditQuery(ListQuery):
    division: DivisionFilter = None
    entity_type: Annotated[str | None, Field(max_length=64)] = None
    entity_id: Annotated[str | None, Field(max_length=64)] = None
    action: Annotated[str | None, Field(max_length=64)] = None
    actor: Annotated[str | None, Field(max_length=64, description="操作人用户名")] = None
    since: Annotated[QueryTime | None, Field(description="时间起（含）")] = None
    until: Annotated[QueryTime | None, Field(description="时间止（不含）")] = None


class UserIn(Strict):
    username: Username = Field(title="用户名", description="3–64 位字母、数字、_ . -")
    display_name: ShortText = Field(title="姓名")
    role: RoleKey = Field(title="角色")
    scope_code: DivisionCode = Field(title="管辖范围", description="行政区划代码（市、区县或乡镇）")
    unit_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        default=None, title="所属单位", description="企业安全管理员必填：其生产经营单位")
    password: Password = Field(title="初始密码", description="至少 10 个字符，不能由同一字符重复组成，不能与用户名相同")

    @field_validator("password")
    @classmethod
    def _password_not_username(cls, value: str, info: ValidationInfo) -> str:
        return check_password(value, info.data.get("username"))


class UserPatch(Strict):
    display_name: ShortText | None = Field(default=None, title="姓名")
    role: RoleKey | None = Field(default=None, title="角色")
    scope_code: DivisionCode | None = Field(default=None, title="管辖范围")
    unit_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(default=None, title="所属单位")
    active: bool | None = Field(default=None, title="启用")
    password: Password | None = Field(default=None, title="新密码", description="管理员重置密码（用户的会话随之结束）")


class UserOut(Out):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    scope_code: str
    unit_id: int | None
    active: bool
    created_at: datetime
    can_delete: bool = Field(default=False, description="从未操作过（审计日志中没有以其为操作人的记录），可以删除；否则只能停用")


class DeletedUserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    scope_code: str


class TokenIn(Strict):
    name: ShortText = Field(title="令牌名称")
    scope: Literal["read", "write"] = Field(
        default="read", title="令牌权限", description="read：只能查询（GET/HEAD）；write：可读写（不超过所属用户角色的权限）")
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] | None = Field(
        default=None, title="有效期（天）", description="有效期（天）；不填则用系统默认值（YINGJI_TOKEN_DEFAULT_DAYS），"
                                  "不能超过 YINGJI_TOKEN_MAX_DAYS")


class TokenOut(Out):
    id: int
    name: str
    token_hint: str
    scope: Literal["read", "write"]
    created_at: datetime
    expires_at: datetime
    expired: bool
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="只显示这一次，请妥善保存")


class SessionOut(Out):
    id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    client_address: str
    user_agent: str
    current: bool = Field(default=False, description="发出本次请求的会话")


class AuditOut(Out):
    seq: int
    occurred_at: datetime
    actor: str
    actor_name: str = Field(default="", description="操作人姓名（用户的显示名；系统任务为“系统”等）")
    action: str
    entity_type: str
    entity_id: str
    division_code: str | None
    before: Any | None
    after: Any | None
    hash: str


class AuditProblemOut(BaseModel):
    seq: int
    message: str


class AuditVerifyOut(BaseModel):
    ok: bool
    checked: int
    problems: list[AuditProblemOut]


class EventOut(BaseModel):
    id: int
    type: str
    occurred_at: datetime
    division_code: str | None
    unit_id: int | None = None  # the enterprise concerned (its users see the event)
    summary: str
    actor: str | None
    payload: Any


class HealthPart(BaseModel):
    ok: bool


class HealthOut(BaseModel):
    """Deliberately terse: /healthz is open to anyone (load balancers), so it names no versions,
    database kinds or error details — those are in the server log and /metrics."""

    status: Literal["ok", "degraded"]
    database: HealthPart
    broker: HealthPart
