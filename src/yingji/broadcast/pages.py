"""Pages: the publishing console (live delivery and coverage per district) and coverage statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.broadcast import labels, permissions, service
from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.divisions import Division
from yingji.core.scope import scoped
from yingji.web.pages import login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]


def _data(db: Session, principal: Principal) -> dict[str, Any]:
    rows = db.execute(scoped(principal, Division, select(Division.code, Division.name, Division.level)
                             .where(Division.level.in_(("county", "township"))))).all()
    return {"flags": permissions.page_flags(principal),
            "names": {r.code: r.name for r in rows},
            "counties": [{"code": r.code, "name": r.name} for r in rows if r.level == "county"],
            "target_rate": service.COVERAGE_TARGET, "officials_aim": service.OFFICIALS_AIM_SECONDS,
            "public_aim": service.PUBLIC_AIM_SECONDS, "states": labels.STATES, "channels": labels.CHANNELS,
            "colours": labels.COLOURS}


@router.get("/monitoring/warnings/console", response_class=HTMLResponse)
def console_page(request: Request, principal: MaybePrincipal, db: Db) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "broadcast_console.html", principal, active="monitoring", title="预警发布控制台",
                  data=_data(db, principal), tab="console")


@router.get("/monitoring/warnings/coverage", response_class=HTMLResponse)
def coverage_page(request: Request, principal: MaybePrincipal, db: Db) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "broadcast_coverage.html", principal, active="monitoring", title="预警覆盖分析",
                  data=_data(db, principal), tab="coverage")
