"""Demo elevators (合成) for ``yingji demo load``: synthetic elevators with their IoT terminals
(monitoring points of type ``elevator``, through :func:`yingji.monitoring.seed.insert_points`), user
units, buildings, maintenance companies and a few past rescues (:func:`yingji.elevators.demo.demo_elevators`,
fixed seed). Runs after the monitoring seed; idempotent; one summary audit record and event."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import insert, select

from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division
from yingji.elevators.demo import demo_elevators
from yingji.elevators.models import Elevator, Rescue
from yingji.elevators.rules import default_config

DATASET_KEY = "demo-elevators-synthetic"


def _inputs(db: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from yingji.units.models import Unit

    towns = [{"code": c, "name": n, "lon": lon, "lat": lat} for c, n, lon, lat in db.execute(
        select(Division.code, Division.name, Division.centroid_lon, Division.centroid_lat)
        .where(Division.level == "township", Division.centroid_lon.is_not(None)).order_by(Division.code))]
    units = [{"id": i, "name": n, "division_code": d, "lon": lon, "lat": lat} for i, n, d, lon, lat in db.execute(
        select(Unit.id, Unit.name, Unit.division_code, Unit.lon, Unit.lat).order_by(Unit.id))]
    return towns, units


def load(ctx: Any) -> None:
    from yingji.monitoring.seed import insert_points

    actor = ctx.actor
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("电梯演示数据已存在，跳过")
            return
        towns, units = _inputs(db)
    elevators, rescues = demo_elevators(towns, units, now=ctx.now, seed=ctx.seed)
    cfg = default_config()
    with ctx.database.session() as db, atomic(db):
        now = utcnow()
        points = insert_points(db, [e["point"] for e in elevators], now, random.Random(ctx.seed))
        rows = [{k: v for k, v in e.items() if k != "point"} | {
            "running": {"state": 1, "door": 0, "floor": 1, "levelling": 1, "occupied": 0, "fault": 0},
            "stuck_since": None, "synthetic": True, "created_at": now} for e in elevators]
        db.execute(insert(Elevator), rows)
        ids = dict(db.execute(select(Elevator.device_code, Elevator.id).where(Elevator.synthetic.is_(True))).all())
        label = cfg.tiers[0]["label"]
        rescue_rows = []
        for r in rescues:
            e = elevators[r["elevator"]]
            rescue_rows.append({
                "elevator_id": ids[e["device_code"]], "division_code": e["division_code"], "unit_id": e["user_unit_id"],
                "maintenance_company": e["maintenance_company"], "reason": r["reason"], "state": "released",
                "tier": "maintenance", "detected_at": r["detected_at"], "notified_at": r["notified_at"],
                "arrival_deadline": r["detected_at"] + cfg.arrival_deadline,
                "acknowledged_at": r["acknowledged_at"], "arrived_at": r["arrived_at"], "released_at": r["released_at"],
                "notices": [{"tier": "maintenance", "label": label, "at": r["notified_at"].isoformat(),
                             "message": f"【困人】{e['address']}{e['building']} 电梯 {e['registration_code']} 有人被困（合成）"}]})
        if rescue_rows:
            db.execute(insert(Rescue), rescue_rows)
        method = (f"yingji.elevators.demo.demo_elevators(seed={ctx.seed})：城区乡镇（街道）各 8 台、郊区各 1 台，"
                  "住宅小区与单位楼宇，8 家虚构维保单位，约 1/12 的电梯有一次已解救的历史困人救援（到场时间对数正态，"
                  "中位约 13 分钟）；均为虚构")
        db.add(Dataset(key=DATASET_KEY, name="演示电梯与困人救援（合成）", source="合成数据，由平台生成",
                       licence="无（合成数据）", datum="WGS84", synthetic=True, method=method,
                       record_count=len(elevators), loaded_at=now))
        db.flush()
        after = {"elevators": len(elevators), "terminals": len(points), "rescues": len(rescue_rows), "seed": ctx.seed}
        audit.record(db, actor, "elevators.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after=after)
        events.emit(db, "elevators.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"载入电梯演示数据：电梯 {len(elevators)} 台、历史困人救援 {len(rescue_rows)} 起（合成）",
                    payload=after)
    ctx.console.print(f"电梯演示数据：{len(elevators)} 台（含物联网终端），历史困人救援 {len(rescue_rows)} 起（合成）")
