"""Demo duty roster (合成) for ``yingji demo load``: a month (15 days back, 15 ahead) of 24-hour duty for
the city bureau and every county bureau — a leader on duty and an officer each day, synthetic names
and phone numbers (fixed seed). One summary audit record and event; idempotent (a dataset row)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from yingji.core import audit, events
from yingji.core.db import atomic
from yingji.core.divisions import Dataset, Division
from yingji.core.timeutil import local_date
from yingji.duty.models import DutyShift
from yingji.duty.service import shift_window

DATASET_KEY = "demo-duty-synthetic"
SURNAMES = "陈林黄张李王吴刘蔡杨郑许谢郭洪邱曾廖赖周"
GIVEN = ["建华", "志强", "秀英", "海燕", "文斌", "丽娟", "国平", "晓东", "美玲", "少华", "振宇", "雅琴"]


def load(ctx: Any) -> None:
    rng = random.Random(ctx.seed)
    actor = ctx.actor
    with ctx.database.session() as db, atomic(db):
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("值班演示数据已存在，跳过")
            return
        bureaus = [ctx.city_code] + list(db.scalars(select(Division.code).where(
            Division.level == "county", Division.code.startswith(ctx.city_code[:4])).order_by(Division.code)))
        bureaus = [b for b in bureaus if db.get(Division, b) is not None]
        today = local_date(ctx.now)
        n = 0
        for bureau in bureaus:
            leaders = [f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}" for _ in range(5)]
            officers = [f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}" for _ in range(8)]
            for k in range(-15, 16):
                day = today + timedelta(days=k)
                starts, ends = shift_window(day)
                for role, pool in (("leader", leaders), ("officer", officers)):
                    name = pool[(k + 15) % len(pool)]
                    db.add(DutyShift(division_code=bureau, day=day, role=role, name=name,
                                     phone=f"0591-8{rng.randrange(10**6):06d}", starts_at=starts, ends_at=ends,
                                     synthetic=True))
                    n += 1
        db.add(Dataset(key=DATASET_KEY, name="演示值班表（合成）", source="合成数据，由平台生成（姓名、电话为虚构）",
                       licence="项目自有", datum="", synthetic=True, method="固定随机种子生成一个月的带班与值班安排",
                       record_count=n))
        audit.record(db, actor, "duty.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after={"shifts": n})
        events.emit(db, "duty.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"载入演示值班表 {n} 班次（合成）", payload={"shifts": n})
    ctx.console.print(f"值班演示数据：{n} 班次（合成）")
