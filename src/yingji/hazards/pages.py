"""Web pages of 隐患排查治理: list, detail, new inspection, 挂牌督办台账."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.scope import division_level
from yingji.hazards import service
from yingji.hazards.escalation import SUPERVISION_LABELS
from yingji.web.pages import login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]


def _flags(principal: Principal) -> dict[str, Any]:
    level = division_level(principal.scope_code)
    return {
        "can_write": principal.can("hazards:write"),
        "is_government": principal.unit_id is None,
        "can_escalate": principal.can("hazards:write") and principal.unit_id is None and level in ("city", "province"),
        "lift_levels": (["county", "city"] if level in ("city", "province") else ["county"] if level == "county"
                        else []) if principal.can("hazards:write") and principal.unit_id is None else [],
        "listing_levels": (["county", "city"] if principal.is_admin and level in ("city", "province")
                           else ["county"] if level == "county" else ["city"] if level in ("city", "province")
                           else []),
    }


def _page(principal: Principal) -> dict[str, Any]:
    """What every hazards page renders and hands to its script: permissions and code labels."""
    return {"flags": _flags(principal),
            "supervision_labels": {key: label for key, label in SUPERVISION_LABELS.items() if key}}


@router.get("/supervision/hazards", response_class=HTMLResponse)
def hazards_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "hazards_list.html", principal, active="supervision", title="隐患排查治理",
                  catalog=service.catalog(), **_page(principal))


@router.get("/supervision/hazards/{hazard_id}", response_class=HTMLResponse)
def hazard_page(request: Request, principal: MaybePrincipal,
                hazard_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)]) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "hazard_detail.html", principal, active="supervision", title="隐患详情",
                  hazard_id=hazard_id, catalog=service.catalog(), **_page(principal))


def _prefill(db: Session, principal: Principal, unit_id: int | None,
             planned_id: int | None) -> dict[str, Any]:
    """The unit (and planned enforcement visit) the form opens with, if in the user's jurisdiction."""
    from yingji.core.errors import YingjiError
    from yingji.core.scope import get_scoped
    from yingji.enforcement.models import PlannedInspection
    from yingji.risk.models import Unit

    out: dict[str, Any] = {"unit": None, "planned": None}
    try:
        if planned_id is not None:
            p = get_scoped(db, principal, PlannedInspection, planned_id, what="计划检查")
            out["planned"] = {"id": p.id, "unit_id": p.unit_id, "planned_date": p.planned_date.isoformat(),
                              "sequence": p.sequence, "plan_id": p.plan_id, "month": p.planned_date.month,
                              "done_inspection_id": p.done_inspection_id}
            unit_id = p.unit_id
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
    return render(request, "inspection_new.html", principal, active="supervision", title="登记检查记录",
                  prefill=_prefill(db, principal, unit_id, planned_inspection_id), catalog=service.catalog(),
                  **_page(principal))


@router.get("/supervision/inspections/{inspection_id}", response_class=HTMLResponse)
def inspection_page(request: Request, principal: MaybePrincipal,
                    inspection_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)]) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "inspection_detail.html", principal, active="supervision", title="检查记录",
                  inspection_id=inspection_id, catalog=service.catalog(), **_page(principal))


@router.get("/supervision/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "hazards_ledger.html", principal, active="supervision", title="挂牌督办台账",
                  **_page(principal))


