"""Web pages of 预警发布: list/history + approval queue, editor (new / detail), and the public page.

The public page (``/public/warnings``), its Atom feed and the CAP documents of published versions
need no login: they show only what was published (never drafts or the approval trail).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.city import city_profile
from yingji.core.divisions import Division
from yingji.core.errors import YingjiError
from yingji.warnings import catalog, labels, permissions, service
from yingji.web.pages import error_page, login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]
WarningIdP = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
PUBLIC_PATHS = {"/public/warnings", "/public/warnings/feed.atom", "/public/warnings/{warning_id}/cap.xml"}


def _page(principal: Principal) -> dict[str, Any]:
    tables = labels.labels()
    return {"flags": permissions.page_flags(principal), "catalog": catalog.public_catalog(),
            "labels": {k: v for k, v in tables.items() if k.startswith("warning_")}}


@router.get("/monitoring/warnings", response_class=HTMLResponse)
def warnings_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "warnings_list.html", principal, active="monitoring", title="预警信息编制与审批",
                  **_page(principal))


@router.get("/monitoring/warnings/new", response_class=HTMLResponse)
def new_warning_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    if (reason := permissions.write_refusal(principal)) is not None:
        return error_page(request, principal, reason, status=403, back_href="/monitoring/warnings",
                          back_label="返回预警列表")
    return render(request, "warning_detail.html", principal, active="monitoring", title="起草预警", warning_id=None,
                  **_page(principal))


@router.get("/monitoring/warnings/{warning_id}", response_class=HTMLResponse)
def warning_page(request: Request, principal: MaybePrincipal, db: Db, warning_id: WarningIdP) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        service.get_warning(db, principal=principal, warning_id=warning_id)
    except YingjiError as exc:
        return error_page(request, principal, exc.message, status=exc.status, back_href="/monitoring/warnings",
                          back_label="返回预警列表")
    return render(request, "warning_detail.html", principal, active="monitoring", title="预警详情",
                  warning_id=warning_id, **_page(principal))


def _geometries(db: Session, codes: set[str]) -> dict[str, Any]:
    if not codes:
        return {}
    rows = db.execute(select(Division.code, Division.geometry)
                      .where(Division.code.in_(sorted(codes)))).all()
    return {code: geom for code, geom in rows if geom}


@router.get("/public/warnings", response_class=HTMLResponse)
def public_page(request: Request, principal: MaybePrincipal, db: Db) -> Response:
    rows = service.active_public(db)
    codes = {c for r in rows for c in (r["area"].get("divisions") or [])}
    items = [{**r, "sent": r["sent"].isoformat()} for r in rows]
    return render(request, "warnings_public.html", principal, title="生效预警（公众）", items=items,
                  geometries=_geometries(db, codes), city=city_profile().city_name)


@router.get("/public/warnings/feed.atom")
def public_feed(request: Request, db: Db) -> Response:
    base = str(request.base_url).rstrip("/")
    xml = service.atom_feed(service.active_public(db), base, f"{city_profile().city_name}生效预警")
    return Response(xml, media_type="application/atom+xml; charset=utf-8")


@router.get("/public/warnings/{warning_id}/cap.xml")
def public_cap(warning_id: WarningIdP, db: Db) -> Response:
    xml = service.public_cap(db, warning_id)
    if xml is None:
        return Response("未找到该预警", status_code=404, media_type="text/plain; charset=utf-8")
    return Response(xml, media_type="application/cap+xml")
