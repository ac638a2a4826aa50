"""Web page of places: /command/places — search box, the matches on the map, what was matched."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.places import permissions, service
from yingji.places.models import KINDS
from yingji.web.pages import error_page, login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(FsPath(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]


@router.get("/command/places", response_class=HTMLResponse)
def places_page(request: Request, principal: MaybePrincipal, db: Db) -> Response:
    if principal is None:
        return login_redirect(request)
    if not principal.can(permissions.READ):
        return error_page(request, principal, "您无权查看地名地址", status=403)
    counts = service.summary(db)
    kinds = {**KINDS, "crossing": "路口", "caller": "来电定位"}
    return render(request, "places.html", principal, active="command", title="地名地址", counts=counts,
                  kind_labels=kinds, **permissions.page_flags(principal))
