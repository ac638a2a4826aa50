"""HTTP API of the platform core: auth, divisions, datasets, users, audit, events, operations."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from sqlalchemy import text
from sqlalchemy.orm import Session

from yingji.config import parse_networks
from yingji.core import actions, service, sessions
from yingji.core.api import ERROR_RESPONSES, ErrorResponse, Page
from yingji.core.audit import verify_chain
from yingji.core.auth import (
    ROLES,
    Principal,
    current_principal,
    current_session,
    get_db,
    principal_for,
    requires,
    session_policy,
)
from yingji.core.caching import cached_json
from yingji.core.errors import NotAuthenticated, NotFound, ValidationFailed
from yingji.core.home import HomeOut
from yingji.core.schemas import (
    AuditOut,
    AuditQuery,
    EventQuery,
    AuditVerifyOut,
    DatasetOut,
    DeletedUserOut,
    DivisionImportResult,
    DivisionOut,
    DivisionQuery,
    EventOut,
    HealthOut,
    LoginIn,
    MeOut,
    PasswordChangeIn,
    RoleOut,
    SessionOut,
    TokenCreated,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
    UserQuery,
)
from yingji.core.scope import in_scope
from yingji.core.security import address_in, client_address

log = logging.getLogger(__name__)

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


def _cookie_path(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/") or "/"


def _cookie_secure(request: Request) -> bool:
    """Secure when configured, or when the request came over HTTPS (directly, or via a trusted
    proxy's X-Forwarded-Proto — uvicorn applies it only for YINGJI_FORWARDED_ALLOW_IPS)."""
    return bool(request.app.state.settings.secure_cookies) or request.url.scheme == "https"


def _clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(sessions.COOKIE_NAME, path=_cookie_path(request), secure=_cookie_secure(request),
                           httponly=True, samesite="lax")


@auth_router.post("/login", response_model=MeOut, summary="登录（网页会话）",
                  responses={429: {"model": ErrorResponse, "description": "登录失败次数过多，暂时锁定（见 Retry-After）"}})
def login(body: LoginIn, request: Request, response: Response, db: Db) -> MeOut:
    settings = request.app.state.settings
    user, session, secret = actions.login(
        db, body.username, body.password, policy=actions.AuthPolicy.from_settings(settings),
        client_address=client_address(request.scope), user_agent=request.headers.get("user-agent", ""),
        replaces=current_session(request, db))
    response.set_cookie(sessions.COOKIE_NAME, secret, max_age=settings.session_max_age, path=_cookie_path(request),
                        secure=_cookie_secure(request), httponly=True, samesite="lax")
    from yingji.core.divisions import Division

    division = db.get(Division, user.scope_code)
    principal = principal_for(user, scope_name=division.name if division else "", csrf_token=session.csrf_token)
    return _me(principal)


@auth_router.post("/logout", status_code=204, summary="退出登录（在服务器端结束会话）")
def logout(request: Request, db: Db) -> Response:
    # No CSRF token needed: ending one's own session is harmless, and the SameSite=Lax cookie is
    # not sent with cross-site POSTs anyway.
    session = current_session(request, db)
    if session is not None:
        actions.logout(db, session)
    response = Response(status_code=204)
    _clear_session_cookie(request, response)
    return response


@auth_router.get("/me", response_model=MeOut, summary="当前用户")
def me(principal: Me) -> MeOut:
    return _me(principal)


@auth_router.post("/password", status_code=204,
                  summary="修改自己的密码（所有会话随之结束，所有 API 令牌随之吊销）")
def password(body: PasswordChangeIn, principal: Me, db: Db, request: Request) -> Response:
    if principal.user_id is None:
        raise ValidationFailed("系统身份没有密码")
    actions.change_password(db, principal, body.old_password, body.new_password)
    response = Response(status_code=204)
    _clear_session_cookie(request, response)
    return response


def _session_out(row: Any, principal: Principal) -> SessionOut:
    return SessionOut.model_validate(row).model_copy(update={"current": row.id == principal.session_id})


@auth_router.get("/sessions", response_model=list[SessionOut], summary="我的登录会话（未结束的）")
def my_sessions(principal: Me, request: Request, db: Db) -> list[SessionOut]:
    if principal.user_id is None:
        return []
    rows = sessions.live_for_user(db, principal.user_id, session_policy(request))
    return [_session_out(row, principal) for row in rows]


@auth_router.delete("/sessions/{session_id}", response_model=SessionOut, summary="结束我的一个登录会话")
def end_my_session(session_id: IdPath, principal: Me, db: Db) -> SessionOut:
    return _session_out(actions.end_own_session(db, principal, session_id), principal)


# --- divisions ----------------------------------------------------------------------------------

divisions_router = APIRouter(prefix="/api/v1", tags=["行政区划"], responses=ERROR_RESPONSES)


@divisions_router.get("/divisions", response_model=Page[DivisionOut], summary="行政区划列表")
def list_divisions(principal: Me, db: Db, query: Annotated[DivisionQuery, Query()]) -> dict[str, Any]:
    return service.DIVISIONS.page(db, principal, query)


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


@users_router.get("/users", response_model=Page[UserOut], summary="用户列表（can_delete：从未操作过、可以删除）")
def list_users(principal: UserAdmin, db: Db, query: Annotated[UserQuery, Query()]) -> dict[str, Any]:
    return service.USERS.page(db, principal, query, out=lambda rows: service.users_out(db, rows))


@users_router.post("/users", response_model=UserOut, status_code=201, summary="新增用户")
def create_user(body: UserIn, principal: UserAdmin, db: Db) -> Any:
    return actions.create_user(db, principal, body)


@users_router.get("/users/{user_id}", response_model=UserOut, summary="用户详情")
def get_user(user_id: IdPath, principal: UserAdmin, db: Db) -> Any:
    from yingji.core.auth import User
    from yingji.core.scope import get_scoped

    return service.users_out(db, [get_scoped(db, principal, User, user_id, what="用户")])[0]


@users_router.patch("/users/{user_id}", response_model=UserOut, summary="修改用户（角色、辖区、停用、重置密码）")
def update_user(user_id: IdPath, body: UserPatch, principal: UserAdmin, db: Db) -> Any:
    return service.users_out(db, [actions.update_user(db, principal, user_id, body)])[0]


@users_router.delete("/users/{user_id}", response_model=DeletedUserOut,
                     summary="删除用户（仅限从未操作过的账号，否则 409：请停用）")
def delete_user(user_id: IdPath, principal: UserAdmin, db: Db) -> Any:
    return actions.delete_user(db, principal, user_id)


@users_router.get("/users/{user_id}/tokens", response_model=list[TokenOut], summary="用户的 API 令牌")
def list_tokens(user_id: IdPath, principal: Me, db: Db) -> Any:
    from sqlalchemy import select

    from yingji.core.auth import ApiToken

    user = actions._token_owner(db, principal, user_id)
    return list(db.execute(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).scalars())


@users_router.post("/users/{user_id}/tokens", response_model=TokenCreated, status_code=201,
                   summary="签发 API 令牌（只显示一次；默认只读，有效期有上限）")
def create_token(user_id: IdPath, body: TokenIn, principal: Me, db: Db, request: Request) -> Any:
    token, plain = actions.create_token(db, principal, user_id, body.name, scope=body.scope,
                                        expires_in_days=body.expires_in_days,
                                        policy=actions.AuthPolicy.from_settings(request.app.state.settings))
    return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=plain)


@users_router.delete("/users/{user_id}/tokens/{token_id}", response_model=TokenOut, summary="吊销 API 令牌")
def revoke_token(user_id: IdPath, token_id: IdPath, principal: Me, db: Db) -> Any:
    return actions.revoke_token(db, principal, user_id, token_id)


# --- home page, labels ---------------------------------------------------------------------------

home_router = APIRouter(prefix="/api/v1", tags=["首页与代码表"], responses=ERROR_RESPONSES)


@home_router.get("/home", response_model=HomeOut,
                 summary="首页：需要关注的事项（各业务模块提供的卡片，按区县计数，链接到筛选后的列表）")
def home(request: Request, principal: Me, db: Db, division: DivisionCodeQ = None) -> Any:
    from yingji.core.home import home_cards
    from yingji.core.timeutil import local_now

    # "due within 7 days", "today": the answer also moves with the clock (10-minute steps)
    return cached_json(request, db, principal, HomeOut, lambda: home_cards(db, principal, division),
                       vary_on=local_now().strftime("%Y%m%d%H%M")[:-1])


@home_router.get("/labels", response_model=dict[str, dict[str, str]],
                 summary="代码表：各类代码的中文名称（角色、权限、审计操作、事件类型、行业、状态、等级……）")
def labels(principal: Me) -> Any:
    from yingji.core.labels import all_labels

    return all_labels()


_BASEMAP: dict[str, tuple[float, bytes, str]] = {}  # path -> (mtime, bytes, etag)


@home_router.get("/basemap/roads", summary="离线底图：中心城区道路（GeoJSON，WGS84，已抽稀；© OpenStreetMap 贡献者，ODbL）",
                 response_class=Response, responses={200: {"content": {"application/geo+json": {}}}})
def basemap_roads(request: Request, principal: Me) -> Response:
    from yingji.core.basemap import etag_of

    path = request.app.state.settings.reference_data / "basemap" / "roads.geojson"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise NotFound("本城市未提供道路底图（可用 yingji basemap roads 生成）") from None
    cached = _BASEMAP.get(str(path))
    if cached is None or cached[0] != mtime:
        data = path.read_bytes()
        cached = _BASEMAP[str(path)] = (mtime, data, etag_of(data))
    headers = {"ETag": cached[2], "Cache-Control": "private, max-age=3600"}
    if request.headers.get("if-none-match") == cached[2]:
        return Response(status_code=304, headers=headers)
    return Response(cached[1], media_type="application/geo+json", headers=headers)


# --- audit --------------------------------------------------------------------------------------

audit_router = APIRouter(prefix="/api/v1/audit", tags=["审计"], responses=ERROR_RESPONSES)


@audit_router.get("", response_model=Page[AuditOut], summary="审计日志（辖区内）")
def list_audit(principal: Annotated[Principal, Depends(requires("audit:read"))], db: Db,
               query: Annotated[AuditQuery, Query()]) -> dict[str, Any]:
    def out(rows: list[Any]) -> list[AuditOut]:
        names = service.display_names(db, {r.actor for r in rows})
        return [AuditOut.model_validate(r).model_copy(update={"actor_name": names.get(r.actor, r.actor)}) for r in rows]

    return service.AUDIT.page(db, principal, query, out=out)


@audit_router.get("/verify", response_model=AuditVerifyOut, summary="校验审计哈希链（全量）")
def verify(principal: Annotated[Principal, Depends(requires("audit:verify"))], db: Db) -> Any:
    return verify_chain(db)


# --- events -------------------------------------------------------------------------------------

events_router = APIRouter(prefix="/api/v1/events", tags=["事件流"], responses=ERROR_RESPONSES)


def event_visible(principal: Principal, message: dict[str, Any]) -> bool:
    """The live stream's filter; the event list (:data:`service.EVENTS`) applies the same one in SQL."""
    if not in_scope(principal.scope_code, message.get("division_code")):
        return False
    if principal.unit_id is not None:
        unit_id = message.get("unit_id", (message.get("payload") or {}).get("unit_id"))
        return unit_id == principal.unit_id
    return True


@events_router.get("", response_model=Page[EventOut], summary="事件记录（最近的在前；按区划、类型、时间筛选）")
def recent(principal: Me, db: Db, query: Annotated[EventQuery, Query()]) -> dict[str, Any]:
    return service.EVENTS.page(db, principal, query, out=lambda rows: [e.to_message() for e in rows])


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


@ops_router.get("/healthz", response_model=HealthOut, summary="健康检查（数据库、消息总线；不含内部细节）",
                responses={503: {"model": HealthOut}})
def healthz(request: Request) -> Response:
    database = request.app.state.database
    try:
        with database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        db_ok = True
    except Exception:  # report, don't crash (and don't tell the world why)
        log.warning("health check: database unreachable", exc_info=True)
        db_ok = False
    broker_ok = bool(request.app.state.bus.ping())
    ok = db_ok and broker_ok
    body = HealthOut(status="ok" if ok else "degraded", database={"ok": db_ok}, broker={"ok": broker_ok})
    return Response(body.model_dump_json(), status_code=200 if ok else 503, media_type="application/json",
                    headers={"Cache-Control": "no-store"})


def metrics_allowed(request: Request) -> None:
    """``YINGJI_METRICS``: on (open), token (bearer YINGJI_METRICS_TOKEN or an address in
    YINGJI_METRICS_ALLOW), off (404)."""
    settings = request.app.state.settings
    if settings.metrics == "off":
        raise NotFound("请求的资源不存在")
    if settings.metrics == "on":
        return
    if address_in(client_address(request.scope), parse_networks(settings.metrics_allow)):
        return
    authz = request.headers.get("authorization", "")
    sent = authz[7:].strip() if authz.lower().startswith("bearer ") else ""
    if settings.metrics_token and sent and secrets.compare_digest(sent.encode(), settings.metrics_token.encode()):
        return
    raise NotAuthenticated("读取运维指标需要指标令牌（YINGJI_METRICS_TOKEN）或来自允许的地址",
                           code="metrics_forbidden")


@ops_router.get("/metrics", summary="Prometheus 指标（YINGJI_METRICS 控制是否开放）",
                response_class=PlainTextResponse, responses={401: {"model": ErrorResponse}})
def metrics(request: Request) -> Response:
    from yingji.core.metrics import render

    metrics_allowed(request)
    return render(request.app)
