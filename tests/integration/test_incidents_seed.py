"""The incidents and duty demo seeds: synthetic, labelled, idempotent, one summary audit record each."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.integration.demo import demo_context
from yingji.core.audit import AuditRecord
from yingji.core.divisions import Dataset
from yingji.duty import seed as duty_seed
from yingji.duty.models import DutyShift
from yingji.incidents import seed as incidents_seed
from yingji.incidents.models import Call, Incident, Report


def test_incidents_and_duty_demo(tmp_path, reference_data):
    ctx = demo_context(tmp_path, reference_data)
    database = ctx.database
    for _ in range(2):  # idempotent
        duty_seed.load(ctx)
        incidents_seed.load(ctx)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(DutyShift)) >= 31 * 2 * 10
        n = s.scalar(select(func.count()).select_from(Incident))
        assert n >= 10 and s.scalar(select(func.count()).select_from(Call)) == n
        assert s.scalar(select(func.count()).select_from(Incident).where(Incident.synthetic.is_(False))) == 0
        assert len(set(s.scalars(select(func.substr(Incident.division_code, 1, 6))))) >= 6  # across counties
        assert len(set(s.scalars(select(Incident.type)))) >= 8  # across types
        assert s.scalar(select(func.count()).select_from(Report)) >= 5
        for key, action in ((duty_seed.DATASET_KEY, "duty.demo_loaded"),
                            (incidents_seed.DATASET_KEY, "incidents.demo_loaded")):
            assert s.get(Dataset, key).synthetic
            assert s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == action)) == 1
    database.dispose()
