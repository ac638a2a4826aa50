"""Demo closure for ``yingji demo load``: one flooded underpass (SYNTHETIC), ONE audit record.

A small polygon in 台江 closes every network link crossing it, so the demo's travel times and
dispatch recommendations show a closure at work; reopening it in the UI/API restores the times.
"""

from __future__ import annotations

from typing import Any

import shapely

from yingji.core import audit, events
from yingji.core.db import atomic
from yingji.core.divisions import Dataset, Division
from yingji.core.geo import geometry_to_geojson
from yingji.routing import service
from yingji.routing.models import RoadClosure

DATASET_KEY = "demo-routing-closures-synthetic"
# a spot in 台江 (350103) on the central-city network; the closure is invented (synthetic)
CENTRE = (119.3065, 26.0705)
HALF = 0.0008  # degrees, ~80–90 m


def load(ctx: Any) -> None:
    actor = ctx.actor
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("道路封闭演示数据已存在，跳过")
            return
        division = "350103" if db.get(Division, "350103") is not None else actor.scope_code
    router = service.get_router()
    x, y = CENTRE
    box = shapely.box(x - HALF, y - HALF, x + HALF, y + HALF)
    affected = len(router.edges_in(box))
    if affected == 0:
        ctx.console.print("演示封闭范围内没有路网路段，跳过")
        return
    with ctx.database.session() as db:
        with atomic(db):
            row = RoadClosure(division_code=division, kind="closed", speed_factor=0.0,
                              reason="演示：下穿通道积水封闭（合成）", link_ids=[], polygon=geometry_to_geojson(box),
                              links_affected=affected, state="active", created_by=actor.username, created_at=ctx.now,
                              reopen_reason="", synthetic=True)
            db.add(row)
            db.add(Dataset(key=DATASET_KEY, name="演示道路封闭（合成）", source="合成数据，由平台生成",
                           licence="无（合成数据）", datum="WGS84", synthetic=True,
                           method="yingji.routing.seed：台江区一处虚构的下穿通道积水范围（约 170 m 见方），"
                                  "封闭穿过该范围的全部路段", record_count=1, loaded_at=ctx.now))
            db.flush()
            audit.record(db, actor, "routing.demo_loaded", "dataset", DATASET_KEY, division_code=division,
                         after={"closures": 1, "links_affected": affected})
            events.emit(db, "routing.demo_loaded", division_code=division, actor=actor.username,
                        summary=f"道路封闭演示数据已载入：1 处（{affected} 个路段）",
                        payload={"closure_id": row.id, "links_affected": affected})
        service.sync_closures(db, router, force=True)
    ctx.console.print(f"道路封闭演示数据：1 处下穿通道积水封闭（{affected} 个路段，合成）")

