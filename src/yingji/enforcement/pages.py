"""Web page of 执法检查: annual plan generation and calendar, penalties, blacklist."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from yingji.core.auth import Principal, optional_principal
from yingji.web.pages import login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


@router.get("/supervision/enforcement", response_class=HTMLResponse)
def enforcement_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "enforcement.html", principal, active="supervision", title="执法检查",
                  can_write=principal.can("enforcement:write") and principal.unit_id is None,
                  can_inspect=principal.can("hazards:write") and principal.unit_id is None)
