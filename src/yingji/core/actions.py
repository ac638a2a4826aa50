"""Every write of the platform core: users, tokens, divisions, datasets.

Each public function is one action: one transaction (``atomic``), one audit record per
changed entity, events emitted on commit.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from shapely.geometry import shape
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from yingji.core import audit, events, hooks, permissions, sessions, throttle
from yingji.core.auth import (
    TOKEN_SCOPES,
    ApiToken,
    Principal,
    User,
    anonymous_principal,
    hash_password,
    hash_token,
    new_token,
    principal_for,
    role_can_write,
    verify_password,
)
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division
from yingji.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound, ValidationFailed
from yingji.core.passwords import password_problems
from yingji.core.schemas import ImportRowError, UserIn, UserPatch
from yingji.core.scope import division_level, ensure_in_scope, get_scoped, in_scope, visible
from yingji.core.service import has_acted
from yingji.core.sessions import SessionPolicy, UserSession
from yingji.core.throttle import ThrottlePolicy

if TYPE_CHECKING:
    from yingji.config import Settings


def _user_snapshot(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "scope_code": user.scope_code, "unit_id": user.unit_id, "active": user.active}


# --- authentication ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AuthPolicy:
    """The authentication settings an action needs (built from :class:`yingji.config.Settings`)."""

    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    token_default_days: int = 90
    token_max_days: int = 365
    city_code: str = "350100"

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthPolicy:
        return cls(sessions=SessionPolicy.from_settings(settings), throttle=ThrottlePolicy.from_settings(settings),
                   token_default_days=settings.token_default_days, token_max_days=settings.token_max_days,
                   city_code=settings.city_code)


def authenticate(db: Session, username: str, password: str) -> User:
    """Check a username and password (no throttling, no session): for tools, not for the web login."""
    user = db.scalar(select(User).where(User.username == username))
    # verify against a dummy hash too, so that timing does not reveal which usernames exist
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or not user.active:
        raise NotAuthenticated("用户名或密码错误", code="bad_credentials")
    return user


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def login(db: Session, username: str, password: str, *, policy: AuthPolicy, client_address: str,
          user_agent: str = "", replaces: UserSession | None = None) -> tuple[User, UserSession, str]:
    """Sign in: throttle, check the password, start a server-side session, audit it.

    Returns the user, the session and the cookie value. A locked account or address answers 429
    before the password is looked at; a wrong password, an unknown user and a deactivated user
    all answer the same 401 and count the same way (names are not revealed).
    """
    throttle.check(db, username, client_address)
    user = db.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or not user.active:
        reason = "unknown_user" if user is None else "bad_password" if not ok else "inactive"
        with atomic(db):
            locks = throttle.record_failure(db, username, client_address, policy.throttle)
            actor = anonymous_principal(policy.city_code)
            division = user.scope_code if user is not None else policy.city_code
            audit.record(db, actor, "auth.login_failed", "user", user.id if user is not None else "-",
                         division_code=division,
                         after={"username": username, "reason": reason, "client_address": client_address})
            for lock in locks:
                audit.record(db, actor, "auth.locked", "login_throttle", f"{lock.kind}:{lock.key}"[:64],
                             division_code=division,
                             after={"kind": lock.kind, "key": lock.key, "until": lock.until.isoformat()})
        raise NotAuthenticated("用户名或密码错误", code="bad_credentials")
    with atomic(db):
        db.refresh(user)
        throttle.record_success(db, username)
        if replaces is not None and replaces.user_id is not None:
            sessions.end(db, replaces, "replaced")
        session, secret = sessions.begin(db, user, policy=policy.sessions, client_address=client_address,
                                         user_agent=user_agent)
        sessions.purge(db)
        audit.record(db, principal_for(user), "auth.login", "user", user.id, division_code=user.scope_code,
                     after={"session_id": session.id, "client_address": client_address})
        _security_event(db, "auth.login", user, f"{user.display_name} 登录", session_id=session.id)
    return user, session, secret


def logout(db: Session, session: UserSession) -> None:
    """End the web session (sign-out) and audit it."""
    with atomic(db):
        session = db.get(UserSession, session.id) or session
        user = db.get(User, session.user_id)
        if user is None or not sessions.end(db, session, "logout"):
            return
        audit.record(db, principal_for(user), "auth.logout", "user", user.id, division_code=user.scope_code,
                     after={"session_id": session.id})
        _security_event(db, "auth.logout", user, f"{user.display_name} 退出登录", session_id=session.id)


def end_own_session(db: Session, actor: Principal, session_id: int) -> UserSession:
    """A user ends one of their own sessions (e.g. a browser left signed in elsewhere)."""
    with atomic(db):
        session = db.get(UserSession, session_id)
        if session is None or session.user_id != actor.user_id:
            raise NotFound("会话不存在")
        if sessions.end(db, session, "ended_by_user"):
            user = db.get(User, session.user_id)
            audit.record(db, actor, "auth.session_ended", "user", session.user_id,
                         division_code=user.scope_code if user else None, after={"session_id": session.id})
            if user is not None:
                _security_event(db, "auth.session_ended", user, f"{user.display_name} 结束了一个会话",
                                session_id=session.id)
    return session


def _security_event(db: Session, type: str, user: User, summary: str, **payload: Any) -> None:
    """An event of the security log: kept in the outbox for integrations, never on anyone's live ticker
    (no division code: the stream shows an event only to users whose jurisdiction contains it)."""
    events.emit(db, type, division_code=None, actor=user.username, summary=summary,
                payload={"user_id": user.id, **payload})


def _sign_out_everywhere(db: Session, user: User, reason: str, *, revoke_tokens: bool) -> dict[str, int]:
    """End all of a user's sessions (and optionally revoke all their API tokens), in the caller's
    transaction; returns the counts for the audit record."""
    user.session_version += 1  # also invalidates a session that a concurrent login is creating
    ended = sessions.end_all(db, user.id, reason)
    revoked = 0
    if revoke_tokens:
        result = db.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                            .values(revoked_at=utcnow()).execution_options(synchronize_session="fetch"))
        revoked = int(result.rowcount or 0)  # type: ignore[attr-defined]
    return {"sessions_ended": ended, "tokens_revoked": revoked}


def _check_password(password: str, username: str, field: str = "password") -> None:
    """The password policy (:mod:`yingji.core.passwords`), with the username known."""
    problems = password_problems(password, username)
    if problems:
        raise ValidationFailed(problems[0], field=field, code="weak_password")


def change_password(db: Session, actor: Principal, old_password: str, new_password: str) -> None:
    """Change one's own password: every session ends and every API token is revoked (a stolen
    token or cookie must not outlive the password it was obtained with)."""
    with atomic(db):
        user = db.get(User, actor.user_id)
        if user is None or not verify_password(user.password_hash, old_password):
            raise ValidationFailed("原密码不正确", field="old_password")
        _check_password(new_password, user.username, field="new_password")
        if new_password == old_password:
            raise ValidationFailed("新密码不能与原密码相同", field="new_password", code="weak_password")
        user.password_hash = hash_password(new_password)
        counts = _sign_out_everywhere(db, user, "password_changed", revoke_tokens=True)
        audit.record(db, actor, "user.password_changed", "user", user.id, division_code=user.scope_code,
                     after=counts)
        _security_event(db, "user.password_changed", user, f"{user.display_name} 修改了密码", **counts)


# --- users ------------------------------------------------------------------------------------

def _check_scope_division(db: Session, actor: Principal, code: str) -> Division:
    ensure_in_scope(actor, code, field="scope_code")
    division = db.get(Division, code)
    if division is None:
        raise ValidationFailed(f"行政区划 {code} 不存在", field="scope_code")
    return division


# Hook sent when an enterprise manager's account is tied to a unit: the package that owns the units
# (above the core) checks that the unit exists, lies in the actor's jurisdiction and inside the
# account's (see core.hooks; yingji/units/handlers.py).
USER_UNIT_HOOK = "users.unit_assigned"


def _refuse_manage(actor: Principal) -> None:
    if (reason := permissions.manage_refusal(actor)) is not None:
        raise Forbidden(reason)


def _check_unit(db: Session, actor: Principal, role: str, unit_id: int | None, scope_code: str) -> None:
    """An enterprise manager needs its unit (existing, in scope); other roles have none."""
    if role != "enterprise_manager":
        if unit_id is not None:
            raise ValidationFailed("只有企业安全管理员需要关联生产经营单位", field="unit_id")
        return
    if unit_id is None:
        raise ValidationFailed("企业安全管理员必须关联一个生产经营单位", field="unit_id")
    hooks.send(db, actor, USER_UNIT_HOOK, unit_id=unit_id, scope_code=scope_code)


def create_user(db: Session, actor: Principal, data: UserIn) -> User:
    _refuse_manage(actor)
    _check_password(data.password, data.username)
    with atomic(db):
        _check_scope_division(db, actor, data.scope_code)
        _check_unit(db, actor, data.role, data.unit_id, data.scope_code)
        existing = db.scalar(select(User).where(User.username == data.username))
        if existing is not None:  # usernames are platform-wide; one outside the actor's scope is not described
            raise Conflict(f"用户名 {data.username} 已存在" if visible(actor, existing)
                           else f"用户名 {data.username} 不可用，请换一个", field="username")
        user = User(username=data.username, display_name=data.display_name, role=data.role,
                    scope_code=data.scope_code, unit_id=data.unit_id,
                    password_hash=hash_password(data.password), active=True, session_version=1)
        db.add(user)
        db.flush()
        audit.record(db, actor, "user.created", "user", user.id, division_code=user.scope_code,
                     after=_user_snapshot(user))
        events.emit(db, "user.created", division_code=user.scope_code, actor=actor.username,
                    summary=f"新增用户 {user.display_name}（{user.role_label}）", payload={"user_id": user.id})
    return user


def update_user(db: Session, actor: Principal, user_id: int, patch: UserPatch) -> User:
    _refuse_manage(actor)
    with atomic(db):
        user = get_scoped(db, actor, User, user_id, what="用户")
        before = _user_snapshot(user)
        changes = patch.model_dump(exclude_unset=True)
        if "scope_code" in changes and changes["scope_code"] is not None:
            _check_scope_division(db, actor, changes["scope_code"])
        if (reason := permissions.self_change_refusal(
                actor, user.id, deactivating=changes.get("active") is False, new_role=changes.get("role"))) is not None:
            raise Conflict(reason, field="active" if changes.get("active") is False else "role")
        if changes.get("password"):
            _check_password(changes["password"], user.username)
        if changes.get("role") not in (None, "enterprise_manager") and "unit_id" not in changes:
            changes["unit_id"] = None  # no longer an enterprise account: no unit
        for key in ("display_name", "role", "scope_code", "unit_id", "active"):
            if key in changes and (changes[key] is not None or key == "unit_id"):
                setattr(user, key, changes[key])
        if {"role", "unit_id", "scope_code"} & set(changes):
            _check_unit(db, actor, user.role, user.unit_id, user.scope_code)
        if changes.get("password"):
            user.password_hash = hash_password(changes["password"])
        signed_out: dict[str, int] = {}
        if changes.get("password"):  # an administrator reset the password: like changing it oneself
            signed_out = _sign_out_everywhere(db, user, "password_changed", revoke_tokens=True)
        elif changes.get("active") is False and before["active"]:
            signed_out = _sign_out_everywhere(db, user, "deactivated", revoke_tokens=True)
        elif (changes.get("role") not in (None, before["role"])
              or changes.get("scope_code") not in (None, before["scope_code"])):
            signed_out = _sign_out_everywhere(db, user, "role_changed", revoke_tokens=False)
        after = _user_snapshot(user)
        audit.record(db, actor, "user.updated", "user", user.id, division_code=user.scope_code,
                     before=before, after=after | ({"password": "changed"} if changes.get("password") else {})
                     | signed_out)
        events.emit(db, "user.updated", division_code=user.scope_code, actor=actor.username,
                    summary=f"修改用户 {user.display_name}（{user.role_label}）",
                    payload={"user_id": user.id, "fields": sorted(k for k in after if after[k] != before[k])})
    return user


def delete_user(db: Session, actor: Principal, user_id: int) -> dict[str, Any]:
    """Remove an account that never acted (a test account, a typing error); any other is deactivated
    instead (:func:`yingji.core.permissions.delete_refusal`). Its API tokens go with it."""
    _refuse_manage(actor)
    with atomic(db):
        user = get_scoped(db, actor, User, user_id, what="用户")
        if (reason := permissions.delete_refusal(actor, user, has_acted=has_acted(db, user.id))) is not None:
            raise Conflict(reason, field="user_id", code="user_has_acted")
        before = _user_snapshot(user)
        tokens = db.execute(select(ApiToken).where(ApiToken.user_id == user.id)).scalars().all()
        for token in tokens:
            db.delete(token)
        db.execute(sessions.UserSession.__table__.delete().where(sessions.UserSession.user_id == user.id))
        db.delete(user)
        db.flush()
        audit.record(db, actor, "user.deleted", "user", user_id, division_code=before["scope_code"],
                     before=before | {"tokens": len(tokens)})
        events.emit(db, "user.deleted", division_code=before["scope_code"], actor=actor.username,
                    summary=f"删除用户 {before['display_name']}（从未操作过的账号）", payload={"user_id": user_id})
    return before | {"id": user_id}


def create_token(db: Session, actor: Principal, user_id: int, name: str, *, scope: str = "read",
                 expires_in_days: int | None = None, policy: AuthPolicy | None = None) -> tuple[ApiToken, str]:
    """Issue an API token (shown once). ``scope`` ``read`` allows GET/HEAD only; ``write`` needs an
    owner whose role may write. The lifetime defaults to ``token_default_days`` and may not
    exceed ``token_max_days``."""
    policy = policy or AuthPolicy()
    if scope not in TOKEN_SCOPES:
        raise ValidationFailed("令牌权限必须是 read（只读）或 write（读写）", field="scope")
    days = policy.token_default_days if expires_in_days is None else expires_in_days
    if not 1 <= days <= policy.token_max_days:
        raise ValidationFailed(f"令牌有效期必须在 1 到 {policy.token_max_days} 天之间", field="expires_in_days")
    with atomic(db):
        user = _token_owner(db, actor, user_id)
        if scope == "write" and not role_can_write(user.role):
            raise Forbidden(f"{user.role_label}是只读角色，只能签发只读（read）令牌", field="scope",
                            code="token_scope_exceeds_role")
        plain = new_token()
        now = utcnow()
        token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(plain), token_hint=plain[:7] + "…",
                         scope=scope, created_at=now, expires_at=now + timedelta(days=days))
        db.add(token)
        db.flush()
        audit.record(db, actor, "token.created", "api_token", token.id, division_code=user.scope_code,
                     after={"user_id": user.id, "name": name, "hint": token.token_hint, "scope": scope,
                            "expires_at": token.expires_at.isoformat()})
        _security_event(db, "token.created", user, f"为用户 {user.display_name} 签发 API 令牌", token_id=token.id)
    return token, plain


def revoke_token(db: Session, actor: Principal, user_id: int, token_id: int) -> ApiToken:
    with atomic(db):
        user = _token_owner(db, actor, user_id)
        token = db.get(ApiToken, token_id)
        if token is None or token.user_id != user.id:
            raise NotFound("令牌不存在")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            audit.record(db, actor, "token.revoked", "api_token", token.id, division_code=user.scope_code,
                         before={"revoked": False}, after={"revoked": True})
            _security_event(db, "token.revoked", user, f"吊销用户 {user.display_name} 的 API 令牌",
                            token_id=token.id)
    return token


def _token_owner(db: Session, actor: Principal, user_id: int) -> User:
    if user_id != actor.user_id:
        _refuse_manage(actor)
    return get_scoped(db, actor, User, user_id, what="用户")


def ensure_admin(db: Session, *, password: str | None, scope_code: str) -> str | None:
    """Create the first administrator if there is none. Returns the password if generated."""
    if db.scalar(select(func.count()).select_from(User).where(User.role == "admin")):
        return None
    if db.get(Division, scope_code) is None:
        raise ValidationFailed(f"行政区划 {scope_code} 尚未导入，请先运行 yingji demo load", field="scope_code")
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    elif problems := password_problems(password, "admin"):
        raise ValidationFailed(f"YINGJI_ADMIN_PASSWORD 不符合密码要求：{problems[0]}", field="password",
                               code="weak_password")
    actor = _system(scope_code)
    with atomic(db):
        user = User(username="admin", display_name="系统管理员", role="admin", scope_code=scope_code,
                    password_hash=hash_password(password), active=True, session_version=1)
        db.add(user)
        db.flush()
        audit.record(db, actor, "user.created", "user", user.id, division_code=scope_code,
                     after=_user_snapshot(user))
        events.emit(db, "user.created", division_code=scope_code, actor=actor.username,
                    summary="创建首个系统管理员", payload={"user_id": user.id})
    return generated


def _system(scope_code: str) -> Principal:
    from yingji.core.auth import system_principal

    return system_principal(scope_code)


# --- divisions and datasets ---------------------------------------------------------------------

def _geometry_fields(geometry: dict[str, Any] | None) -> dict[str, Any]:
    if not geometry:
        return {"geometry": None, "min_lon": None, "min_lat": None, "max_lon": None, "max_lat": None,
                "centroid_lon": None, "centroid_lat": None}
    geom = shape(geometry)
    minx, miny, maxx, maxy = geom.bounds
    point = geom.representative_point()
    return {"geometry": geometry, "min_lon": minx, "min_lat": miny, "max_lon": maxx, "max_lat": maxy,
            "centroid_lon": round(point.x, 6), "centroid_lat": round(point.y, 6)}


def _geometry_digest(geometry: dict[str, Any] | None) -> str | None:
    if not geometry:
        return None
    return hashlib.sha256(json.dumps(geometry, sort_keys=True).encode()).hexdigest()[:16]


def _division_snapshot(d: Division) -> dict[str, Any]:
    return {"name": d.name, "level": d.level, "parent_code": d.parent_code, "population": d.population,
            "area_km2": d.area_km2, "synthetic": d.synthetic, "dataset_key": d.dataset_key}


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def load_reference(db: Session, actor: Principal, divisions: Sequence[Any], datasets: Iterable[Any],
                   progress: Any = None) -> LoadSummary:
    """Upsert datasets and divisions (records from :mod:`yingji.core.division_data`) idempotently."""
    summary = LoadSummary()
    with atomic(db):
        counts: dict[str, int] = {}
        for rec in divisions:
            counts[rec.dataset] = counts.get(rec.dataset, 0) + 1
        datasets_changed = 0
        for ds in datasets:  # provenance rows: rewritten (and audited) only when they changed
            row = db.get(Dataset, ds.key)
            values = {"name": ds.name, "source": ds.source, "licence": ds.licence, "datum": ds.datum,
                      "synthetic": ds.synthetic, "method": ds.method, "record_count": counts.get(ds.key, 0)}
            before = {k: getattr(row, k) for k in values} if row is not None else None
            if before == values:
                continue
            if row is None:
                row = Dataset(key=ds.key)
                db.add(row)
            for k, v in values.items():
                setattr(row, k, v)
            row.loaded_at = utcnow()
            audit.record(db, actor, "dataset.loaded", "dataset", ds.key, division_code=actor.scope_code,
                         before=before, after=values)
            datasets_changed += 1
        db.flush()
        for rec in sorted(divisions, key=lambda r: len(r.code) if r.level != "province" else 0):
            fields = {"name": rec.name, "level": rec.level, "parent_code": rec.parent_code,
                      "area_km2": rec.area_km2, "population": rec.population, "synthetic": rec.synthetic,
                      "dataset_key": rec.dataset} | _geometry_fields(rec.geometry)
            row = db.get(Division, rec.code)
            if row is None:
                row = Division(code=rec.code, **fields)
                db.add(row)
                db.flush()
                audit.record(db, actor, "division.created", "division", rec.code, division_code=rec.code,
                             after=_division_snapshot(row) | {"geometry": _geometry_digest(rec.geometry)})
                summary.created += 1
            else:
                before = _division_snapshot(row) | {"geometry": _geometry_digest(row.geometry)}
                after = {k: fields[k] for k in ("name", "level", "parent_code", "population", "area_km2",
                                                 "synthetic")} | {"dataset_key": rec.dataset,
                                                                  "geometry": _geometry_digest(rec.geometry)}
                if before == after:
                    summary.unchanged += 1
                else:
                    for key, value in fields.items():
                        setattr(row, key, value)
                    audit.record(db, actor, "division.updated", "division", rec.code, division_code=rec.code,
                                 before=before, after=after)
                    summary.updated += 1
            if progress is not None:
                progress()
        if summary.created or summary.updated or datasets_changed:
            events.emit(db, "divisions.loaded", division_code=actor.scope_code, actor=actor.username,
                        summary=f"行政区划数据已载入：新增 {summary.created}，更新 {summary.updated}",
                        payload={"created": summary.created, "updated": summary.updated})
    return summary


def import_divisions(db: Session, actor: Principal, content: bytes, filename: str, *,
                     mode: str = "all_or_nothing", dry_run: bool = False,
                     source: str = "") -> tuple[int, list[ImportRowError], bool]:
    """Import real township/village polygons and populations, reporting every bad row.

    ``all_or_nothing`` commits nothing when any row is bad; ``valid_only`` commits the good
    rows. Returns (imported count, errors, committed).
    """
    from yingji.core.division_data import parse_division_import

    actor.require("divisions:import")
    rows, raw_errors = parse_division_import(content, filename)
    errors = [ImportRowError(row=e["row"], field=e.get("field"), message=e["message"]) for e in raw_errors]
    valid: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        code = row["code"]
        rownum = row.get("row", i + 1)
        if not in_scope(actor.scope_code, code):
            errors.append(ImportRowError(row=rownum, field="code", message=f"{code} 不在您的管辖范围内"))
            continue
        existing = db.get(Division, code)
        parent = code[:6] if len(code) == 9 else code[:9] if len(code) == 12 else None
        if existing is None and (parent is None or db.get(Division, parent) is None):
            errors.append(ImportRowError(row=rownum, field="code",
                                         message=f"{code} 不是已知区划，且其上级区划不存在"))
            continue
        if existing is None and not row.get("name"):
            errors.append(ImportRowError(row=rownum, field="name", message=f"新增区划 {code} 必须提供名称"))
            continue
        valid.append(row | {"_existing": existing is not None, "_parent": parent})
    errors.sort(key=lambda e: e.row)
    if dry_run or not valid or (errors and mode == "all_or_nothing"):
        return (0 if not dry_run else len(valid)), errors, False
    key = "import-" + hashlib.sha256(content).hexdigest()[:12]
    with atomic(db):
        ds = db.get(Dataset, key) or Dataset(key=key)
        ds.name, ds.source = f"导入：{filename}"[:200], source or f"用户 {actor.username} 上传的文件 {filename}"
        ds.licence, ds.datum, ds.synthetic = "由提供方负责", "WGS84（GCJ-02 输入已转换）", False
        ds.method, ds.record_count, ds.loaded_at = "文件导入", len(valid), utcnow()
        db.add(ds)
        db.flush()
        for row in valid:
            division = db.get(Division, row["code"])
            before = _division_snapshot(division) | {"geometry": _geometry_digest(division.geometry)} if division else None
            if division is None:
                division = Division(code=row["code"], name=row["name"], level=division_level(row["code"]),
                                    parent_code=row["_parent"])
                db.add(division)
            if row.get("name"):
                division.name = row["name"]
            if row.get("geometry") is not None:
                for k, v in _geometry_fields(row["geometry"]).items():
                    setattr(division, k, v)
                division.area_km2 = row.get("area_km2")
            if row.get("population") is not None:
                division.population = row["population"]
            division.synthetic = False
            division.dataset_key = key
            db.flush()
            audit.record(db, actor, "division.imported", "division", division.code, division_code=division.code,
                         before=before,
                         after=_division_snapshot(division) | {"geometry": _geometry_digest(division.geometry)})
        events.emit(db, "divisions.imported", division_code=actor.scope_code, actor=actor.username,
                    summary=f"导入区划数据 {len(valid)} 条（{filename}）", payload={"dataset": key, "count": len(valid)})
    return len(valid), errors, True
