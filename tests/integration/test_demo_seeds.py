"""The supervision demo seeds (units → risk sources → hazards → enforcement), each its package's own:
bulk, reproducible, idempotent, one summary audit record each (SQLite)."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from tests.integration.demo import demo_context
from yingji.core.actions import load_reference
from yingji.core.audit import AuditRecord
from yingji.core.auth import User, system_principal
from yingji.core.divisions import Dataset
from yingji.hazards import seed as hazards_seed
from yingji.hazards.models import Hazard, SupervisionListing
from yingji.risk import seed as risk_seed
from yingji.risk.models import RiskAssessment, RiskSource
from yingji.units import seed as units_seed
from yingji.units.models import Unit


def test_demo_seeds_load_once_in_dependency_order(tmp_path, reference_data):
    ctx = demo_context(tmp_path, reference_data)
    database = ctx.database
    t = time.perf_counter()
    for seed in (units_seed, risk_seed, hazards_seed):
        seed.load(ctx)
    assert time.perf_counter() - t < 90
    for seed in (units_seed, risk_seed, hazards_seed):
        seed.load(ctx)  # idempotent
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Unit)) == 3000
        assert s.scalar(select(func.count()).select_from(RiskSource)) == 8860
        assert s.scalar(select(func.count()).select_from(RiskAssessment)) == 8860
        assert s.scalar(select(func.count()).select_from(RiskSource)
                        .where(RiskSource.latest_assessment_id.is_(None))) == 0
        # the units' derived risk level is the highest of their sources (stored by the risk seed)
        assert s.scalar(select(func.count()).select_from(Unit).where(Unit.risk_level.is_not(None))) > 2000
        assert s.scalar(select(func.count()).select_from(Hazard)) == 3000
        codes = s.scalars(select(Hazard.code)).all()
        assert all(re.fullmatch(r"YH20\d\d\d{6}", c) for c in codes)  # one format, from the hazard's id
        offices = set(s.scalars(select(SupervisionListing.listed_by)))
        assert offices and all(o.endswith("安全生产委员会办公室") for o in offices)
        assert not any(o.startswith("县（市、区）") for o in offices)  # the county's real name, not a placeholder
        for action in ("units.demo_loaded", "risk.demo_loaded", "hazards.demo_loaded"):
            assert s.scalar(select(func.count()).select_from(AuditRecord)
                            .where(AuditRecord.action == action)) == 1
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.entity_type.in_(["unit", "risk_source", "hazard"]))) == 0
        for key in (units_seed.DATASET_KEY, risk_seed.DATASET_KEY, hazards_seed.DATASET_KEY):
            ds = s.get(Dataset, key)
            assert ds is not None and ds.synthetic and "seed=" in ds.method
        ent = s.scalar(select(User).where(User.username == units_seed.ENTERPRISE_USER))
        unit = s.get(Unit, ent.unit_id)
        assert ent.role == "enterprise_manager" and unit.division_code.startswith("350102")
    assert "ent_demo" in (tmp_path / "demo-users.txt").read_text()
    database.dispose()


def test_loading_the_same_reference_data_again_changes_and_audits_nothing(database, reference_data):
    """`yingji demo load` twice: the second run of the divisions step must be a no-op (it used to
    rewrite every dataset's load time without an audit record, which the write guard refuses)."""
    with database.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditRecord))
        summary = load_reference(s, system_principal(), *reference_data)
        after = s.scalar(select(func.count()).select_from(AuditRecord))
    assert (summary.created, summary.updated) == (0, 0) and after == before
