"""Users, roles, API tokens, password hashing and the request principal.

Authentication: a server-side session for the web (opaque cookie, :mod:`yingji.core.sessions`;
writes need the session's CSRF token in ``X-CSRF-Token``) or ``Authorization: Bearer <token>``
for machines (API tokens expire, and a ``read`` token may only GET/HEAD). Authorisation: a role
grants permissions (``domain:verb`` patterns); the user's *scope* (a division code) limits which
records the permissions apply to — see :mod:`yingji.core.scope`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from sqlalchemy import Boolean, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from yingji.core import sessions
from yingji.core.db import Base, UTCDateTime, bookkeeping, utcnow
from yingji.core.errors import Forbidden, NotAuthenticated
from yingji.core.scope import ScopeSpec

ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin": ("系统管理员", ("*",)),
    "city_duty": ("市级值班员", ("*:read", "*:write")),
    "county_officer": ("区县应急管理人员", ("*:read", "*:write")),
    "township_officer": ("乡镇（街道）应急管理人员", ("*:read", "*:write")),
    "enterprise_manager": ("企业安全管理员", ("*:read", "units:write", "supervision:write", "hazards:write")),
    "dispatcher": ("调度员", ("*:read", "incidents:write", "dispatch:write")),
    "leader": ("领导（只读）", ("*:read",)),
}

_hasher = PasswordHasher()
TOKEN_PREFIX = "yj_"
TOKEN_SCOPES = {"read": "只读（仅查询）", "write": "读写"}


def role_can_write(role: str) -> bool:
    """Whether a role holds any permission beyond reading (a read-only role cannot mint write tokens)."""
    return any(not pattern.endswith(":read") for pattern in ROLES.get(role, ("", ()))[1])


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class User(Base):
    __tablename__ = "users"
    __scope__ = ScopeSpec(division="scope_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    scope_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, (self.role,))[0]


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_hint: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(8), default="read")  # read | write
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def expired(self) -> bool:
        return self.expires_at <= utcnow()


@dataclass
class Principal:
    """Who is acting: the user, their role's permissions and their jurisdiction."""

    user_id: int | None
    username: str
    display_name: str
    role: str
    scope_code: str
    scope_name: str = ""
    unit_id: int | None = None
    csrf_token: str = ""
    via: str = "session"  # session | token | system | anonymous
    permissions: tuple[str, ...] = field(default=())
    session_id: int | None = None  # the web session in use (via == "session")
    token_scope: str | None = None  # read | write (via == "token")

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, (self.role,))[0]

    def can(self, permission: str) -> bool:
        return any(fnmatchcase(permission, pattern) for pattern in self.permissions)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            from yingji.core.labels import permission_label

            raise Forbidden(f"您的角色（{self.role_label}）无权执行此操作（需要“{permission_label(permission)}”权限）")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def principal_for(user: User, scope_name: str = "", csrf_token: str = "", via: str = "session") -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        scope_code=user.scope_code,
        scope_name=scope_name,
        unit_id=user.unit_id,
        csrf_token=csrf_token,
        via=via,
        permissions=ROLES.get(user.role, ("", ()))[1],
    )


def system_principal(scope_code: str = "350100", name: str = "system") -> Principal:
    """The platform itself (CLI, scheduled jobs): full rights over ``scope_code``."""
    return Principal(
        user_id=None, username=name, display_name="系统", role="admin", scope_code=scope_code,
        via="system", permissions=("*",),
    )


def anonymous_principal(scope_code: str) -> Principal:
    """Who acts in a failed login: nobody known (audit records it with ``actor_id`` empty)."""
    return Principal(user_id=None, username="anonymous", display_name="匿名", role="", scope_code=scope_code,
                     via="anonymous", permissions=())


def get_db(request: Request):  # type: ignore[no-untyped-def]
    db = request.app.state.database.session()
    try:
        yield db
    finally:
        db.close()


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
READ_TOKEN_METHODS = {"GET", "HEAD"}
# A POST that only reads (its question is too large or structured for a query string: travel
# times, dispatch recommendations, live counts) is marked on its route with
# ``openapi_extra=QUERY``; read-only API tokens may call it. It must not write anything.
QUERY: dict[str, Any] = {"x-yingji-query": True}


def is_query_route(request: Request) -> bool:
    route = request.scope.get("route")
    return bool((getattr(route, "openapi_extra", None) or {}).get("x-yingji-query"))


def _resolve(request: Request, db: Session) -> Principal | None:
    from yingji.core.divisions import Division

    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal: Principal | None = None
    authz = request.headers.get("authorization", "")
    if authz.lower().startswith("bearer "):
        principal = _token_principal(request, db, authz[7:].strip())
    else:
        principal = _session_principal(request, db)
    if principal is not None:
        division = db.get(Division, principal.scope_code)
        principal.scope_name = division.name if division else principal.scope_code
        request.state.principal = principal
    return principal


def _token_principal(request: Request, db: Session, token: str) -> Principal:
    row = db.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row.User.active:
        raise NotAuthenticated("API 令牌无效或已被吊销", code="token_invalid")
    if row.ApiToken.expired:
        raise NotAuthenticated("API 令牌已过期，请重新签发", code="token_expired")
    if row.ApiToken.scope != "write" and request.method not in READ_TOKEN_METHODS and not is_query_route(request):
        raise Forbidden("只读 API 令牌只能用于查询，不能修改数据", code="token_read_only")
    _touch_token(db, row.ApiToken)
    principal = principal_for(row.User, via="token")
    principal.token_scope = row.ApiToken.scope
    return principal


def session_policy(request: Request) -> sessions.SessionPolicy:
    return sessions.SessionPolicy.from_settings(request.app.state.settings)


def _session_principal(request: Request, db: Session) -> Principal | None:
    row = sessions.find(db, request.cookies.get(sessions.COOKIE_NAME))
    if row is None:
        return None
    user = db.get(User, row.user_id)
    policy = session_policy(request)
    if not sessions.is_live(row, user, policy):
        return None
    assert user is not None
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token", "")
        if not secrets.compare_digest(sent.encode(), row.csrf_token.encode()):
            raise Forbidden("请求缺少有效的 CSRF 令牌，请刷新页面后重试", code="csrf_failed")
    sessions.touch(db, row, policy)
    principal = principal_for(user, csrf_token=row.csrf_token)
    principal.session_id = row.id
    return principal


def current_session(request: Request, db: Session) -> sessions.UserSession | None:
    """The live web session the request's cookie names (no CSRF check: for sign-out only)."""
    row = sessions.find(db, request.cookies.get(sessions.COOKIE_NAME))
    if row is None or not sessions.is_live(row, db.get(User, row.user_id), session_policy(request)):
        return None
    return row


TOKEN_TOUCH_INTERVAL = timedelta(minutes=10)


def _touch_token(db: Session, token: ApiToken) -> None:
    """Record when a token was last used (at most every 10 minutes; bookkeeping, not audited)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_TOUCH_INTERVAL:
        return
    database = db.info.get("database")
    lock = database.write_lock if database is not None and database.is_sqlite else None
    if lock is not None and not lock.acquire(blocking=False):
        return  # a writer is busy: skip, the next request will record it
    try:
        if db.in_transaction():
            db.commit()  # end the read snapshot before writing (SQLite)
        with bookkeeping(db):
            db.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
            db.commit()
    finally:
        if lock is not None:
            lock.release()


def optional_principal(request: Request, db: Session = Depends(get_db)) -> Principal | None:
    return _resolve(request, db)


def current_principal(request: Request, db: Session = Depends(get_db)) -> Principal:
    principal = _resolve(request, db)
    if principal is None:
        raise NotAuthenticated("请先登录")
    return principal


def requires(permission: str):  # type: ignore[no-untyped-def]
    """Dependency factory: the current principal, who must hold ``permission``."""

    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        principal.require(permission)
        return principal

    return dependency
