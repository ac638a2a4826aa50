"""Web pages of 应急预案: the plan library, the plan editor, the activation board, drills."""

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
from yingji.plans import permissions, service
from yingji.plans.models import PlanActivation
from yingji.web.pages import error_page, login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]
IdPath = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


def _page(principal: Principal) -> dict[str, Any]:
    return {"flags": permissions.page_flags(principal), "catalog": service.catalog()}


def _not_found(request: Request, principal: Principal, exc: YingjiError) -> Response:
    return error_page(request, principal, exc.message, status=exc.status, back_href="/command/plans",
                      back_label="返回预案库")


@router.get("/command/plans", response_class=HTMLResponse)
def library(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "plans_library.html", principal, active="command", title="应急预案库", **_page(principal))


@router.get("/command/plans/activations/{activation_id}", response_class=HTMLResponse)
def activation_board(request: Request, principal: MaybePrincipal, db: Db, activation_id: IdPath) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        a = get_scoped(db, principal, PlanActivation, activation_id, what="预案启动记录")
    except YingjiError as exc:
        return _not_found(request, principal, exc)
    return render(request, "plans_board.html", principal, active="command", title=f"任务看板 · {a.plan_title}",
                  activation_id=a.id, **_page(principal))


@router.get("/command/plans/{cplan_id}", response_class=HTMLResponse)
def editor(request: Request, principal: MaybePrincipal, db: Db, cplan_id: IdPath) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        p = service.get_plan(db, principal, cplan_id)
    except YingjiError as exc:
        return _not_found(request, principal, exc)
    return render(request, "plans_editor.html", principal, active="command", title=p.title, plan_id=p.id,
                  **_page(principal))


@router.get("/command/drills", response_class=HTMLResponse)
def drills(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "plans_drills.html", principal, active="command", title="应急演练", **_page(principal))
