"""The process-wide router and the reads of the routing package.

Other packages (dispatch, supplies, siting…) use::

    from yingji.routing.service import get_router
    times = get_router().travel_times([(lon, lat), ...], (lon, lat), at=now)   # list[TravelTime]
    best = get_router().nearest(stations, incident_point, k=5)                # [(index, TravelTime)]
    route = get_router().route(a, b)                                          # Route with coords

Points are WGS84 (lon, lat). Every answer carries ``model`` ("network" | "fallback") and a
Chinese ``label``; pages and API answers that show them must also show :func:`attribution`.
Passing ``db`` to :func:`get_router` first brings the router's closures up to date with the
database (cheap: one aggregate query) — other worker processes' closures take effect that way.
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.config import Settings, get_settings
from yingji.core.auth import Principal
from yingji.core.geo import geojson_to_geometry
from yingji.core.listing import ListSpec, eq, within_division
from yingji.core.scope import get_scoped
from yingji.routing.engine import Closure, Route, Router, RoutingConfig, TravelTime
from yingji.routing.models import RoadClosure
from yingji.routing.network import RoadNetwork
from yingji.routing.schemas import ClosureQuery

__all__ = [
    "CLOSURE_LIST",
    "Closure",
    "Route",
    "Router",
    "TravelTime",
    "attribution",
    "get_closure",
    "get_router",
    "reset_router",
    "sync_closures",
    "travel_time_json",
]

_lock = threading.Lock()
_router: Router | None = None
_closure_revision: tuple[Any, ...] | None = None
AREA_SPEED_LABELS = {"urban": "城区", "suburban": "近郊", "rural": "县域"}


def parse_hour_factors(text: str) -> dict[int, float]:
    """``"7-9:0.75,22-5:1.15"`` → {7: .75, 8: .75, 9: .75, 22: 1.15, 23: …, 0: …, 5: 1.15}."""
    out: dict[int, float] = {}
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        hours, _, factor = part.partition(":")
        start, _, end = hours.partition("-")
        a, b = int(start), int(end or start)
        if not (0 <= a <= 23 and 0 <= b <= 23):
            raise ValueError(f"YINGJI_ROUTING_HOUR_FACTORS: 小时 {hours!r} 不在 0–23")
        h = a
        while True:
            out[h] = float(factor)
            if h == b:
                break
            h = (h + 1) % 24
    return out


def parse_speeds(text: str) -> dict[str, float]:
    speeds = {"urban": 25.0, "suburban": 40.0, "rural": 55.0}
    for part in text.split(","):
        if ":" in part:
            k, v = part.split(":", 1)
            speeds[k.strip()] = float(v)
    return speeds


def network_dir(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    return settings.routing_network or settings.reference_data / "roads"


def routing_config(settings: Settings | None = None, *, name: str = "OSM") -> RoutingConfig:
    from yingji.core.timeutil import to_local

    settings = settings or get_settings()
    return RoutingConfig(
        speed_factor=settings.routing_speed_factor, hour_factors=parse_hour_factors(settings.routing_hour_factors),
        max_snap_m=settings.routing_max_snap_m, circuity=settings.routing_circuity,
        fallback_speeds_kmh=parse_speeds(settings.routing_fallback_speeds),
        cache_origins=settings.routing_cache_origins, network_label=name,
        hour_of=lambda at: to_local(at).hour)


def build_router(settings: Settings | None = None) -> Router:
    directory = network_dir(settings)
    network = RoadNetwork.read_dir(directory)
    label = network.name if (directory / "meta.json").exists() else "福州中心城区 OSM"
    if not (directory / "meta.json").exists():
        network.name = "福州中心城区道路网（OpenStreetMap）"
    return Router(network, routing_config(settings, name=label))


def get_router(db: Session | None = None) -> Router:
    """The process-wide router (built on first use: ~1 s for the Fuzhou network). With ``db``,
    closures committed by other processes are applied first."""
    global _router
    if _router is None:
        with _lock:
            if _router is None:
                _router = build_router()
    if db is not None:
        sync_closures(db, _router)
    return _router


def reset_router(router: Router | None = None) -> None:
    """Drop (or replace, in tests) the process-wide router."""
    global _router, _closure_revision
    with _lock:
        _router = router
        _closure_revision = None


def closure_of(row: RoadClosure) -> Closure:
    polygon = geojson_to_geometry(row.polygon) if row.polygon else None
    return Closure(key=str(row.id), link_ids=tuple(row.link_ids or ()), polygon=polygon,
                   factor=0.0 if row.kind == "closed" else float(row.speed_factor))


def sync_closures(db: Session, router: Router | None = None, *, force: bool = False) -> None:
    """Apply the database's active closures to the router when they changed since the last sync."""
    global _closure_revision
    router = router or get_router()
    revision = tuple(db.execute(select(func.count(RoadClosure.id), func.max(RoadClosure.id),
                                       func.max(RoadClosure.reopened_at))).one())
    key = (id(router), str(db.get_bind().url), *revision)
    if not force and key == _closure_revision:
        return
    rows = db.execute(select(RoadClosure).where(RoadClosure.state == "active")).scalars().all()
    router.set_closures([closure_of(r) for r in rows])
    _closure_revision = key


def attribution(router: Router | None = None) -> str:
    router = router or get_router()
    return router.network.attribution


def travel_time_json(t: TravelTime) -> dict[str, Any]:
    data = asdict(t)
    data["seconds"] = round(t.seconds, 1)
    data["meters"] = round(t.meters, 1)
    data["minutes"] = round(t.seconds / 60.0, 2)
    if isinstance(t, Route):
        data["coords"] = [[round(x, 6), round(y, 6)] for x, y in t.coords]
    return data


def status(router: Router | None = None) -> dict[str, Any]:
    router = router or get_router()
    net = router.network
    cfg = router.config
    return {"network": net.name, "attribution": net.attribution, "source": net.source, **router.stats(),
            "bounds": [round(v, 5) for v in net.bounds()], "speed_factor": cfg.speed_factor,
            "hour_factors": {str(h): f for h, f in sorted(cfg.hour_factors.items())},
            "max_snap_m": cfg.max_snap_m,
            "fallback": {"circuity": cfg.circuity, "speeds_kmh": cfg.fallback_speeds_kmh,
                         "area_labels": AREA_SPEED_LABELS, "suburban_km": cfg.suburban_km}}


CLOSURE_LIST = ListSpec(
    model=RoadClosure,
    query=ClosureQuery,
    filters={"state": eq(RoadClosure.state), "kind": eq(RoadClosure.kind),
             "division": within_division(RoadClosure.division_code)},
    sorts={"created_at": RoadClosure.created_at, "links_affected": RoadClosure.links_affected, "id": RoadClosure.id},
    labels={"created_at": "设置时间", "links_affected": "路段数"},
    default_sort=("-created_at",),
)


def closure_map(db: Session, actor: Principal, router: Router | None = None) -> dict[str, Any]:
    """The active closures in the actor's jurisdiction as GeoJSON (for maps): per closure its
    polygon (if any) and the closed links as one MultiLineString, with reason and kind."""
    from sqlalchemy import select as _select

    from yingji.core.scope import scoped

    router = router or get_router(db)
    net = router.network
    rows = db.scalars(scoped(actor, RoadClosure, _select(RoadClosure)).where(RoadClosure.state == "active")
                      .order_by(RoadClosure.id)).all()
    features: list[dict[str, Any]] = []
    for row in rows:
        props = {"closure_id": row.id, "kind": row.kind, "reason": row.reason, "speed_factor": row.speed_factor,
                 "links_affected": row.links_affected, "division_code": row.division_code}
        if row.polygon:
            features.append({"type": "Feature", "geometry": row.polygon, "properties": {**props, "part": "area"}})
        edges = router.closure_edges(closure_of(row))
        lines = [[[round(float(net.lon[net.src[e]]), 6), round(float(net.lat[net.src[e]]), 6)],
                  [round(float(net.lon[net.dst[e]]), 6), round(float(net.lat[net.dst[e]]), 6)]] for e in edges]
        if lines:
            features.append({"type": "Feature", "geometry": {"type": "MultiLineString", "coordinates": lines},
                             "properties": {**props, "part": "links"}})
    return {"type": "FeatureCollection", "features": features, "attribution": net.attribution}


def get_closure(db: Session, actor: Principal, closure_id: int) -> RoadClosure:
    return get_scoped(db, actor, RoadClosure, closure_id, what="道路封闭")
