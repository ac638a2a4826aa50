"""Web pages of 隐患排查治理: list, detail, new inspection, 挂牌督办台账."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.errors import YingjiError
from yingji.core.scope import get_scoped
from yingji.hazards import permissions, service
from yingji.hazards.escalation import SUPERVISION_LABELS, default_escalation_config
from yingji.units.models import Unit
from yingji.web.pages import error_page, login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]


def _flags(principal: Principal) -> dict[str, Any]:
    return permissions.page_flags(principal)


def _page(principal: Principal) -> dict[str, Any]:
    """What every hazards page renders and hands to its script: permissions and code labels."""
    return {"flags": _flags(principal),
            "supervision_labels": {key: label for key, label in SUPERVISION_LABELS.items() if key}}


@router.get("/supervision/hazards", response_class=HTMLResponse)
def hazards_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    todo = request.query_params.get("todo") == "true"
    return render(request, "hazards_list.html", principal, active="supervision",
                  title="待我处理的隐患" if todo else "隐患排查治理", catalog=service.catalog(), todo_view=todo,
                  **_page(principal))


def _refused(request: Request, principal: Principal, reason: str) -> Response:
    return error_page(request, principal, reason, status=403, back_href="/supervision/hazards",
                      back_label="返回隐患清单")


@router.get("/supervision/hazards/new", response_class=HTMLResponse)
def new_hazard_page(request: Request, principal: MaybePrincipal, db: Db, unit_id: Annotated[
        int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    """上报隐患 in free text (not only from a checklist): enterprise users for their own unit."""
    if principal is None:
        return login_redirect(request)
    if (reason := permissions.write_refusal(principal)) is not None:
        return _refused(request, principal, reason)
    prefill = _prefill(db, principal, principal.unit_id or unit_id, None)
    return render(request, "hazard_new.html", principal, active="supervision", title="上报隐患", prefill=prefill,
                  catalog=service.catalog(), max_deadline_days=default_escalation_config().enterprise_max_deadline_days,
                  **_page(principal))


def _not_found(request: Request, principal: Principal, exc: YingjiError) -> Response:
    return error_page(request, principal, exc.message, status=exc.status, back_href="/supervision/hazards",
                      back_label="返回隐患列表")


@router.get("/supervision/hazards/{hazard_id}", response_class=HTMLResponse)
def hazard_page(request: Request, principal: MaybePrincipal, db: Db,
                hazard_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)]) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        service.get_hazard(db, principal=principal, hazard_id=hazard_id)
    except YingjiError as exc:
        return _not_found(request, principal, exc)
    return render(request, "hazard_detail.html", principal, active="supervision", title="隐患详情",
                  hazard_id=hazard_id, catalog=service.catalog(), **_page(principal))


# Read hook: an upper domain (enforcement) describes the planned visit an inspection form completes.
PLANNED_VISIT_HOOK = "hazards.inspection_form_planned_visit"


def _prefill(db: Session, principal: Principal, unit_id: int | None,
             planned_id: int | None) -> dict[str, Any]:
    """The unit (and planned enforcement visit) the form opens with, if in the user's jurisdiction."""
    out: dict[str, Any] = {"unit": None, "planned": None}
    try:
        if planned_id is not None:
            planned = hooks.collect(db, principal, PLANNED_VISIT_HOOK, planned_inspection_id=planned_id)
            if planned:
                out["planned"] = planned[0]
                unit_id = planned[0]["unit_id"]
        if unit_id is not None:
            u = get_scoped(db, principal, Unit, unit_id, what="生产经营单位")
            out["unit"] = {"id": u.id, "name": u.name, "credit_code": u.credit_code, "industry": u.industry,
                           "division_code": u.division_code}
    except YingjiError:
        pass  # out of scope or gone: open an empty form
    return out


IdQ = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


@router.get("/supervision/inspections/new", response_class=HTMLResponse)
def new_inspection_page(request: Request, principal: MaybePrincipal, db: Db, unit_id: IdQ = None,
                        planned_inspection_id: IdQ = None) -> Response:
    if principal is None:
        return login_redirect(request)
    if (reason := permissions.write_refusal(principal)) is not None:
        return _refused(request, principal, reason)
    return render(request, "inspection_new.html", principal, active="supervision", title="登记检查记录",
                  prefill=_prefill(db, principal, unit_id, planned_inspection_id), catalog=service.catalog(),
                  **_page(principal))


@router.get("/supervision/inspections/{inspection_id}", response_class=HTMLResponse)
def inspection_page(request: Request, principal: MaybePrincipal, db: Db,
                    inspection_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)]) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        service.get_inspection(db, principal=principal, inspection_id=inspection_id)
    except YingjiError as exc:
        return _not_found(request, principal, exc)
    return render(request, "inspection_detail.html", principal, active="supervision", title="检查记录",
                  inspection_id=inspection_id, catalog=service.catalog(), **_page(principal))


@router.get("/supervision/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "hazards_ledger.html", principal, active="supervision", title="挂牌督办台账",
                  **_page(principal))


