"""Demo plans (合成) for ``yingji demo load``: Fuzhou's general plan and the typhoon, hazardous-chemicals
and high-rise-fire plans (see :mod:`yingji.plans.demo`), their versions, and one evaluated drill.
Idempotent (a dataset marker); ONE summary audit record and event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division
from yingji.plans.demo import DRILL, PLANS
from yingji.plans.models import ContingencyPlan, Drill, PlanVersion
from yingji.plans.service import types_column

DATASET_KEY = "demo-plans-synthetic"


def load(ctx: Any) -> None:
    actor = ctx.actor
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("应急预案演示数据已存在，跳过")
            return
        with atomic(db):
            at = ctx.now - timedelta(days=120)
            ids: dict[str, int] = {}
            for spec in PLANS:
                if db.get(Division, spec["division"]) is None:
                    continue
                p = ContingencyPlan(title=spec["title"], kind=spec["kind"], level=spec["level"],
                                    division_code=spec["division"], unit_id=None, department=spec["department"],
                                    incident_types=types_column(spec["content"]), state="draft",
                                    content=spec["content"], version=2, filing_no=spec["filing_no"],
                                    approved_at=at + timedelta(days=10),
                                    filed_at=at + timedelta(days=20) if spec["state"] == "filed" else None,
                                    synthetic=True, created_by="demo", created_at=at, updated_at=at + timedelta(days=20))
                db.add(p)
                db.flush()
                for number, state, note, when in ((1, "draft", "新建（初稿，演示）", at),
                                                  (2, "approved", "审批通过（演示）", at + timedelta(days=10))):
                    db.add(PlanVersion(plan_id=p.id, division_code=p.division_code, unit_id=None, number=number,
                                       state=state, title=p.title, content=spec["content"], note=note,
                                       created_by="demo", created_at=when))
                p.state = spec["state"]
                ids[spec["title"]] = p.id
            drills = 0
            if DRILL["plan"] in ids:
                plan = db.get(ContingencyPlan, ids[DRILL["plan"]])
                held = ctx.now - timedelta(days=DRILL["days_ago"])
                db.add(Drill(plan_id=plan.id, plan_title=plan.title, division_code=plan.division_code, unit_id=None,
                             title=DRILL["title"], kind=DRILL["kind"], held_at=held, location=DRILL["location"],
                             participants=DRILL["participants"], scenario=DRILL["scenario"], score=DRILL["score"],
                             findings=DRILL["findings"], evaluated_by="demo", evaluated_at=held + timedelta(days=2),
                             revision_version=None, synthetic=True, created_by="demo", created_at=held))
                drills = 1
            db.add(Dataset(key=DATASET_KEY, name="演示应急预案（合成）", source="合成数据，由平台生成",
                           licence="无（合成数据）", datum="—", synthetic=True,
                           method="yingji.plans.demo：总体预案与防台风、危化品事故、高层建筑火灾专项预案的结构化内容及一次演练；"
                                  "机构名称为通用称谓，数字为示意，均为虚构",
                           record_count=len(ids), loaded_at=utcnow()))
            db.flush()
            counts = {"plans": len(ids), "drills": drills}
            audit.record(db, actor, "plans.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                         after=counts)
            events.emit(db, "plans.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                        summary=f"应急预案演示数据已载入：{len(ids)} 个预案、{drills} 次演练", payload=counts)
    ctx.console.print(f"应急预案演示数据：{len(ids)} 个预案，{drills} 次演练")
