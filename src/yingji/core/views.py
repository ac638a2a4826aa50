"""HTTP API of the platform core: auth, divisions, datasets, users, audit, events, operations."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from sqlalchemy import text
from sqlalchemy.orm import Session

from yingji import __version__
from yingji.core import actions, service
from yingji.core.api import ERROR_RESPONSES, Page, PageParams
from yingji.core.audit import verify_chain
from yingji.core.auth import ROLES, Principal, current_principal, get_db, principal_for, requires
from yingji.core.caching import cached_json
from yingji.core.errors import ValidationFailed
from yingji.core.schemas import (
    AuditOut,
    AuditVerifyOut,
    DatasetOut,
    DivisionImportResult,
    DivisionOut,
    EventOut,
    HealthOut,
    LoginIn,
    MeOut,
    PasswordChangeIn,
    RoleOut,
    TokenCreated,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
)
from yingji.core.scope import in_scope

DivisionCodeQ = Annotated[str | None, Query(pattern=r"^(\d{6}|\d{9}|\d{12})$",
                                             description="只看该行政区划（含下级）")]
DivisionCodePath = Annotated[str, Path(pattern=r"^(\d{6}|\d{9}|\d{12})$", description="行政区划代码")]
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
LevelQ = Annotated[Literal["province", "city", "county", "township", "village"] | None, Query()]

Db = Annotated[Session, Depends(get_db)]
Me = Annotated[Principal, Depends(current_principal)]

# --- auth ---------------------------------------------------------------------------------------

auth_router = APIRouter(prefix="/api/v1/auth", tags=["认证"], responses=ERROR_RESPONSES)


def _me(principal: Principal) -> MeOut:
    return MeOut(id=principal.user_id, username=principal.username, display_name=principal.display_name,
                 role=principal.role, role_label=principal.role_label, scope_code=principal.scope_code,
                 scope_name=principal.scope_name, unit_id=principal.unit_id, csrf_token=principal.csrf_token,
                 permissions=list(principal.permissions))


@auth_router.post("/login", response_model=MeOut, summary="登录（网页会话）")
def login(body: LoginIn, request: Request, db: Db) -> MeOut:
    user = actions.authenticate(db, body.username, body.password)
    csrf = secrets.token_urlsafe(24)
    request.session.clear()
    request.session.update({"uid": user.id, "sv": user.session_version, "csrf": csrf})
    from yingji.core.divisions import Division

    division = db.get(Division, user.scope_code)
    return _me(principal_for(user, scope_name=division.name if division else "", csrf_token=csrf))


@auth_router.post("/logout", status_code=204, summary="退出登录")
def logout(request: Request) -> Response:
    request.session.clear()
    return Response(status_code=204)


@auth_router.get("/me", response_model=MeOut, summary="当前用户")
def me(principal: Me) -> MeOut:
    return _me(principal)


@auth_router.post("/password", status_code=204, summary="修改自己的密码")
def password(body: PasswordChangeIn, principal: Me, db: Db, request: Request) -> Response:
    if principal.user_id is None:
        raise ValidationFailed("系统身份没有密码")
    actions.change_password(db, principal, body.old_password, body.new_password)
    request.session.clear()
    return Response(status_code=204)


# --- divisions ----------------------------------------------------------------------------------

divisions_router = APIRouter(prefix="/api/v1", tags=["行政区划"], responses=ERROR_RESPONSES)


@divisions_router.get("/divisions", response_model=Page[DivisionOut], summary="行政区划列表")
def list_divisions(principal: Me, db: Db, params: Annotated[PageParams, Depends()], level: LevelQ = None,
                   parent: DivisionCodeQ = None, division: DivisionCodeQ = None,
                   q: Annotated[str | None, Query(max_length=50)] = None) -> dict[str, Any]:
    items, total = service.list_divisions(db, principal=principal, params=params, level=level, parent=parent,
                                          division=division, q=q)
    return {"items": items, "total": total, "page": params.page, "page_size": params.page_size}


@divisions_router.get("/divisions/geojson", summary="行政区划边界（GeoJSON，WGS84）")
def divisions_geojson(request: Request, principal: Me, db: Db, level: LevelQ = None, parent: DivisionCodeQ = None,
                      division: DivisionCodeQ = None) -> Any:
    return cached_json(request, db, principal, dict[str, Any], lambda: service.divisions_geojson(
        db, principal=principal, level=level, parent=parent, division=division))


@divisions_router.get("/divisions/{code}", response_model=DivisionOut, summary="单个行政区划")
def get_division(code: DivisionCodePath, principal: Me, db: Db) -> Any:
    return service.get_division(db, principal=principal, code=code)


@divisions_router.post("/divisions/import", response_model=DivisionImportResult,
                       summary="导入真实的乡镇/村边界与人口（GeoJSON 或 CSV）")
def import_divisions(
    db: Db,
    principal: Annotated[Principal, Depends(requires("divisions:import"))],
    file: Annotated[UploadFile, File(description="GeoJSON（属性 code,name,population,datum）或 CSV")],
    mode: Annotated[Literal["all_or_nothing", "valid_only"], Form()] = "all_or_nothing",
    dry_run: Annotated[bool, Form()] = False,
) -> DivisionImportResult:
    content = file.file.read(50 * 1024 * 1024 + 1)
    if len(content) > 50 * 1024 * 1024:
        raise ValidationFailed("文件超过 50 MB", field="file")
    imported, errors, committed = actions.import_divisions(
        db, principal, content, file.filename or "upload", mode=mode, dry_run=dry_run)
    return DivisionImportResult(mode=mode, dry_run=dry_run, total_rows=imported + len(errors),
                                imported=imported, committed=committed, errors=errors)


@divisions_router.get("/datasets", response_model=Page[DatasetOut], summary="数据来源（出处、许可、坐标系）")
def datasets(principal: Me, db: Db) -> dict[str, Any]:
    items = service.list_datasets(db)
    return {"items": items, "total": len(items), "page": 1, "page_size": max(len(items), 1)}


# --- users --------------------------------------------------------------------------------------

users_router = APIRouter(prefix="/api/v1", tags=["用户与权限"], responses=ERROR_RESPONSES)
UserAdmin = Annotated[Principal, Depends(requires("users:manage"))]


@users_router.get("/roles", response_model=Page[RoleOut], summary="角色")
def roles(principal: Me) -> dict[str, Any]:
    items = [RoleOut(key=k, label=v[0], permissions=list(v[1])) for k, v in ROLES.items()]
    return {"items": items, "total": len(items), "page": 1, "page_size": len(items)}


@users_router.get("/users", response_model=Page[UserOut], summary="用户列表")
def list_users(principal: UserAdmin, db: Db, params: Annotated[PageParams, Depends()],
               division: DivisionCodeQ = None,
               q: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    items, total = service.list_users(db, principal=principal, params=params, division=division, q=q)
    return {"items": items, "total": total, "page": params.page, "page_size": params.page_size}


@users_router.post("/users", response_model=UserOut, status_code=201, summary="新增用户")
def create_user(body: UserIn, principal: UserAdmin, db: Db) -> Any:
    return actions.create_user(db, principal, body)


@users_router.get("/users/{user_id}", response_model=UserOut, summary="用户详情")
def get_user(user_id: IdPath, principal: UserAdmin, db: Db) -> Any:
    from yingji.core.auth import User
    from yingji.core.scope import get_scoped

    return get_scoped(db, principal, User, user_id, what="用户")


@users_router.patch("/users/{user_id}", response_model=UserOut, summary="修改用户（角色、辖区、停用、重置密码）")
def update_user(user_id: IdPath, body: UserPatch, principal: UserAdmin, db: Db) -> Any:
    return actions.update_user(db, principal, user_id, body)


@users_router.get("/users/{user_id}/tokens", response_model=list[TokenOut], summary="用户的 API 令牌")
def list_tokens(user_id: IdPath, principal: Me, db: Db) -> Any:
    from sqlalchemy import select

    from yingji.core.auth import ApiToken

    user = actions._token_owner(db, principal, user_id)
    return list(db.execute(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).scalars())


@users_router.post("/users/{user_id}/tokens", response_model=TokenCreated, status_code=201,
                   summary="签发 API 令牌（只显示一次）")
def create_token(user_id: IdPath, body: TokenIn, principal: Me, db: Db) -> Any:
    token, plain = actions.create_token(db, principal, user_id, body.name)
    return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=plain)


@users_router.delete("/users/{user_id}/tokens/{token_id}", response_model=TokenOut, summary="吊销 API 令牌")
def revoke_token(user_id: IdPath, token_id: IdPath, principal: Me, db: Db) -> Any:
    return actions.revoke_token(db, principal, user_id, token_id)


# --- audit --------------------------------------------------------------------------------------

audit_router = APIRouter(prefix="/api/v1/audit", tags=["审计"], responses=ERROR_RESPONSES)


@audit_router.get("", response_model=Page[AuditOut], summary="审计日志（辖区内）")
def list_audit(principal: Annotated[Principal, Depends(requires("audit:read"))], db: Db,
               params: Annotated[PageParams, Depends()], division: DivisionCodeQ = None,
               entity_type: Annotated[str | None, Query(max_length=64)] = None,
               entity_id: Annotated[str | None, Query(max_length=64)] = None,
               action: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    items, total = service.list_audit(db, principal=principal, params=params, division=division,
                                      entity_type=entity_type, entity_id=entity_id, action=action)
    return {"items": items, "total": total, "page": params.page, "page_size": params.page_size}


@audit_router.get("/verify", response_model=AuditVerifyOut, summary="校验审计哈希链（全量）")
def verify(principal: Annotated[Principal, Depends(requires("audit:verify"))], db: Db) -> Any:
    return verify_chain(db)


# --- events -------------------------------------------------------------------------------------

events_router = APIRouter(prefix="/api/v1/events", tags=["事件流"], responses=ERROR_RESPONSES)


def event_visible(principal: Principal, message: dict[str, Any]) -> bool:
    """The live stream's filter; :func:`service.recent_events` applies the same one in SQL."""
    if not in_scope(principal.scope_code, message.get("division_code")):
        return False
    if principal.unit_id is not None:
        unit_id = message.get("unit_id", (message.get("payload") or {}).get("unit_id"))
        return unit_id == principal.unit_id
    return True


@events_router.get("", response_model=Page[EventOut], summary="最近的事件")
def recent(principal: Me, db: Db, limit: Annotated[int, Query(ge=1, le=200)] = 20,
           division: DivisionCodeQ = None) -> dict[str, Any]:
    items = [e.to_message() for e in service.recent_events(db, principal=principal, limit=limit, division=division)]
    return {"items": items, "total": len(items), "page": 1, "page_size": limit}


SEEN_IDS = 5000  # ids remembered per stream to drop repeats (replay overlap, at-least-once delivery)


def _last_event_id(request: Request, last_event_id: int | None) -> int | None:
    if last_event_id is not None:
        return last_event_id
    raw = request.headers.get("last-event-id", "").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


def _sse(message: dict[str, Any]) -> bytes:
    data = json.dumps(message, ensure_ascii=False)
    return f"id: {message['id']}\nevent: {message['type']}\ndata: {data}\n\n".encode()


@events_router.get("/stream", summary="实时事件流（Server-Sent Events），断线重连时补发错过的事件",
                   response_class=StreamingResponse,
                   responses={200: {"content": {"text/event-stream": {}}}})
async def stream(request: Request, principal: Me,
                 max_events: Annotated[int | None, Query(ge=1, le=10000, description="收到这么多条后结束")] = None,
                 heartbeat: Annotated[float, Query(ge=0.05, le=60)] = 15.0,
                 last_event_id: Annotated[int | None, Query(
                     ge=0, le=2**62, description="从该事件之后补发（同 Last-Event-ID 请求头；页面跳转后新建连接时使用）")]
                 = None) -> StreamingResponse:
    """Live events in the user's scope. With ``Last-Event-ID`` (header or query) the stream first
    replays, from the outbox, the missed events after that id (same scope filter, at most
    ``sse_replay_limit``, the most recent; an ``event: gap`` says when there were more), then goes on
    live; an event is never sent twice."""
    bus = request.app.state.bus
    database = request.app.state.database
    settings = request.app.state.settings
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)
    overflow = asyncio.Event()
    after = _last_event_id(request, last_event_id)

    def offer(message: dict[str, Any]) -> None:
        if queue.full():
            overflow.set()  # caught up from the outbox below
        else:
            queue.put_nowait(message)

    def on_event(message: dict[str, Any]) -> None:
        if event_visible(principal, message):
            loop.call_soon_threadsafe(offer, message)

    unsubscribe = bus.subscribe(on_event)  # before reading the outbox: nothing falls in between

    def missed(since: int) -> tuple[list[dict[str, Any]], bool]:
        with database.session() as db:
            return service.events_after(db, principal=principal, after=since, limit=settings.sse_replay_limit)

    async def body() -> AsyncIterator[bytes]:
        sent = 0
        seen: OrderedDict[int, None] = OrderedDict()
        high = after or 0

        def fresh(message: dict[str, Any]) -> bool:
            nonlocal high
            if message["id"] in seen:
                return False
            seen[message["id"]] = None
            if len(seen) > SEEN_IDS:
                seen.popitem(last=False)
            high = max(high, message["id"])
            return True

        async def catch_up(since: int) -> AsyncIterator[bytes]:
            nonlocal sent
            replay, truncated = await run_in_threadpool(missed, since)
            if truncated:
                limit = settings.sse_replay_limit  # older missed events were left out: say so
                yield f"event: gap\ndata: 错过的事件超过 {limit} 条，只补发了最近的 {limit} 条，请刷新页面\n\n".encode()
            for message in replay:
                if (max_events is None or sent < max_events) and fresh(message):
                    yield _sse(message)
                    sent += 1

        try:
            yield b"retry: 3000\n: connected\n\n"
            if after is not None:
                async for chunk in catch_up(after):
                    yield chunk
            while max_events is None or sent < max_events:
                if overflow.is_set():  # the browser is slower than the events: read them from the outbox
                    overflow.clear()
                    async for chunk in catch_up(high):
                        yield chunk
                    continue
                try:
                    message = await asyncio.wait_for(queue.get(), timeout=heartbeat)
                except TimeoutError:
                    if await request.is_disconnected():
                        break
                    yield b": ping\n\n"
                    continue
                if fresh(message):
                    yield _sse(message)
                    sent += 1
        finally:
            unsubscribe()

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


# --- operations ---------------------------------------------------------------------------------

ops_router = APIRouter(tags=["运维"])


@ops_router.get("/healthz", response_model=HealthOut, summary="健康检查（数据库、消息总线）",
                responses={503: {"model": HealthOut}})
def healthz(request: Request) -> Response:
    database = request.app.state.database
    db_state: dict[str, Any] = {"dialect": database.engine.dialect.name}
    try:
        with database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        db_state["ok"] = True
    except Exception as exc:  # report, don't crash
        db_state.update(ok=False, error=type(exc).__name__)
    bus = request.app.state.bus
    broker = {"kind": type(bus).__name__, "ok": bool(bus.ping())}
    ok = db_state["ok"] and broker["ok"]
    body = HealthOut(status="ok" if ok else "degraded", database=db_state, broker=broker, version=__version__)
    return Response(body.model_dump_json(), status_code=200 if ok else 503, media_type="application/json")


@ops_router.get("/metrics", summary="Prometheus 指标", response_class=PlainTextResponse)
def metrics(request: Request) -> Response:
    from yingji.core.metrics import render

    return render(request.app)
