"""FastAPI application factory: mounts every domain router, the web pages and static assets."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from yingji import __version__
from yingji.config import Settings, get_settings
from yingji.core import metrics, security
from yingji.core.api import install_error_handlers
from yingji.core.db import Database
from yingji.core.events import OutboxRelay, make_bus
from yingji.domains import domain_modules

log = logging.getLogger(__name__)

DESCRIPTION = """福州市应急管理综合应用平台（yingji）API。

所有错误都以 `{"error": {"code", "message", "field"}}` 返回，message 为中文。
认证：网页会话 Cookie（写操作需带 `X-CSRF-Token`），或 `Authorization: Bearer <API 令牌>`
（令牌有有效期；只读令牌只能用于 GET）。
所有数据按用户的管辖区划（市/区县/乡镇）过滤。
"""


def domain_routers() -> list:  # type: ignore[type-arg]
    """Every API router of the platform, core first, then each domain's."""
    from yingji.core import views as core

    routers = [core.auth_router, core.divisions_router, core.users_router, core.audit_router,
               core.events_router, core.ops_router]
    routers += [views.router for views in domain_modules("views")]
    return routers


def create_app(settings: Settings | None = None, *, database: Database | None = None,
               start_background: bool = True) -> FastAPI:
    settings = settings or get_settings()
    database = database or Database(settings.sqlalchemy_url)
    bus = make_bus(settings.bus_url)
    database.relay = OutboxRelay(database, bus)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        thread = None
        if start_background:
            def periodic_flush() -> None:  # picks up events left by a crash or by other processes
                while not stop.wait(2.0):
                    try:
                        database.relay.flush()  # type: ignore[union-attr]
                    except Exception:
                        log.exception("periodic outbox flush failed")

            thread = threading.Thread(target=periodic_flush, name="outbox-relay", daemon=True)
            thread.start()
        yield
        stop.set()
        if thread is not None:
            thread.join(timeout=5)
        bus.close()

    # /docs and /openapi.json are served by yingji.core.apidocs (local Swagger UI, YINGJI_DOCS)
    app = FastAPI(title="yingji 应急管理平台", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.database = database
    app.state.bus = bus
    install_error_handlers(app)
    metrics.install(app)
    security.install(app, settings)  # headers + CSP on every response, wrapped around everything
    for router in domain_routers():
        app.include_router(router)
    from yingji.core import apidocs

    app.include_router(apidocs.router)
    _mount_web(app, settings)
    return app


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
