"""The warnings demo seed: a typhoon warning's CAP chain (Alert → Update → Cancel) and an active
rainstorm yellow warning; idempotent, one summary audit record, schema-valid CAP (SQLite)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.integration.demo import demo_context
from yingji.core.audit import AuditRecord
from yingji.warnings import cap, seed, service
from yingji.warnings.models import EarlyWarning, WarningVersion


def test_seed_writes_the_historical_chain_once(tmp_path, reference_data):
    ctx = demo_context(tmp_path, reference_data)
    database = ctx.database
    seed.load(ctx)
    seed.load(ctx)  # idempotent
    with database.session() as s:
        ws = {w.hazard_type: w for w in s.execute(select(EarlyWarning)).scalars()}
        assert set(ws) == {"typhoon", "rainstorm"} and all(w.synthetic for w in ws.values())
        chain = list(s.execute(select(WarningVersion).where(WarningVersion.warning_id == ws["typhoon"].id)
                               .order_by(WarningVersion.version)).scalars())
        assert [v.msg_type for v in chain] == ["Alert", "Update", "Cancel"]
        assert [v.level for v in chain] == ["orange", "red", "red"]
        assert chain[2].references.count(",") == 2 and chain[0].identifier in chain[2].references
        assert all(cap.validate(v.cap_xml.encode()) == [] for v in chain)
        assert ws["typhoon"].status == "cancelled" and ws["rainstorm"].status == "active"
        assert [r["label"] for r in service.active_public(s)] == ["暴雨黄色预警"]
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.action == "warnings.demo_loaded")) == 1
