"""The routing demo seed: one synthetic flooded-underpass closure, once, one audit record; the
router applies it (SQLite)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.integration.demo import demo_context
from yingji.core.audit import AuditRecord
from yingji.routing import seed, service
from yingji.routing.models import RoadClosure


def test_routing_seed_loads_once_and_closes_links(tmp_path, reference_data):
    ctx = demo_context(tmp_path, reference_data)
    database = ctx.database
    seed.load(ctx)
    seed.load(ctx)  # idempotent
    with database.session() as s:
        rows = s.scalars(select(RoadClosure)).all()
        assert len(rows) == 1 and rows[0].synthetic and rows[0].state == "active" and rows[0].links_affected > 0
        assert rows[0].division_code == "350103"
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.action == "routing.demo_loaded")) == 1
        router = service.get_router(s)
        assert router.closed_link_count() == rows[0].links_affected
        service.reset_router()  # other tests start from an unclosed network
    database.dispose()
