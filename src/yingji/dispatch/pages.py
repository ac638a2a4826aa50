"""Web pages of 救援力量调度: forces map and status board, recommendation panel, printable order."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.errors import YingjiError
from yingji.core.timeutil import fmt_local
from yingji.dispatch import permissions, service
from yingji.dispatch.grading import dispatch_config, grade_label
from yingji.dispatch.ranking import fmt_duration
from yingji.dispatch.status import STATUS_LABELS
from yingji.web.pages import error_page, login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]


def _page(principal: Principal) -> dict[str, Any]:
    return {"flags": permissions.page_flags(principal), "catalog": service.catalog()}


@router.get("/command/forces", response_class=HTMLResponse)
def forces_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "dispatch_forces.html", principal, active="command", title="救援力量一张图",
                  **_page(principal))


@router.get("/command/dispatch", response_class=HTMLResponse)
def dispatch_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "dispatch_panel.html", principal, active="command", title="调派推荐",
                  **_page(principal))


@router.get("/command/dispatch/orders/{order_id}", response_class=HTMLResponse)
def order_page(request: Request, principal: MaybePrincipal, db: Db,
               order_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)]) -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        d = service.order_detail(db, principal, order_id)
    except YingjiError as exc:
        return error_page(request, principal, exc.message, status=exc.status, back_href="/command/dispatch",
                          back_label="返回调派推荐")
    cfg = dispatch_config()
    o = d["order"]
    types = {k: v["label"] for k, v in cfg["unit_types"].items()}
    units = [u | {"type_label": types.get(u["vehicle_type"], u["vehicle_type"]),
                  "need_label": types.get(u["unit_type"], u["unit_type"]),
                  "travel": fmt_duration(u["travel_seconds"]) if u["travel_seconds"] is not None else "—",
                  "km": f"{u['travel_meters'] / 1000:.1f}" if u["travel_meters"] is not None else "—",
                  "dispatched": fmt_local(u["dispatched_at"], "%H:%M:%S"),
                  "arrived": fmt_local(u["arrived_at"], "%H:%M:%S") if u["arrived_at"] else "",
                  "arrival": fmt_duration(u["arrival_seconds"]) if u["arrival_seconds"] is not None else ""}
             for u in d["units"]]
    order = {"id": o.id, "code": o.code, "incident_id": o.incident_id, "address": o.address, "lon": o.lon, "lat": o.lat,
             "incident_type": cfg["incident_types"][o.incident_type]["label"], "grade": o.grade,
             "grade_label": grade_label(o.grade, cfg), "grade_basis": o.grade_basis or [], "plan_based": o.plan_based,
             "requirements": [r | {"label": types.get(r["unit_type"], r["unit_type"])} for r in o.requirements or []],
             "notes": o.notes, "status": o.status, "issued_by": o.issued_by,
             "issued_at": fmt_local(o.issued_at, "%Y-%m-%d %H:%M:%S"), "division_code": o.division_code,
             "grade_key": next(g["key"] for g in cfg["grades"] if g["grade"] == o.grade)}
    return render(request, "dispatch_order.html", principal, active="command", title=f"调派单 {o.code}",
                  order=order, units=units, experts=d["experts"], standard=cfg["arrival_standard_seconds"] // 60,
                  status_labels=STATUS_LABELS,
                  **_page(principal))
