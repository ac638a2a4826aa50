"""Web pages of monitoring: the live map, the alarm board, the device list and a device's page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from yingji.core.auth import Principal, get_db, optional_principal
from yingji.core.errors import YingjiError
from yingji.core.timeutil import local_tz
from yingji.monitoring import permissions, service
from yingji.monitoring.linechart import line_chart, threshold_lines
from yingji.monitoring.rules import default_catalog
from yingji.web.pages import error_page, login_redirect
from yingji.web.templating import add_template_dir, render

add_template_dir(Path(__file__).parent / "templates")

router = APIRouter(include_in_schema=False)
MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]
Db = Annotated[Session, Depends(get_db)]


def _page(principal: Principal) -> dict[str, Any]:
    cat = service.catalog_out()
    return {"flags": permissions.page_flags(principal),
            "catalog": {"levels": cat["levels"], "states": cat["states"], "actions": cat["actions"],
                        "kinds": cat["kinds"],
                        "types": [{"key": t["key"], "label": t["label"], "category": t["category"],
                                   "metrics": t["metrics"]} for t in cat["types"]]}}


@router.get("/monitoring/map", response_class=HTMLResponse)
def map_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "monitoring_map.html", principal, active="monitoring", title="监测一张图", **_page(principal))


@router.get("/monitoring/alarms", response_class=HTMLResponse)
def alarms_page(request: Request, principal: MaybePrincipal) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "monitoring_alarms.html", principal, active="monitoring", title="告警处置",
                  **_page(principal))


@router.get("/monitoring/devices", response_class=HTMLResponse)
def devices_page(request: Request, principal: MaybePrincipal, db: Db) -> Response:
    if principal is None:
        return login_redirect(request)
    return render(request, "monitoring_devices.html", principal, active="monitoring", title="监测设备与在线率",
                  online=service.online_stats(db, principal), **_page(principal))


RANGES = {"24h": (24, "近 24 小时"), "7d": (24 * 7, "近 7 天（小时均值）"), "30d": (24 * 30, "近 30 天（小时均值）")}


@router.get("/monitoring/devices/{point_id}", response_class=HTMLResponse)
def device_page(request: Request, principal: MaybePrincipal, db: Db,
                point_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
                range_: Annotated[str, Query(alias="range")] = "24h") -> Response:
    if principal is None:
        return login_redirect(request)
    try:
        d = service.point_detail(db, principal, point_id)
    except YingjiError as exc:
        return error_page(request, principal, exc.message, status=exc.status, back_href="/monitoring/devices",
                          back_label="返回监测设备")
    p, dtype = d["point"], d["type"]
    cat = default_catalog()
    level_labels = {lv["key"]: lv["label"] for lv in cat.levels}
    charts = []
    range_ = range_ if range_ in RANGES else "24h"
    hours, range_label = RANGES[range_]
    for m in (dtype.metrics if dtype else ()):
        h = service.history(db, principal, p.id, m.key, hours)
        pts = [(datetime.fromisoformat(x["ts"]), x["value"]) for x in h["points"]]
        charts.append({"metric": m, "chart": line_chart(f"chart-{m.key}", f"{m.label}（{m.unit or '—'}）{range_label}",
                                                        m.unit, pts, local_tz(),
                                                        threshold_lines(d["rules"], m.key, level_labels))})
    latest = {k: {"value": v["value"], "ts": datetime.fromisoformat(v["ts"])} for k, v in d["latest"].items()}
    return render(request, "monitoring_device.html", principal, active="monitoring", title=p.name, point=p,
                  dtype=dtype, rules=d["rules"], latest=latest, alarms=d["alarms"], charts=charts,
                  level_labels=level_labels, ranges=[(k, v[1]) for k, v in RANGES.items()], range=range_,
                  **_page(principal))
