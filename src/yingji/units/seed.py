"""Demo units (合成) for ``yingji demo load``: bulk, idempotent, ONE summary audit record.

Also the demo enterprise account (``ent_demo``, an enterprise safety manager of one unit).
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import undefer

from yingji.core import audit, events
from yingji.core.city import city_profile, county_short
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division
from yingji.units.demo import generate_units
from yingji.units.models import Unit

DATASET_KEY = "demo-units-synthetic"
CHUNK = 2000
ENTERPRISE_USER = "ent_demo"


def townships(db: Any) -> list[dict[str, Any]]:
    rows = db.scalars(select(Division).options(undefer(Division.geometry))
                      .where(Division.level == "township").order_by(Division.code)).all()
    return [{"code": d.code, "name": d.name, "county_code": d.parent_code, "geometry": d.geometry}
            for d in rows if d.geometry]


def _row(u: dict[str, Any], now: Any) -> dict[str, Any]:
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
            "risk_level": None, "extra": {"demo_key": u["id"], "demo_index": u["index"]},
            "synthetic": True, "notes": "演示数据（合成）", "created_at": now, "updated_at": now}


def load(ctx: Any) -> None:
    actor = ctx.actor
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("单位演示数据已存在，跳过")
            _enterprise_user(ctx)
            return
        towns = townships(db)
    city = county_short(city_profile().city_name)
    units = generate_units(towns, seed=ctx.seed, city=city)
    with ctx.database.session() as db, atomic(db):
        for i in range(0, len(units), CHUNK):
            db.execute(insert(Unit), [_row(u, ctx.now) for u in units[i:i + CHUNK]])
        method = (f"yingji.units.demo.generate_units(seed={ctx.seed})：单位随机落点于乡镇边界内，覆盖全部行业；"
                  "信用代码含 SYN，电话为 1380000xxxx，均为虚构")
        db.add(Dataset(key=DATASET_KEY, name="演示生产经营单位（合成）", source="合成数据，由平台生成",
                       licence="无（合成数据）", datum="WGS84", synthetic=True, method=method,
                       record_count=len(units), loaded_at=utcnow()))
        db.flush()
        audit.record(db, actor, "units.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after={"units": len(units), "seed": ctx.seed})
        events.emit(db, "units.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"载入演示生产经营单位 {len(units)} 家", payload={"units": len(units)})
    ctx.console.print(f"生产经营单位演示数据：{len(units)} 家（合成）")
    _enterprise_user(ctx)


def _enterprise_user(ctx: Any) -> None:
    from yingji.core.actions import create_user
    from yingji.core.auth import User
    from yingji.core.schemas import UserIn

    with ctx.database.session() as db:
        if db.scalar(select(User.id).where(User.username == ENTERPRISE_USER)) is not None:
            return
        county = f"{ctx.city_code[:4]}02"  # the city's first district (鼓楼区 in Fuzhou)
        unit = db.scalar(select(Unit).where(Unit.synthetic.is_(True), Unit.division_code.startswith(county))
                         .order_by(Unit.id).limit(1))
        if unit is None:
            return
        password = secrets.token_urlsafe(10)
        create_user(db, ctx.actor, UserIn(username=ENTERPRISE_USER, display_name=f"{unit.name[:80]}安全管理员（演示）",
                                          role="enterprise_manager", scope_code=unit.division_code,
                                          unit_id=unit.id, password=password))
    ctx.record_user(ENTERPRISE_USER, password, "enterprise_manager", unit.name)
    ctx.console.print(f"企业演示账号：{ENTERPRISE_USER} 密码 {password}（单位：{unit.name}）")
