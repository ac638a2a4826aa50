"""The elevator board: open rescues with their timers, statistics against the 96333 anchors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.elevators import service
from yingji.elevators.rules import ACTION_LABELS, RESCUE_STATES, default_config
from yingji.web.pages import login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/monitoring/elevators", response_class=HTMLResponse)
def board(request: Request, principal: Annotated[Principal | None, Depends(optional_principal)],
          db: Annotated[Session, Depends(get_db)]) -> Response:
    if principal is None:
        return login_redirect(request)
    cfg = default_config()
    return render(request, "elevators_board.html", principal, active="monitoring", title="电梯物联网",
                  stats=service.stats(db, principal), elevators_count=service.count(db, principal),
                  labels={"states": RESCUE_STATES, "actions": ACTION_LABELS,
                          "tiers": {t["key"]: t["label"] for t in cfg.tiers}})
