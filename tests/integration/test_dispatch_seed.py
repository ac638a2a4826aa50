"""The dispatch demo seed: stations on road-network nodes in the central city, stations in every
outer county, teams, vehicles and experts; labelled synthetic, reproducible, idempotent (SQLite)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.integration.demo import demo_context
from yingji.core.divisions import Dataset
from yingji.dispatch import seed
from yingji.dispatch.models import Expert, Force, Vehicle


def test_dispatch_seed(tmp_path, reference_data):
    ctx = demo_context(tmp_path, reference_data)
    database = ctx.database
    seed.load(ctx)
    seed.load(ctx)  # idempotent
    with database.session() as s:
        forces = s.scalars(select(Force)).all()
        assert len(forces) >= 45 and all(f.synthetic for f in forces)
        counties = {f.division_code[:6] for f in forces if f.kind == "station"}
        assert len(counties) >= 12  # the outer counties have stations too
        kinds = {f.kind for f in forces}
        assert kinds == {"station", "professional", "social", "volunteer", "military"}
        assert s.scalar(select(func.count()).select_from(Vehicle)) >= 150
        assert s.scalar(select(func.count()).select_from(Expert)) == 30
        ds = s.get(Dataset, seed.DATASET_KEY)
        assert ds.synthetic and "seed=" in ds.method and ds.record_count == len(forces)
    try:
        from yingji.routing.service import get_router
    except ImportError:  # pragma: no cover
        return
    net = get_router().network
    nodes = {(round(float(x), 7), round(float(y), 7)) for x, y in zip(net.lon, net.lat)}
    central = [f for f in forces if f.kind == "station" and f.code.startswith("FZ-XF")]
    assert len(central) >= 20 and all((round(f.lon, 7), round(f.lat, 7)) in nodes for f in central)
