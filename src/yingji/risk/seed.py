"""Demo data of the risk domain: ~3,000 synthetic units and 8,860 risk sources for Fuzhou.

``load(ctx)`` is run by ``yingji demo load`` (after divisions and users). It is idempotent
(skips when the dataset row exists), bulk-inserts in chunks inside one transaction and writes
ONE summary audit record. :func:`demo_dataset` gives the generator output (incl. the hidden
hazards, for the hazards domain's seed) with the database ids of the generated units/sources.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import undefer

from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division
from yingji.risk.demo import DemoDataset, generate
from yingji.risk.grading import level_info
from yingji.risk.models import RiskAssessment, RiskSource, Unit

DATASET_KEY = "fuzhou-supervision-synthetic"
DEMO_NOW = datetime(2026, 11, 1, 0, 0, tzinfo=timezone(timedelta(hours=8)))
SEED = 20261128
CHUNK = 2000
ENTERPRISE_USER = "ent_demo"


@dataclass
class DemoRisk:
    """The generator output plus generator index → database id of every unit and source."""

    dataset: DemoDataset
    unit_ids: dict[int, int] = field(default_factory=dict)  # ds.units[i]["index"] -> Unit.id
    source_ids: dict[int, int] = field(default_factory=dict)  # ds.sources[j]["index"] -> RiskSource.id


_CACHE: dict[str, DemoDataset] = {}


def townships(db: Any) -> list[dict[str, Any]]:
    rows = db.scalars(select(Division).options(undefer(Division.geometry))
                      .where(Division.level == "township").order_by(Division.code)).all()
    return [{"code": d.code, "name": d.name, "county_code": d.parent_code, "geometry": d.geometry}
            for d in rows if d.geometry]


def _generated(ctx: Any) -> DemoDataset:
    key = ctx.database.url
    if key not in _CACHE:
        with ctx.database.session() as db:
            towns = townships(db)
        _CACHE[key] = generate(towns, now=DEMO_NOW, seed=SEED)
    return _CACHE[key]


def demo_dataset(ctx: Any) -> DemoRisk:
    """The (cached) generator output with database ids (empty maps if ``load`` has not run)."""
    ds = _generated(ctx)
    out = DemoRisk(dataset=ds)
    with ctx.database.session() as db:
        by_code = dict(db.execute(select(Unit.credit_code, Unit.id).where(Unit.synthetic.is_(True))).all())
        src_by_code = dict(db.execute(select(RiskSource.code, RiskSource.id)
                                      .where(RiskSource.synthetic.is_(True))).all())
    out.unit_ids = {u["index"]: by_code[u["code"]] for u in ds.units if u["code"] in by_code}
    out.source_ids = {s["index"]: src_by_code[s["code"]] for s in ds.sources if s["code"] in src_by_code}
    return out


def _unit_row(u: dict[str, Any]) -> dict[str, Any]:
    lon, lat = u["location"]["coordinates"]
    persons = u.get("responsible_persons") or []
    boss = persons[0] if persons else {}
    safety = persons[1] if len(persons) > 1 else {}
    return {"name": u["name"][:200], "credit_code": u["code"], "industry": u["industry"],
            "division_code": u["township_code"], "address": f"{u['township_name']}（演示地址）",
            "lon": lon, "lat": lat, "scale": u.get("scale") or "",
            "standardisation_level": u.get("standardisation_level") or "",
            "legal_person": boss.get("name", ""), "safety_manager": safety.get("name", ""),
            "phone": safety.get("phone", ""), "supervising_department": u.get("regulator", "")[:100],
            "risk_level": u.get("risk_level"), "extra": {"demo_key": u["id"], "demo_index": u["index"]},
            "synthetic": True, "notes": "演示数据（合成）", "created_at": DEMO_NOW, "updated_at": DEMO_NOW}


def load(ctx: Any) -> None:
    database = ctx.database
    actor = ctx.actor
    with database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("监督管理演示数据已存在，跳过")
            _enterprise_user(ctx)
            return
    ds = _generated(ctx)
    with database.session() as db, atomic(db):
        for i in range(0, len(ds.units), CHUNK):
            db.execute(insert(Unit), [_unit_row(u) for u in ds.units[i:i + CHUNK]])
        unit_ids = dict(db.execute(select(Unit.credit_code, Unit.id).where(Unit.synthetic.is_(True))).all())
        code_of_unit = {u["index"]: u["code"] for u in ds.units}
        rows = []
        for s in ds.sources:
            lon, lat = s["location"]["coordinates"]
            rows.append({"code": s["code"], "name": s["name"][:200], "class_code": s["class_code"],
                         "subclass_code": s["subclass_code"], "industry": s["industry"],
                         "unit_id": unit_ids[code_of_unit[s["unit_index"]]], "division_code": s["township_code"],
                         "lon": lon, "lat": lat, "description": "", "level": s["level"], "method": s["method"],
                         "score": float(s["score"]), "management_tier": level_info(s["level"]).management_tier,
                         "synthetic": True, "created_at": DEMO_NOW, "updated_at": DEMO_NOW})
        for i in range(0, len(rows), CHUNK):
            db.execute(insert(RiskSource), rows[i:i + CHUNK])
        source_ids = dict(db.execute(select(RiskSource.code, RiskSource.id)
                                     .where(RiskSource.synthetic.is_(True))).all())
        arows = []
        for s, r in zip(ds.sources, rows):
            arows.append({"source_id": source_ids[s["code"]], "unit_id": r["unit_id"],
                          "division_code": r["division_code"], "method": s["method"],
                          "factors": {k: float(v) for k, v in s["factors"].items()}, "score": float(s["score"]),
                          "band": s.get("band"), "level": s["level"], "assessor": "演示评估员",
                          "assessed_at": DEMO_NOW, "note": "演示数据（合成）初始评估", "created_by": "demo"})
        for i in range(0, len(arows), CHUNK):
            db.execute(insert(RiskAssessment), arows[i:i + CHUNK])
        latest = db.execute(select(RiskAssessment.source_id, RiskAssessment.id)
                            .where(RiskAssessment.created_by == "demo")).all()
        updates = [{"id": sid, "latest_assessment_id": aid} for sid, aid in latest]
        for i in range(0, len(updates), CHUNK):
            db.execute(update(RiskSource), updates[i:i + CHUNK])
        method = (f"yingji.risk.demo.generate(seed={SEED}, now={DEMO_NOW.isoformat()})：单位随机落点于乡镇边界内，"
                  "风险源覆盖全部 42 个小类，按 LEC / 风险矩阵评分；信用代码含 SYN，电话为 1380000xxxx，均为虚构")
        db.add(Dataset(key=DATASET_KEY, name="福州监督管理演示数据（合成）", source="合成数据，由平台生成",
                       licence="无（合成数据）", datum="WGS84", synthetic=True, method=method,
                       record_count=len(ds.units) + len(ds.sources), loaded_at=utcnow()))
        db.flush()
        counts = {"units": len(ds.units), "sources": len(ds.sources), "assessments": len(arows)}
        audit.record(db, actor, "risk.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after=counts | {"seed": SEED})
        events.emit(db, "risk.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"载入监督管理演示数据：单位 {counts['units']}，风险源 {counts['sources']}",
                    payload=counts)
    ctx.console.print(f"监督管理演示数据：单位 {len(ds.units)}，风险源 {len(ds.sources)}（合成）")
    _enterprise_user(ctx)


def _enterprise_user(ctx: Any) -> None:
    from yingji.core.actions import create_user
    from yingji.core.auth import User
    from yingji.core.schemas import UserIn

    with ctx.database.session() as db:
        if db.scalar(select(User.id).where(User.username == ENTERPRISE_USER)) is not None:
            return
        unit = db.scalar(select(Unit).where(Unit.synthetic.is_(True), Unit.division_code.startswith("350102"))
                         .order_by(Unit.id).limit(1))
        if unit is None:
            return
        password = secrets.token_urlsafe(10)
        create_user(db, ctx.actor, UserIn(username=ENTERPRISE_USER, display_name=f"{unit.name[:80]}安全管理员（演示）",
                                          role="enterprise_manager", scope_code=unit.division_code,
                                          unit_id=unit.id, password=password))
    path = ctx.data_dir / "demo-users.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as fh:
        fh.write(f"{ENTERPRISE_USER}\t{password}\tenterprise_manager\t{unit.name}\n")
    ctx.console.print(f"企业演示账号：{ENTERPRISE_USER} 密码 {password}（单位：{unit.name}）")
