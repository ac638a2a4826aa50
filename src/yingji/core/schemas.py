"""Shared validated input types and the core (platform) in/out schemas."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from yingji.core.auth import ROLES

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


ShortText = Annotated[str, StringConstraints(max_length=200), AfterValidator(_clean_text)]
LongText = Annotated[str, StringConstraints(max_length=20000), AfterValidator(_clean_multiline)]
DivisionCode = Annotated[str, StringConstraints(pattern=r"^(\d{6}|\d{9}|\d{12})$")]
RoleKey = Literal["admin", "city_duty", "county_officer", "township_officer", "enterprise_manager",
                  "dispatcher", "leader"]
assert set(RoleKey.__args__) == set(ROLES)  # type: ignore[attr-defined]
Password = Annotated[str, StringConstraints(min_length=10, max_length=256), AfterValidator(_clean_multiline)]
Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{3,64}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LoginIn(Strict):
    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class PasswordChangeIn(Strict):
    old_password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    new_password: Password


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


class DivisionImportResult(BaseModel):
    mode: Literal["all_or_nothing", "valid_only"]
    dry_run: bool
    total_rows: int
    imported: int
    committed: bool
    errors: list[ImportRowError]


class UserIn(Strict):
    username: Username
    display_name: ShortText
    role: RoleKey
    scope_code: DivisionCode
    unit_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    password: Password


class UserPatch(Strict):
    display_name: ShortText | None = None
    role: RoleKey | None = None
    scope_code: DivisionCode | None = None
    unit_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    active: bool | None = None
    password: Password | None = None


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


class TokenIn(Strict):
    name: ShortText


class TokenOut(Out):
    id: int
    name: str
    token_hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="只显示这一次，请妥善保存")


class AuditOut(Out):
    seq: int
    occurred_at: datetime
    actor: str
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


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    database: dict[str, Any]
    broker: dict[str, Any]
    version: str
