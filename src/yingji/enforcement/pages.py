"""Web page of 执法检查: annual plan generation and calendar, penalties, blacklist."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from yingji.core.auth import Principal, optional_principal
from yingji.enforcement import permissions
from yingji.hazards import permissions as hazard_permissions
from yingji.web.pages import login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


@router.get("/supervision/enforcement", response_class=HTMLResponse)
def enforcement_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    flags = permissions.page_flags(principal)
    return render(request, "enforcement.html", principal, active="supervision", title="执法检查",
                  enf=flags, flags=hazard_permissions.page_flags(principal), can_write=flags["can_plan"],
                  can_inspect=flags["can_inspect"])
