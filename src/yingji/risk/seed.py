"""Demo risk sources (合成) for ``yingji demo load``: 8,860 sources of the demo units with assessments.

Idempotent (skips when its dataset row exists), bulk-inserts in chunks inside one transaction and
writes ONE summary audit record. Runs after the units seed (:mod:`yingji.units.seed`) and reads
the units from the database; the units' derived risk levels are stored through
:func:`yingji.units.service.set_risk_levels`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset
from yingji.risk.demo import generate_sources, unit_levels
from yingji.risk.grading import level_info
from yingji.risk.models import RiskAssessment, RiskSource
from yingji.units.models import Unit
from yingji.units.seed import townships
from yingji.units.service import set_risk_levels

DATASET_KEY = "demo-risk-sources-synthetic"
CHUNK = 2000


def demo_units(db: Any) -> list[dict[str, Any]]:
    """The synthetic units as generator input, in id order (position = ``unit_index``)."""
    rows = db.execute(select(Unit.id, Unit.name, Unit.industry, Unit.division_code, Unit.lon, Unit.lat)
                      .where(Unit.synthetic.is_(True), Unit.lon.is_not(None), Unit.lat.is_not(None))
                      .order_by(Unit.id)).all()
    return [{"index": i, "id": r.id, "name": r.name, "industry": r.industry, "township_code": r.division_code,
             "county_code": r.division_code[:6], "location": {"type": "Point", "coordinates": [r.lon, r.lat]}}
            for i, r in enumerate(rows)]


def load(ctx: Any) -> None:
    actor = ctx.actor
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("风险源演示数据已存在，跳过")
            return
        units = demo_units(db)
        towns = townships(db)
    if not units:
        ctx.console.print("没有演示单位，跳过风险源演示数据")
        return
    sources = generate_sources(units, towns, seed=ctx.seed)
    with ctx.database.session() as db, atomic(db):
        rows = []
        for s in sources:
            lon, lat = s["location"]["coordinates"]
            rows.append({"code": s["code"], "name": s["name"][:200], "class_code": s["class_code"],
                         "subclass_code": s["subclass_code"], "industry": s["industry"],
                         "unit_id": units[s["unit_index"]]["id"], "division_code": s["township_code"],
                         "lon": lon, "lat": lat, "description": "", "level": s["level"], "method": s["method"],
                         "score": float(s["score"]), "management_tier": level_info(s["level"]).management_tier,
                         "synthetic": True, "created_at": ctx.now, "updated_at": ctx.now})
        for i in range(0, len(rows), CHUNK):
            db.execute(insert(RiskSource), rows[i:i + CHUNK])
        source_ids = dict(db.execute(select(RiskSource.code, RiskSource.id)
                                     .where(RiskSource.synthetic.is_(True))).all())
        arows = [{"source_id": source_ids[s["code"]], "unit_id": r["unit_id"], "division_code": r["division_code"],
                  "method": s["method"], "factors": {k: float(v) for k, v in s["factors"].items()},
                  "score": float(s["score"]), "band": s.get("band"), "level": s["level"], "assessor": "演示评估员",
                  "assessed_at": ctx.now, "note": "演示数据（合成）初始评估", "created_by": "demo"}
                 for s, r in zip(sources, rows)]
        for i in range(0, len(arows), CHUNK):
            db.execute(insert(RiskAssessment), arows[i:i + CHUNK])
        latest = db.execute(select(RiskAssessment.source_id, RiskAssessment.id)
                            .where(RiskAssessment.created_by == "demo")).all()
        updates = [{"id": sid, "latest_assessment_id": aid} for sid, aid in latest]
        for i in range(0, len(updates), CHUNK):
            db.execute(update(RiskSource), updates[i:i + CHUNK])
        set_risk_levels(db, {u["id"]: level for u, level in zip(units, unit_levels(units, sources))})
        method = (f"yingji.risk.demo.generate_sources(seed={ctx.seed})：风险源覆盖全部 42 个小类，落点于所属单位附近"
                  "且在其乡镇内，按 LEC / 风险矩阵评分；均为虚构")
        db.add(Dataset(key=DATASET_KEY, name="演示风险源与评估（合成）", source="合成数据，由平台生成",
                       licence="无（合成数据）", datum="WGS84", synthetic=True, method=method,
                       record_count=len(sources), loaded_at=utcnow()))
        db.flush()
        counts = {"sources": len(sources), "assessments": len(arows)}
        audit.record(db, actor, "risk.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after=counts | {"seed": ctx.seed})
        events.emit(db, "risk.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"载入风险源演示数据 {len(sources)} 个", payload=counts)
    ctx.console.print(f"风险源演示数据：{len(sources)} 个（合成）")
