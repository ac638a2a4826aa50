"""Web pages of 接警与信息报送: call-taking, the live incident board, incident detail, reporting deadlines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.errors import YingjiError
from yingji.core.scope import get_scoped
from yingji.incidents import permissions
from yingji.incidents.grading import grading_rules
from yingji.incidents.models import STATUS_LABELS, Incident
from yingji.web.pages import error_page, login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]


def _data(principal: Principal) -> dict[str, Any]:
    rules = grading_rules()
    return {"flags": permissions.page_flags(principal), "status_labels": STATUS_LABELS,
            "grade_labels": {g["key"]: g["label"] for g in rules["grades"]},
            "level_labels": {lv["key"]: lv["label"] for lv in rules["reporting"]["levels"]}}


def _page(request: Request, principal: Principal | None, template: str, title: str, **extra: Any) -> Response:
    if principal is None:
        return login_redirect(request)
    if not principal.can("incidents:read") or principal.unit_id is not None:
        return error_page(request, principal, "您无权查看事件信息", status=403)
    return render(request, template, principal, active="command", title=title, page=_data(principal), **extra)


@router.get("/command/calls", response_class=HTMLResponse)
def calls_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is not None and (reason := permissions.write_refusal(principal)) is not None:
        return error_page(request, principal, reason, status=403, back_href="/command/incidents",
                          back_label="返回事件看板")
    return _page(request, principal, "incidents_calls.html", "接警")


@router.get("/command/incidents", response_class=HTMLResponse)
def board_page(request: Request, principal: MaybePrincipal) -> Response:
    return _page(request, principal, "incidents_board.html", "事件看板")


@router.get("/command/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, principal: MaybePrincipal, db: Db,
                  incident_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)]) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        i = get_scoped(db, principal, Incident, incident_id, what="事件")
    except YingjiError as exc:
        return error_page(request, principal, exc.message, status=exc.status, back_href="/command/incidents",
                          back_label="返回事件看板")
    return _page(request, principal, "incident_detail.html", f"事件 {i.code}", incident_id=i.id)


@router.get("/command/reports", response_class=HTMLResponse)
def reports_page(request: Request, principal: MaybePrincipal) -> Response:
    return _page(request, principal, "incidents_reports.html", "信息报送")
