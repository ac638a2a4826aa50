"""FastAPI application factory: mounts every domain router, the web pages and static assets."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from yingji import __version__
from yingji.config import Settings, get_settings
from yingji.core import metrics, security
from yingji.core.admission import AdmissionLimit
from yingji.core.api import install_error_handlers
from yingji.core.caching import make_cache
from yingji.core.city import city_profile
from yingji.core.db import Database
from yingji.core.events import InMemoryBus, OutboxRelay, make_bus
from yingji.domains import domain_modules

log = logging.getLogger(__name__)

COMPRESSED_TYPES = DEFAULT_EXCLUDED_CONTENT_TYPES + (
    "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

DESCRIPTION = """{platform}（yingji）API。

所有错误都以 `{"error": {"code", "message", "field"}}` 返回，message 为中文。
认证：网页会话 Cookie（写操作需带 `X-CSRF-Token`），或 `Authorization: Bearer <API 令牌>`
（令牌有有效期；只读令牌只能用于 GET）。
所有数据按用户的管辖区划（市/区县/乡镇）过滤。
"""


def domain_routers() -> list:  # type: ignore[type-arg]
    """Every API router of the platform, core first, then each domain's."""
    from yingji.core import views as core

    routers = [core.auth_router, core.divisions_router, core.users_router, core.home_router, core.audit_router,
               core.events_router, core.ops_router]
    routers += [views.router for views in domain_modules("views")]
    return routers


def create_app(settings: Settings | None = None, *, database: Database | None = None,
               start_background: bool = True) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database(settings.sqlalchemy_url, **settings.engine_options)
    bus = make_bus(settings.bus_url, channel=settings.bus_channel)
    if settings.workers > 1 and type(bus) is InMemoryBus:
        log.error("YINGJI_WORKERS=%s with the in-process bus: browsers connected to one worker miss the "
                  "events of the others — set YINGJI_BUS_URL=redis://…", settings.workers)
    database.relay = OutboxRelay(database, bus)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # request threads per worker: the pool holds threads + 5 connections, so a request never
        # waits for a connection (docs/operations.md)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        stoppers = []
        if start_background:
            database.relay.start(settings.relay_interval)  # type: ignore[union-attr]
            # each package's own background work (telemetry ingest, message delivery …):
            # ``yingji.<pkg>.background.start(settings, database, bus)`` returns a function that stops it
            for background in domain_modules("background"):
                stop = background.start(settings, database, bus)
                if stop is not None:
                    stoppers.append(stop)
        yield
        for stop in reversed(stoppers):
            try:
                stop()
            except Exception:  # pragma: no cover - one package's failure must not block the others' shutdown
                log.exception("stopping background work failed")
        database.relay.stop()  # type: ignore[union-attr]
        bus.close()
        if hasattr(app.state.cache, "close"):
            app.state.cache.close()

    # /docs and /openapi.json are served by yingji.core.apidocs (local Swagger UI, YINGJI_DOCS)
    app = FastAPI(title="yingji 应急管理平台", version=__version__,
                  description=DESCRIPTION.replace("{platform}", city_profile().platform_name),
                  lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.database = database
    app.state.bus = bus
    install_error_handlers(app)
    # at most `threads` requests in progress per worker: the rest queue holding no connection
    app.add_middleware(AdmissionLimit, limit=settings.threads, timeout=settings.queue_timeout)
    metrics.install(app)
    security.install(app, settings)  # headers + CSP on every response, wrapped around everything
    for router in domain_routers():
        app.include_router(router)
    from yingji.core import apidocs

    app.include_router(apidocs.router)
    app.state.cache = make_cache(settings.cache_url, ttl=settings.cache_ttl, max_bytes=settings.cache_max_bytes)
    # outermost: compress what every other layer produced (never the event stream, nor zip files)
    app.add_middleware(GZipMiddleware, minimum_size=settings.gzip_min_size, compresslevel=6,
                       exclude_content_types=COMPRESSED_TYPES)
    _mount_web(app, settings)
    _install_html_errors(app)
    return app


HTML_ERROR_EXEMPT = ("/api/", "/static/", "/vendor/", "/openapi.json", "/metrics", "/healthz")


def _install_html_errors(app: FastAPI) -> None:
    """An unknown page asked for by a browser answers the Chinese 404 page (with the platform's header
    when signed in); API clients and assets keep the JSON error format."""
    from fastapi import Request
    from fastapi.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from yingji.core.api import http_error_json

    def page(request: Request) -> Any:
        from yingji.core.auth import optional_principal
        from yingji.core.errors import YingjiError
        from yingji.web.pages import error_page

        db = request.app.state.database.session()
        try:
            try:
                principal = optional_principal(request, db)
            except YingjiError:
                principal = None
            return error_page(request, principal, "您要打开的页面不存在，可能是地址有误或页面已移动。", status=404)
        finally:
            db.close()

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        path = request.url.path
        if exc.status_code == 404 and request.method in ("GET", "HEAD") and not path.startswith(HTML_ERROR_EXEMPT) \
                and "text/html" in request.headers.get("accept", ""):
            return await run_in_threadpool(page, request)
        return http_error_json(exc)


def _mount_web(app: FastAPI, settings: Settings) -> None:
    from yingji.web.assets import StaticAssets

    app.mount("/static", StaticAssets(), name="static")  # the shell's and every domain's static/ folder
    vendor = settings.frontend_dir
    if vendor.is_dir():
        app.mount("/vendor", StaticFiles(directory=vendor), name="vendor")
    else:
        log.warning("front-end packages not installed at %s (run: npm ci --prefix frontend)", vendor)
    for pages in domain_modules("pages"):  # domain pages first: they replace the shell's placeholders
        app.include_router(pages.router)
    try:
        from yingji.web.pages import router as pages_router
    except ImportError:  # pragma: no cover - web package not present
        log.warning("web pages not available")
        return
    app.include_router(pages_router)
