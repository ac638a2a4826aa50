"""Demo rescue forces (合成) for ``yingji demo load``: stations on the road network's nodes in the
central city and at township points in the outer counties, professional teams, social forces,
volunteers, militia, vehicles and experts. Bulk, idempotent, ONE summary audit record and event."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import insert, select

from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division
from yingji.dispatch.demo import generate_forces
from yingji.dispatch.models import Expert, Force, Vehicle

DATASET_KEY = "demo-dispatch-synthetic"


def _network() -> tuple[np.ndarray | None, np.ndarray | None]:
    try:
        from yingji.routing.service import get_router

        net = get_router().network
        return np.asarray(net.lon, dtype=float), np.asarray(net.lat, dtype=float)
    except Exception:  # noqa: BLE001 - no network shipped: stations at township points only
        return None, None


def load(ctx: Any) -> None:
    from yingji.dispatch.service import locate

    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("救援力量演示数据已存在，跳过")
            return
        counties = db.execute(select(Division.code, Division.name, Division.centroid_lon, Division.centroid_lat)
                              .where(Division.level == "county").order_by(Division.code)).all()
        towns = db.execute(select(Division.code, Division.parent_code, Division.centroid_lon, Division.centroid_lat)
                           .where(Division.level == "township", Division.centroid_lon.is_not(None))
                           .order_by(Division.code)).all()
    if not counties:
        ctx.console.print("没有行政区划，跳过救援力量演示数据")
        return
    lon, lat = _network()
    if lon is not None:
        box = (lon.min(), lon.max(), lat.min(), lat.max())
        outer = [c for c in counties if c.centroid_lon is None
                 or not (box[0] <= c.centroid_lon <= box[1] and box[2] <= c.centroid_lat <= box[3])]
    else:
        outer = list(counties)
    outer_codes = {c.code for c in outer}
    points: dict[str, list[tuple[float, float]]] = {}
    for t in towns:
        if t.parent_code in outer_codes:
            points.setdefault(t.parent_code, []).append((float(t.centroid_lon), float(t.centroid_lat)))
    centre = (float(np.mean(lon)), float(np.mean(lat))) if lon is not None else (119.30, 26.08)
    forces, experts = generate_forces(lon, lat, centre, points, {c.code: c.name for c in counties}, seed=ctx.seed)
    actor = ctx.actor
    now = utcnow()
    with ctx.database.session() as db, atomic(db):
        placed = []
        for f in forces:
            d = locate(db, f["lon"], f["lat"])
            if d is None or d.level != "township":
                continue
            placed.append((f, d.code))
        db.execute(insert(Force), [{k: f[k] for k in ("code", "name", "kind", "station_level", "specialties", "lon",
                                                       "lat", "personnel", "contact", "phone")}
                                   | {"division_code": code, "address": "", "notes": "合成演示数据",
                                      "synthetic": True, "created_at": now, "updated_at": now} for f, code in placed])
        ids = dict(db.execute(select(Force.code, Force.id).where(Force.synthetic.is_(True))).all())
        vehicles = [v | {"force_id": ids[f["code"]], "division_code": code, "status_at": now, "order_id": None,
                         "synthetic": True, "created_at": now} for f, code in placed for v in f["vehicles"]]
        db.execute(insert(Vehicle), vehicles)
        division_codes = [code for _, code in placed] or [t.code for t in towns]
        rng = np.random.default_rng(ctx.seed + 7)
        db.execute(insert(Expert), [e | {"division_code": division_codes[int(rng.integers(len(division_codes)))],
                                         "available": True, "synthetic": True, "created_at": now} for e in experts])
        on_network = sum(1 for f, _ in placed if f["on_network"] and f["kind"] == "station")
        db.add(Dataset(key=DATASET_KEY, name="演示救援力量（合成）", source="合成数据，由平台生成",
                       licence="无（合成数据）", datum="WGS84", synthetic=True,
                       method=f"yingji.dispatch.demo.generate_forces(seed={ctx.seed})：中心城区消防站按最远点采样放在"
                              "道路网节点上，外围区县放在乡镇代表点；队伍、车辆、专家均为虚构",
                       record_count=len(placed), loaded_at=now))
        db.flush()
        counts = {"forces": len(placed), "stations_on_network": on_network, "vehicles": len(vehicles),
                  "experts": len(experts)}
        audit.record(db, actor, "dispatch.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after=counts)
        events.emit(db, "dispatch.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"救援力量演示数据已载入：{len(placed)} 支力量、{len(vehicles)} 辆车", payload=counts)
    ctx.console.print(f"救援力量演示数据：{len(placed)} 支力量（{on_network} 个城区消防站在路网节点上），"
                      f"{len(vehicles)} 辆车（装备），{len(experts)} 名专家")
