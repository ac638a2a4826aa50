"""Web page of 值班值守: /command/duty — who is on duty, the roster, hand-over and the duty log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from yingji.core.auth import Principal, optional_principal
from yingji.duty import permissions
from yingji.duty.models import ROLE_LABELS
from yingji.web.pages import error_page, login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


@router.get("/command/duty", response_class=HTMLResponse)
def duty_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    if not principal.can("duty:read") or principal.unit_id is not None:
        return error_page(request, principal, "您无权查看值班安排", status=403)
    return render(request, "duty.html", principal, active="command", title="值班值守",
                  page={"flags": permissions.page_flags(principal), "roles": ROLE_LABELS,
                        "scope": principal.scope_code})
