"""The demo gazetteer: the 110 seed names and 37 hospitals, placed by point-in-polygon, found by locate."""

from __future__ import annotations

from types import SimpleNamespace

from rich.console import Console
from sqlalchemy import func, select

from yingji.core.auth import system_principal
from yingji.places import seed, service
from yingji.places.models import Place


def test_seed_loads_real_names_and_locates_them(database):
    ctx = SimpleNamespace(database=database, console=Console(quiet=True), actor=system_principal(), seed=1)
    seed.load(ctx)
    seed.load(ctx)  # idempotent
    service.invalidate()
    service._divisions = None
    with database.session() as s:
        by_source = dict(s.execute(select(Place.source, func.count()).group_by(Place.source)).all())
        assert by_source[seed.SEED_KEY] == 110 and by_source[seed.HOSPITALS_KEY] == 37
        outside = s.scalar(select(func.count()).select_from(Place).where(Place.county_code.is_(None)))
        assert outside <= 3  # a few seed points lie offshore / outside the boundaries
        m = service.locate(s, "三叉街地铁站出口那边一辆电动车着火了")[0]
        assert (m.name, m.kind, m.county_code) == ("三叉街", "metro", "350104")
        m = service.locate(s, "鼓楼")[0]  # GeoNames gives 福州市 the alias 鼓楼: the county comes first
        assert (m.name, m.kind, m.matched_on) == ("鼓楼区", "county", "简称")
        m = service.locate(s, "长乐机场")[0]
        assert m.kind == "airport" and m.county_code == "350112"
        m = service.locate(s, "福州市传染病医院")[0]
        assert m.kind == "hospital" and m.county_code is not None
    service.invalidate()
