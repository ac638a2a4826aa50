"""One sample call per dispatch action (test_actions_walk.py): prepare, then return the action alone."""

from __future__ import annotations

import itertools
from typing import Any

from tests.integration.samples_dispatch import EXPERT_HEADER, FORCE_HEADER, VEHICLE_HEADER, FakeRouter, _xlsx
from yingji.core.auth import system_principal

SYSTEM = system_principal()
TOWN = "350102003"
_n = itertools.count(1)


def _force(s: Any, ctx: dict[str, Any], types: tuple[str, ...] = ("water_tender", "rescue")) -> int:
    from yingji.dispatch import actions
    from yingji.dispatch.schemas import ForceIn, VehicleIn

    if "force" not in ctx:
        n = next(_n)
        f = actions.create_force(s, SYSTEM, ForceIn(code=f"AW{n:05d}", name=f"动作巡检消防站{n}", kind="station",
                                                    division_code=TOWN, lon=119.30, lat=26.08))
        ctx["force"] = f.id
        ctx["vehicles"] = [actions.create_vehicle(s, SYSTEM, VehicleIn(
            force_id=f.id, callsign=f"动作巡检{n}-{i}", vehicle_type=t)).id for i, t in enumerate(types)]
        ctx["code"] = f.code
    return ctx["force"]


def _order(s: Any, ctx: dict[str, Any]) -> int:
    from yingji.dispatch import actions
    from yingji.dispatch.schemas import OrderIn, PickIn

    _force(s, ctx)
    return actions.issue_order(s, SYSTEM, OrderIn(
        lon=119.2965, lat=26.0845, division_code=TOWN, incident_type="fire",
        vehicles=[PickIn(vehicle_id=ctx["vehicles"][0], unit_type="water_tender")]), router=FakeRouter()).id


def SAMPLES(tmp_path: Any) -> dict[str, Any]:
    from yingji.dispatch import actions as dp
    from yingji.dispatch.schemas import (
        AddUnitsIn,
        ExpertIn,
        ForceIn,
        OrderIn,
        PickIn,
        RaiseIn,
        StatusIn,
        VehicleIn,
    )

    def force_file(ctx: dict[str, Any]) -> bytes:
        n = next(_n)
        return _xlsx([FORCE_HEADER, [f"IM{n:05d}", f"导入消防站{n}", "消防救援站", "二级站", "危险化学品、水域救援",
                                     TOWN, "", 119.31, 26.07, 25]])

    return {
        "yingji.dispatch.actions.create_force": lambda s, ctx: (lambda: dp.create_force(s, SYSTEM, ForceIn(
            code=f"CF{next(_n):05d}", name="动作巡检站", kind="professional", specialties=["hazchem"],
            division_code=TOWN, lon=119.3, lat=26.08))),
        "yingji.dispatch.actions.create_vehicle": lambda s, ctx: (_force(s, ctx), lambda: dp.create_vehicle(
            s, SYSTEM, VehicleIn(force_id=ctx["force"], callsign=f"CV{next(_n)}", vehicle_type="foam")))[1],
        "yingji.dispatch.actions.create_expert": lambda s, ctx: (lambda: dp.create_expert(s, SYSTEM, ExpertIn(
            name="动作巡检专家", specialties=["hazchem"], division_code=TOWN))),
        "yingji.dispatch.actions.import_forces": lambda s, ctx: (lambda: dp.import_forces(
            s, SYSTEM, force_file(ctx), "forces.xlsx")),
        "yingji.dispatch.actions.import_vehicles": lambda s, ctx: (_force(s, ctx), lambda: dp.import_vehicles(
            s, SYSTEM, _xlsx([VEHICLE_HEADER, [f"IV{next(_n)}", ctx["code"], "抢险救援车", "破拆、照明", 5]]),
            "vehicles.xlsx"))[1],
        "yingji.dispatch.actions.import_experts": lambda s, ctx: (lambda: dp.import_experts(
            s, SYSTEM, _xlsx([EXPERT_HEADER, ["导入专家", "危险化学品、火灾扑救", "省化工设计院", "高级工程师", "13800001234",
                                              TOWN]]), "experts.xlsx")),
        "yingji.dispatch.actions.set_vehicle_status": lambda s, ctx: (_force(s, ctx), lambda: dp.set_vehicle_status(
            s, SYSTEM, ctx["vehicles"][1], StatusIn(status="out_of_service", note="保养")))[1],
        "yingji.dispatch.actions.issue_order": lambda s, ctx: (_force(s, ctx), lambda: dp.issue_order(
            s, SYSTEM, OrderIn(lon=119.2965, lat=26.0845, division_code=TOWN, incident_type="fire", incident_id=7,
                               vehicles=[PickIn(vehicle_id=ctx["vehicles"][0], unit_type="water_tender")]),
            router=FakeRouter()))[1],
        "yingji.dispatch.actions.raise_grade": lambda s, ctx: (ctx.__setitem__("order", _order(s, ctx)),
                                                               lambda: dp.raise_grade(s, SYSTEM, ctx["order"], RaiseIn(
                                                                   grade=3, reason="火势扩大")))[1],
        "yingji.dispatch.actions.add_units": lambda s, ctx: (ctx.__setitem__("order", _order(s, ctx)),
                                                             lambda: dp.add_units(s, SYSTEM, ctx["order"], AddUnitsIn(
                                                                 vehicles=[PickIn(vehicle_id=ctx["vehicles"][1],
                                                                                  unit_type="rescue")]),
                                                                 router=FakeRouter()))[1],
    }
