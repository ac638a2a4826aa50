"""Demo monitoring points (合成) for ``yingji demo load``: synthetic devices at a realistic density
(:func:`yingji.monitoring.simulate.demo_points`) — per township by kind, and tanks plus gas detectors
at every major hazard source of hazardous chemicals — each with one latest value so the live map
shows something before ``yingji monitoring simulate`` runs. Idempotent; one summary audit record."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import insert, select

from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division
from yingji.monitoring.models import LatestValue, MonitoringPoint
from yingji.monitoring.simulate import SimPoint, _normal, demo_points

DATASET_KEY = "demo-monitoring-synthetic"
CHUNK = 2000


def _inputs(db: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from yingji.risk.models import RiskSource

    towns = [{"code": c, "name": n, "lon": lon, "lat": lat} for c, n, lon, lat in db.execute(
        select(Division.code, Division.name, Division.centroid_lon, Division.centroid_lat)
        .where(Division.level == "township", Division.centroid_lon.is_not(None)).order_by(Division.code))]
    sources = [{"id": i, "name": n, "division_code": d, "lon": lon, "lat": lat, "unit_id": u} for i, n, d, lon, lat, u in
               db.execute(select(RiskSource.id, RiskSource.name, RiskSource.division_code, RiskSource.lon,
                                 RiskSource.lat, RiskSource.unit_id)
                          .where(RiskSource.level == "major", RiskSource.industry == "hazchem",
                                 RiskSource.lon.is_not(None)).order_by(RiskSource.id))]
    return towns, sources


def insert_points(db: Any, points: list[dict[str, Any]], now: Any, rnd: random.Random) -> dict[str, int]:
    """Bulk-insert synthetic points (``demo_points`` rows) with one normal latest value each, inside the
    caller's transaction and summary audit record; ``{code: id}``. The one way an upper package's demo
    seed (the elevators' IoT terminals) adds monitoring points."""
    rows = [{**p, "address": p.get("address", ""), "rules_override": {}, "active": True, "online": True,
             "synthetic": True, "created_at": now, "updated_at": now} for p in points]
    for i in range(0, len(rows), CHUNK):
        db.execute(insert(MonitoringPoint), rows[i:i + CHUNK])
    codes = [p["code"] for p in points]
    ids: dict[str, int] = {}
    for i in range(0, len(codes), CHUNK):
        ids.update(db.execute(select(MonitoringPoint.code, MonitoringPoint.id)
                              .where(MonitoringPoint.code.in_(codes[i:i + CHUNK]))).all())
    latest = [{"point_id": ids[p["code"]], "metric": k, "ts": now, "value": v} for p in points
              for k, v in _normal(SimPoint(p["code"], p["device_type"], p["division_code"]), rnd, 0.5).items()]
    for i in range(0, len(latest), CHUNK):
        db.execute(insert(LatestValue), latest[i:i + CHUNK])
    return ids


def load(ctx: Any) -> None:
    actor = ctx.actor
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("监测演示数据已存在，跳过")
            return
        towns, sources = _inputs(db)
    points = demo_points(towns, sources, seed=ctx.seed)
    rnd = random.Random(ctx.seed)
    with ctx.database.session() as db, atomic(db):
        now = utcnow()
        insert_points(db, points, now, rnd)
        method = (f"yingji.monitoring.simulate.demo_points(seed={ctx.seed})：按乡镇（城区/郊区）配置雨量、水位、地灾、"
                  "森林防火、风速、燃气、供水、桥梁监测点，重大危险源（危化）各 3 个储罐与 2 个气体探测器；均为虚构")
        db.add(Dataset(key=DATASET_KEY, name="演示监测设备（合成）", source="合成数据，由平台生成", licence="无（合成数据）",
                       datum="WGS84", synthetic=True, method=method, record_count=len(points), loaded_at=now))
        db.flush()
        audit.record(db, actor, "monitoring.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after={"points": len(points), "seed": ctx.seed})
        events.emit(db, "monitoring.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"载入监测演示设备 {len(points)} 个（合成）", payload={"points": len(points)})
    ctx.console.print(f"监测演示设备：{len(points)} 个（合成）；运行 yingji monitoring simulate 产生一天的监测数据")
