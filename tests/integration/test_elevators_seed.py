"""The elevators demo seed (合成, fixed seed, idempotent, one summary audit record), the statistics per
company, district, building and elevator over it, and the simulated day's trapped elevator opening a
rescue through the monitoring ingest (SQLite)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.integration.demo import demo_context
from yingji.core.audit import AuditRecord
from yingji.core.auth import system_principal
from yingji.core.db import utcnow
from yingji.core.divisions import Dataset
from yingji.elevators import seed as elevators_seed
from yingji.elevators import service
from yingji.elevators.models import Elevator, Rescue
from yingji.monitoring.ingest import Message, store_batch
from yingji.monitoring.models import LatestValue, MonitoringPoint
from yingji.monitoring.simulate import SimPoint, scenario
from yingji.units import seed as units_seed


def test_elevator_demo_statistics_and_the_trapped_scenario(tmp_path, reference_data):
    ctx = demo_context(tmp_path, reference_data)
    database = ctx.database
    units_seed.load(ctx)
    for _ in range(2):  # idempotent
        elevators_seed.load(ctx)
    with database.session() as s:
        n = s.scalar(select(func.count()).select_from(Elevator))
        assert 300 <= n <= 2000, n
        assert s.scalar(select(func.count()).select_from(Elevator).where(Elevator.synthetic.is_(False))) == 0
        # every elevator has its IoT terminal (a monitoring point of type elevator) with a latest value
        terminals = s.scalar(select(func.count()).select_from(MonitoringPoint)
                             .where(MonitoringPoint.device_type == "elevator"))
        assert terminals == n
        assert s.scalar(select(func.count(func.distinct(LatestValue.point_id))).join(
            MonitoringPoint, MonitoringPoint.id == LatestValue.point_id)
            .where(MonitoringPoint.device_type == "elevator")) == n
        assert all("合成" in name for name in s.scalars(select(Elevator.maintenance_company).distinct()))
        assert s.scalar(select(func.count()).select_from(Elevator).where(Elevator.user_unit_id.is_not(None))) > 0
        assert len(set(s.scalars(select(func.substr(Elevator.division_code, 1, 6))))) >= 10  # every county
        rescues = s.scalar(select(func.count()).select_from(Rescue))
        assert rescues >= 10
        ds = s.get(Dataset, elevators_seed.DATASET_KEY)
        assert ds.synthetic and "seed=" in ds.method and ds.record_count == n
        assert s.scalar(select(func.count()).select_from(AuditRecord)
                        .where(AuditRecord.action == "elevators.demo_loaded")) == 1
        stats = service.stats(s, system_principal())
    assert sum(r["rescues"] for r in stats["by_company"]) == rescues
    assert sum(r["rescues"] for r in stats["by_building"]) <= rescues and stats["by_building"][0]["key"]
    assert all(r["name"] and not r["name"].isdigit() for r in stats["by_district"])  # counties by name
    assert stats["by_elevator"][0]["registration_code"] and stats["by_elevator"][0]["building"]
    assert all(3 <= r["mean_arrival_min"] <= 60 for r in stats["by_company"])

    # the simulated day's trapped elevator: a rescue opened and the maintenance company notified
    with database.session() as s:
        lifts = [SimPoint(c, t, d) for c, t, d in s.execute(
            select(MonitoringPoint.code, MonitoringPoint.device_type, MonitoringPoint.division_code)
            .where(MonitoringPoint.device_type == "elevator").order_by(MonitoringPoint.code).limit(20))]
    messages = list(scenario(lifts, utcnow() - timedelta(hours=2), hours=2, step_minutes=10))
    trapped = [m for m in messages if m["values"]["occupied"] == 1 and m["values"]["levelling"] == 0]
    assert {m["device"] for m in trapped} == {lifts[0].code} and len(trapped) == 3
    with database.session() as s:
        store_batch(s, [Message(m, source="simulate") for m in messages])
    with database.session() as s:
        opened = list(s.execute(select(Rescue).join(Elevator, Elevator.id == Rescue.elevator_id)
                                .where(Elevator.device_code == lifts[0].code, Rescue.state == "notified")).scalars())
    assert len(opened) == 1 and opened[0].notices[0]["tier"] == "maintenance"
    assert opened[0].notified_at - opened[0].detected_at < timedelta(hours=3)
    database.dispose()
