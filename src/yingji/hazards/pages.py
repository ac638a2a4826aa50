"""Web pages of 隐患排查治理: list, detail, new inspection, 挂牌督办台账."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path as PathParam, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.scope import division_level, scoped
from yingji.hazards import service
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
        "listing_levels": (["county", "city"] if principal.is_admin and level in ("city", "province")
                           else ["county"] if level == "county" else ["city"] if level in ("city", "province")
                           else []),
    }


@router.get("/supervision/hazards", response_class=HTMLResponse)
def hazards_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "hazards_list.html", principal, active="supervision", title="隐患排查治理",
                  catalog=service.catalog(), flags=_flags(principal))


@router.get("/supervision/hazards/{hazard_id}", response_class=HTMLResponse)
def hazard_page(request: Request, principal: MaybePrincipal,
                hazard_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)]) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "hazard_detail.html", principal, active="supervision", title="隐患详情",
                  hazard_id=hazard_id, catalog=service.catalog(), flags=_flags(principal))


@router.get("/supervision/inspections/new", response_class=HTMLResponse)
def new_inspection_page(request: Request, principal: MaybePrincipal, db: Db) -> Response:
    if principal is None:
        return login_redirect(request)
    from yingji.risk.models import Unit

    units = [{"id": u.id, "name": u.name, "industry": u.industry, "division_code": u.division_code}
             for u in db.execute(scoped(principal, Unit).order_by(Unit.name).limit(2000)).scalars()]
    return render(request, "inspection_new.html", principal, active="supervision", title="登记检查记录",
                  units=units, catalog=service.catalog(), flags=_flags(principal))


@router.get("/supervision/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "hazards_ledger.html", principal, active="supervision", title="挂牌督办台账",
                  flags=_flags(principal))


