"""One sample call per elevators action for tests/integration/test_actions_walk.py."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from yingji.core.auth import system_principal
from yingji.core.db import utcnow

TOWN = "350102003"
STUCK = {"state": 0, "door": 0, "levelling": 0, "occupied": 1, "fault": 0, "floor": 3}
Sample = Callable[[Any, dict[str, Any]], Callable[[], Any]]


def _elevator(s: Any) -> tuple[int, str]:
    from yingji.elevators import actions
    from yingji.elevators.schemas import ElevatorIn
    from yingji.monitoring import actions as mo
    from yingji.monitoring.schemas import PointIn

    code = f"AWE-{uuid.uuid4().hex[:10]}"
    mo.create_point(s, system_principal(), PointIn(code=code, name="巡检电梯终端", device_type="elevator",
                                                    division_code=TOWN, lon=119.3, lat=26.08))
    e = actions.register(s, system_principal(), ElevatorIn(
        registration_code=uuid.uuid4().hex[:20], device_code=code, address="巡检路", division_code=TOWN,
        maintenance_company="巡检维保"))
    return e.id, code


def _messages(code: str) -> list[Any]:
    from yingji.monitoring.ingest import Message

    t0 = utcnow() - timedelta(minutes=5)
    return [Message({"device": code, "ts": (t0 + timedelta(seconds=k * 10)).isoformat(), "values": STUCK})
            for k in range(8)]


def SAMPLES(tmp_path: Any) -> dict[str, Sample]:
    from sqlalchemy import select

    from yingji.elevators import actions as el
    from yingji.elevators.models import Rescue
    from yingji.elevators.schemas import ElevatorIn, RescueActionIn
    from yingji.monitoring.ingest import store_batch

    s_ = system_principal()

    def readings(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        _, code = _elevator(s)
        return lambda: store_batch(s, _messages(code))  # the ingest sends the hook in its transaction

    def rescue(s: Any) -> int:
        eid, code = _elevator(s)
        store_batch(s, _messages(code))
        return s.scalar(select(Rescue.id).where(Rescue.elevator_id == eid))

    def escalate(s: Any, ctx: dict[str, Any]) -> Callable[[], Any]:
        rescue(s)
        return lambda: el.escalate(s, system_principal(TOWN), utcnow() + timedelta(minutes=10))

    return {
        "yingji.elevators.actions.register": lambda s, ctx: lambda: el.register(s, s_, ElevatorIn(
            registration_code=uuid.uuid4().hex[:20], device_code=f"AWR-{uuid.uuid4().hex[:8]}", address="巡检路",
            division_code=TOWN, maintenance_company="巡检维保")),
        "yingji.elevators.actions.readings_stored": readings,
        "yingji.elevators.actions.act": lambda s, ctx: (lambda rid: lambda: el.act(
            s, s_, rid, RescueActionIn(action="acknowledge")))(rescue(s)),
        "yingji.elevators.actions.escalate": escalate,
    }
