"""The risk demo seed: bulk, reproducible, idempotent, one summary audit record (SQLite)."""

from __future__ import annotations

import time

from rich.console import Console
from sqlalchemy import func, select

from yingji.core.actions import load_reference
from yingji.core.audit import AuditRecord
from yingji.core.auth import User, system_principal
from yingji.core.db import Database
from yingji.core.divisions import Dataset
from yingji.core.migrate import upgrade
from yingji.demo import DemoContext
from yingji.risk import seed
from yingji.risk.models import RiskAssessment, RiskSource, Unit


def test_demo_seed_loads_once_quickly_with_one_audit_record(tmp_path, reference_data):
    url = f"sqlite:///{tmp_path / 'seed.db'}"
    upgrade(url)
    database = Database(url)
    with database.session() as s:
        load_reference(s, system_principal(), *reference_data)
    ctx = DemoContext(database=database, console=Console(quiet=True), progress_factory=lambda: None,
                      data_dir=tmp_path, city_code="350100")
    t = time.perf_counter()
    seed.load(ctx)
    assert time.perf_counter() - t < 45
    seed.load(ctx)  # idempotent
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 3000
        assert s.scalar(select(func.count()).select_from(RiskSource)) == 8860
        assert s.scalar(select(func.count()).select_from(RiskAssessment)) == 8860
        assert s.scalar(select(func.count()).select_from(RiskSource)
                        .where(RiskSource.latest_assessment_id.is_(None))) == 0
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.action == "risk.demo_loaded")) == 1
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.entity_type.in_(["unit", "risk_source"]))) == 0
        ds = s.get(Dataset, seed.DATASET_KEY)
        assert ds is not None and ds.synthetic and "seed=" in ds.method
        ent = s.scalar(select(User).where(User.username == seed.ENTERPRISE_USER))
        unit = s.get(Unit, ent.unit_id)
        assert ent.role == "enterprise_manager" and unit.division_code.startswith("350102")
    assert "ent_demo" in (tmp_path / "demo-users.txt").read_text()
    demo = seed.demo_dataset(ctx)
    assert len(demo.unit_ids) == 3000 and len(demo.source_ids) == 8860 and demo.dataset.hazards
    database.dispose()
