"""The plans demo seed: the general plan and three special plans with versions, one drill; idempotent;
one summary audit record; what dispatch would get from it (SQLite)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.integration.demo import demo_context
from yingji.core.audit import AuditRecord
from yingji.plans import seed, service
from yingji.plans.models import ContingencyPlan, Drill, PlanVersion


def test_plans_seed_loads_once_and_answers_dispatch(tmp_path, reference_data):
    ctx = demo_context(tmp_path, reference_data)
    database = ctx.database
    seed.load(ctx)
    seed.load(ctx)  # idempotent
    with database.session() as s:
        plans = s.scalars(select(ContingencyPlan).order_by(ContingencyPlan.id)).all()
        assert [p.title[:6] for p in plans] == ["福州市突发事", "福州市防台风", "福州市危险化", "鼓楼区高层建"]
        assert all(p.synthetic and "演示" in p.title for p in plans)
        assert {p.state for p in plans} == {"filed", "approved"}
        assert s.scalar(select(func.count()).select_from(PlanVersion)) == 8
        assert s.scalar(select(func.count()).select_from(Drill)) == 1
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.action == "plans.demo_loaded")) == 1
        typhoon = [m["title"] for m in service.matching_plans(s, "typhoon", 1)]
        assert typhoon[0].startswith("福州市防台风") and typhoon[-1].startswith("福州市突发事件总体")
        rows = service.resources_for(s, "fire_highrise", 2, "350102001")
        assert any(r["unit_type"] == "aerial_ladder" and r["count"] == 2 for r in rows)
        elsewhere = service.resources_for(s, "fire_highrise", 2, "350121001")  # a Gulou plan only in Gulou …
        assert elsewhere and {r["plan_id"] for r in elsewhere} == {plans[0].id}  # … the city's general plan anywhere
