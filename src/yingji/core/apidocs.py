"""The API description (``/openapi.json``) and its browsable documentation (``/docs``).

Swagger UI comes from the pinned npm package ``swagger-ui-dist`` (``frontend/package.json``),
served by the platform under ``/vendor/`` like Leaflet — no CDN, so the page works on an
isolated network — and is started by an external script (``/docs/swagger-init.js``), so it
runs under the Content-Security-Policy without inline script.

``YINGJI_DOCS``: ``on`` (default, for local use) serves both to anyone; ``login`` only to
signed-in users (the page sends others to the login page, the JSON answers 401); ``off``
answers 404.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import get_db, optional_principal
from yingji.core.errors import NotAuthenticated, NotFound

router = APIRouter(include_in_schema=False)
INIT_SCRIPT = Path(__file__).parent / "static" / "swagger-init.js"
SWAGGER = "swagger-ui-dist"

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} · API 文档</title>
  <link rel="stylesheet" href="{root}/vendor/{swagger}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{root}/openapi.json" data-me-url="{root}/api/v1/auth/me"></div>
  <script src="{root}/vendor/{swagger}/swagger-ui-bundle.js"></script>
  <script src="{root}/docs/swagger-init.js"></script>
</body>
</html>
"""


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _allowed(request: Request, db: Session) -> bool:
    """False when the docs need a login the request does not carry; 404 when they are off."""
    mode = request.app.state.settings.docs
    if mode == "off":
        raise NotFound("请求的资源不存在")
    return mode == "on" or optional_principal(request, db) is not None


@router.get("/openapi.json")
def openapi(request: Request, db: Session = Depends(get_db)) -> Response:  # noqa: B008
    if not _allowed(request, db):
        raise NotAuthenticated("请先登录")
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def docs(request: Request, db: Session = Depends(get_db)) -> Response:  # noqa: B008
    root = _root(request)
    if not _allowed(request, db):
        return RedirectResponse(f"{root}/login?next={quote('/docs', safe='/')}", status_code=303)
    html = PAGE.format(title=escape(request.app.title), root=escape(root), swagger=SWAGGER)
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})


@router.get("/docs/swagger-init.js")
def swagger_init(request: Request, db: Session = Depends(get_db)) -> Response:  # noqa: B008
    if request.app.state.settings.docs == "off":
        raise NotFound("请求的资源不存在")
    return FileResponse(INIT_SCRIPT, media_type="text/javascript; charset=utf-8")
