"""Jurisdiction-walk samples of dispatch (forces, vehicles and an order in county A: 鼓楼区 350102001),
and the fake router the dispatch tests inject (straight line × 1.3 at 30 km/h, labelled)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from yingji.core.auth import system_principal
from yingji.core.db import Database

TOWNSHIP_A = "350102001"
POINT_A = (119.2965, 26.0845)  # 鼓楼区
_n = itertools.count(1)


@dataclass
class FakeTime:
    seconds: float
    meters: float
    model: str = "network"
    label: str = "测试路网"


@dataclass
class FakeRoute(FakeTime):
    coords: list[tuple[float, float]] = field(default_factory=list)


class FakeRouter:
    """Deterministic travel times for tests: 1.3 × straight line at 30 km/h; ``closed`` origins unreachable."""

    def __init__(self) -> None:
        self.calls = 0
        self.slow: dict[tuple[float, float], float] = {}

    @staticmethod
    def _m(a: tuple[float, float], b: tuple[float, float]) -> float:
        kx = 111320 * math.cos(math.radians((a[1] + b[1]) / 2))
        return 1.3 * math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * 110540)

    def travel_times(self, origins: list[tuple[float, float]], dest: tuple[float, float], at: Any = None) -> list[FakeTime]:
        self.calls += 1
        out = []
        for o in origins:
            m = self._m(o, dest)
            out.append(FakeTime(seconds=m / (30 / 3.6) * self.slow.get(tuple(o), 1.0), meters=m))
        return out

    def nearest(self, origins, dest, k=5, at=None):  # type: ignore[no-untyped-def]
        times = self.travel_times(origins, dest)
        return sorted(enumerate(times), key=lambda p: p[1].seconds)[:k]

    def route(self, origin: tuple[float, float], dest: tuple[float, float], at: Any = None) -> FakeRoute:
        t = self.travel_times([origin], dest)[0]
        mid = ((origin[0] + dest[0]) / 2, origin[1])
        return FakeRoute(seconds=t.seconds, meters=t.meters, coords=[origin, mid, dest])


def make_force(db: Database, *, division_code: str = TOWNSHIP_A, lon: float = 119.30, lat: float = 26.08,
               kind: str = "station", name: str | None = None, specialties: list[str] | None = None,
               vehicles: list[str] = ("water_tender", "water_tender", "rescue")) -> tuple[int, list[int]]:  # type: ignore[assignment]
    from yingji.dispatch import actions
    from yingji.dispatch.schemas import ForceIn, VehicleIn

    n = next(_n)
    with db.session() as s:
        f = actions.create_force(s, system_principal(), ForceIn(
            code=f"T{n:05d}", name=name or f"巡查样例消防站{n}", kind=kind, specialties=specialties or [],
            division_code=division_code, lon=lon, lat=lat, personnel=30))
        ids = [actions.create_vehicle(s, system_principal(), VehicleIn(
            force_id=f.id, callsign=f"样例{n}-{i}", vehicle_type=t, crew=5)).id for i, t in enumerate(vehicles)]
        return f.id, ids


def _force(db: Database, ctx: dict[str, Any]) -> int:
    if "dp_force" not in ctx:
        ctx["dp_force"], ctx["dp_vehicles"] = make_force(db)
    return ctx["dp_force"]


def _vehicle(db: Database, ctx: dict[str, Any]) -> int:
    _force(db, ctx)
    return ctx["dp_vehicles"][-1]


def _order(db: Database, ctx: dict[str, Any]) -> int:
    if "dp_order" not in ctx:
        from yingji.dispatch import actions
        from yingji.dispatch.schemas import OrderIn, PickIn

        _force(db, ctx)
        with db.session() as s:
            o = actions.issue_order(s, system_principal(), OrderIn(
                lon=POINT_A[0], lat=POINT_A[1], division_code=TOWNSHIP_A, incident_type="fire",
                address="巡查样例火场", vehicles=[PickIn(vehicle_id=ctx["dp_vehicles"][0], unit_type="water_tender")]),
                router=FakeRouter())
            ctx["dp_order"] = o.id
    return ctx["dp_order"]


def _xlsx(rows: list[list[Any]]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FORCE_HEADER = ["力量编号", "名称", "力量类别", "站级", "专业领域", "乡镇（街道）代码", "地址", "经度", "纬度", "人数"]
VEHICLE_HEADER = ["车辆呼号", "力量编号", "车辆类型", "性能与装备", "乘员"]
EXPERT_HEADER = ["姓名", "专业", "工作单位", "职称", "联系电话", "乡镇（街道）代码"]

PATH_SAMPLES = {"force_id": _force, "vehicle_id": _vehicle, "order_id": _order}

_POINT = {"lon": POINT_A[0], "lat": POINT_A[1], "division_code": TOWNSHIP_A, "incident_type": "fire"}

WRITE_BODIES = {
    ("POST", "/api/v1/dispatch/forces"): lambda ctx: {
        "code": "X-1", "name": "越权消防站", "kind": "station", "division_code": TOWNSHIP_A, "lon": 119.3, "lat": 26.08},
    ("POST", "/api/v1/dispatch/forces/import"): lambda ctx: {"__files__": {"file": ("f.xlsx", _xlsx([
        FORCE_HEADER, ["X-2", "越权站", "消防救援站", "一级站", "", TOWNSHIP_A, "", 119.3, 26.08, 20]]),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}},
    ("POST", "/api/v1/dispatch/vehicles"): lambda ctx: {
        "force_id": ctx.get("dp_force", 1), "callsign": "越权车", "vehicle_type": "water_tender"},
    ("POST", "/api/v1/dispatch/vehicles/import"): lambda ctx: {"__files__": {"file": ("v.xlsx", _xlsx([
        VEHICLE_HEADER, ["越权车2", "T00001", "水罐消防车", "", 4]]),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}},
    ("POST", "/api/v1/dispatch/vehicles/{vehicle_id}/status"): lambda ctx: {"status": "out_of_service"},
    ("POST", "/api/v1/dispatch/experts"): lambda ctx: {
        "name": "越权专家", "specialties": ["fire"], "division_code": TOWNSHIP_A},
    ("POST", "/api/v1/dispatch/experts/import"): lambda ctx: {"__files__": {"file": ("e.xlsx", _xlsx([
        EXPERT_HEADER, ["越权专家", "危险化学品", "", "", "", TOWNSHIP_A]]),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}},
    ("POST", "/api/v1/dispatch/recommendations"): lambda ctx: dict(_POINT),
    ("POST", "/api/v1/dispatch/routes"): lambda ctx: {"vehicle_id": ctx.get("dp_vehicles", [1])[-1],
                                                      "lon": POINT_A[0], "lat": POINT_A[1]},
    ("POST", "/api/v1/dispatch/orders"): lambda ctx: dict(_POINT) | {
        "vehicles": [{"vehicle_id": ctx.get("dp_vehicles", [1])[-1], "unit_type": "rescue"}]},
    ("POST", "/api/v1/dispatch/orders/{order_id}/raise"): lambda ctx: {"grade": 5, "reason": "越权"},
    ("POST", "/api/v1/dispatch/orders/{order_id}/units"): lambda ctx: {
        "vehicles": [{"vehicle_id": ctx.get("dp_vehicles", [1])[-1], "unit_type": "rescue"}]},
}
BULK_REPORTS = {("POST", "/api/v1/dispatch/forces/import"), ("POST", "/api/v1/dispatch/vehicles/import"),
                ("POST", "/api/v1/dispatch/experts/import")}
