"""The incidents and duty demo seeds: synthetic, labelled, idempotent, one summary audit record each."""

from __future__ import annotations

from rich.console import Console
from sqlalchemy import func, select

from yingji.core.actions import load_reference
from yingji.core.audit import AuditRecord
from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.core.divisions import Dataset
from yingji.core.migrate import upgrade
from yingji.demo import DemoContext
from yingji.duty import seed as duty_seed
from yingji.duty.models import DutyShift
from yingji.incidents import seed as incidents_seed
from yingji.incidents.models import Call, Incident, Report


def test_incidents_and_duty_demo(tmp_path, reference_data):
    url = f"sqlite:///{tmp_path / 'seed.db'}"
    upgrade(url)
    database = Database(url)
    with database.session() as s:
        load_reference(s, system_principal(), *reference_data)
    ctx = DemoContext(database=database, console=Console(quiet=True), progress_factory=lambda: None,
                      data_dir=tmp_path, city_code="350100")
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
