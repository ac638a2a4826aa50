"""Demo enforcement data: the 2026 annual plan for every unit, a few synthetic penalties and
blacklist entries. Idempotent (skips when the plan exists); one audit record per action."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from yingji.core import audit, events
from yingji.core.city import city_profile
from yingji.core.db import atomic
from yingji.core.timeutil import local_tz
from yingji.enforcement import actions
from yingji.enforcement.models import BlacklistEntry, InspectionPlan, Penalty
from yingji.enforcement.schemas import PlanGenerateIn
from yingji.units.models import Unit

YEAR = 2026


def load(ctx: Any) -> None:
    actor = ctx.actor
    tz = local_tz()
    prefix = city_profile().penalty_prefix
    with ctx.database.session() as db:
        if db.scalar(select(InspectionPlan.id).where(InspectionPlan.year == YEAR,
                                                     InspectionPlan.division_code == ctx.city_code)) is not None:
            ctx.console.print("执法检查演示数据已存在，跳过")
            return
        if db.scalar(select(Unit.id).limit(1)) is None:
            ctx.console.print("没有生产经营单位，跳过执法检查演示数据")
            return
        plan = actions.generate_plan(db, actor, PlanGenerateIn(year=YEAR, division_code=ctx.city_code, seed=YEAR))
        units = db.execute(select(Unit.id, Unit.division_code).order_by(Unit.id)).all()
        picked = units[7::max(1, len(units) // 24)][:24]
        with atomic(db):
            pen = [{"unit_id": u.id, "division_code": u.division_code,
                    "decision_no": f"{prefix}〔{YEAR}〕演{k + 1:03d}号",
                    "amount_yuan": Decimal(10000 + 5000 * (k % 9)), "reason": "未按规定开展事故隐患排查治理（演示数据）",
                    "decided_at": datetime(YEAR, 1 + k % 10, 5 + k % 20, 9, tzinfo=tz), "synthetic": True,
                    "actor": "demo", "created_at": datetime(YEAR, 11, 1, tzinfo=tz)} for k, u in enumerate(picked[:20])]
            black = [{"unit_id": u.id, "division_code": u.division_code, "reason": "重大事故隐患逾期未整改（演示数据）",
                      "listed_at": datetime(YEAR, 3 + k, 1, tzinfo=tz),
                      "removed_at": datetime(YEAR, 9, 1, tzinfo=tz) if k == 0 else None,
                      "removal_reason": "整改到位，信用修复（演示数据）" if k == 0 else None, "synthetic": True,
                      "actor": "demo"} for k, u in enumerate(picked[20:24])]
            if pen:
                db.execute(insert(Penalty), pen)
            if black:
                db.execute(insert(BlacklistEntry), black)
            audit.record(db, actor, "enforcement.demo_loaded", "dataset", "fuzhou-enforcement-synthetic",
                         division_code=actor.scope_code, after={"penalties": len(pen), "blacklist": len(black)})
            events.emit(db, "enforcement.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                        summary=f"执法检查演示数据：处罚 {len(pen)} 条，黑名单 {len(black)} 条",
                        payload={"penalties": len(pen), "blacklist": len(black)})
    ctx.console.print(f"执法检查演示数据：{YEAR} 年度计划 {plan.item_count} 次检查，处罚 {len(pen)} 条，黑名单 {len(black)} 条")
