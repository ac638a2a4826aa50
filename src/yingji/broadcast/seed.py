"""Demo recipients (合成) for ``yingji demo load``: terminals per village/township/county/city and SMS/app
subscribers at ``YINGJI_BROADCAST_DENSITY`` residents each; bulk, idempotent, one summary audit record."""

from __future__ import annotations

import csv
from typing import Any

from shapely.geometry import shape
from sqlalchemy import insert, select

from yingji.broadcast import service
from yingji.broadcast.demo import Township, generate
from yingji.broadcast.models import Recipient
from yingji.config import get_settings
from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division

DATASET_KEY = "demo-broadcast-synthetic"
CHUNK = 5000


def _rural_shares(settings: Any) -> dict[str, float]:
    path = settings.reference_data / "population" / "census2020_counties.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {r["code"]: int(r["rural"]) / max(int(r["population"]), 1) for r in csv.DictReader(fh)
                if r.get("rural") and r.get("population")}


def load(ctx: Any) -> None:
    settings = get_settings()
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("预警接收对象演示数据已存在，跳过")
            return
        rows = db.execute(select(Division.code, Division.level, Division.population, Division.geometry,
                                 Division.centroid_lon, Division.centroid_lat)
                          .where(Division.level.in_(("city", "county", "township")))).all()
    rural = _rural_shares(settings)
    townships = [Township(r.code, shape(r.geometry), int(r.population or 0), rural.get(r.code[:6], 0.3))
                 for r in rows if r.level == "township" and r.geometry and r.population]
    if not townships:
        ctx.console.print("没有带人口的乡镇（街道），跳过预警接收对象演示数据")
        return
    counties = {r.code: (r.centroid_lon, r.centroid_lat) for r in rows if r.level == "county" and r.centroid_lon}
    city = next(((r.code, r.centroid_lon, r.centroid_lat) for r in rows if r.level == "city" and r.centroid_lon), None)
    gen = generate(townships, per_person=settings.broadcast_density, seed=ctx.seed, counties=counties, city=city)
    records = gen.rows()
    now = utcnow()
    actor = ctx.actor
    with ctx.database.session() as db, atomic(db):
        for i in range(0, len(records), CHUNK):
            db.execute(insert(Recipient), [{**r, "created_at": now, "updated_at": now} for r in records[i:i + CHUNK]])
        db.add(Dataset(key=DATASET_KEY, name="演示预警接收对象（合成）", source="合成数据，由平台生成",
                       licence="无（合成数据）", datum="WGS84", synthetic=True,
                       method=f"yingji.broadcast.demo.generate(per_person={settings.broadcast_density}, seed={ctx.seed})："
                              "按乡镇人口（合成，县级总数为 2020 年第七次人口普查）布设村级/乡镇级/县级/市级应急广播终端，"
                              "短信与 APP 用户在乡镇内均匀分布，每人代表若干居民；号码与位置均为虚构",
                       record_count=len(records), loaded_at=now))
        db.flush()
        counts: dict[str, int] = {}
        for r in records:
            counts[r["kind"]] = counts.get(r["kind"], 0) + 1
        audit.record(db, actor, "broadcast.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after=counts | {"density": settings.broadcast_density})
        events.emit(db, "broadcast.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"预警接收对象演示数据已载入：{len(records)} 个", payload=counts)
    service.forget_index()
    ctx.console.print(f"预警接收对象（合成）：终端 {counts.get('terminal', 0)}，短信 {counts.get('sms', 0)}，"
                      f"APP {counts.get('app', 0)}（每个用户代表 {settings.broadcast_density} 名居民）")
