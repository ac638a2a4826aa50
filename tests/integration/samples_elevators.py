"""Jurisdiction-walk samples of the elevators domain (county A: 鼓楼区 350102001)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from tests.integration.samples_hazards import TOWNSHIP_A
from tests.integration.samples_monitoring import make_point
from yingji.core.auth import system_principal
from yingji.core.db import Database, utcnow

STUCK = {"state": 0, "door": 0, "levelling": 0, "occupied": 1, "fault": 0, "floor": 3}


def make_elevator(db: Database, division_code: str = TOWNSHIP_A, company: str = "福州示例电梯维保公司") -> tuple[int, str]:
    from yingji.elevators import actions
    from yingji.elevators.schemas import ElevatorIn

    _, code = make_point(db, "elevator", division_code=division_code, code=f"EL-{uuid.uuid4().hex[:10]}")
    with db.session() as s:
        e = actions.register(s, system_principal(), ElevatorIn(
            registration_code=uuid.uuid4().hex[:20].upper(), device_code=code, address="示例路 1 号", building="1 号楼",
            division_code=division_code, maintenance_company=company))
        return e.id, code


def trap(db: Database, code: str, start=None) -> list[int]:  # type: ignore[no-untyped-def]
    """Readings of a car stuck between floors with someone inside, 70 s long: a rescue opens."""
    from yingji.monitoring.ingest import Message, store_batch

    t0 = start or utcnow() - timedelta(minutes=2)
    with db.session() as s:
        store_batch(s, [Message({"device": code, "ts": (t0 + timedelta(seconds=k * 10)).isoformat(), "values": STUCK})
                        for k in range(8)])
    from sqlalchemy import select

    from yingji.elevators.models import Elevator, Rescue

    with db.session() as s:
        eid = s.scalar(select(Elevator.id).where(Elevator.device_code == code))
        return list(s.scalars(select(Rescue.id).where(Rescue.elevator_id == eid)))


def _rescue(db: Database, ctx: dict[str, Any]) -> int:
    if "rescue_id" not in ctx:
        _, code = make_elevator(db)
        ctx["rescue_id"] = trap(db, code)[0]
    return ctx["rescue_id"]


PATH_SAMPLES = {"rescue_id": _rescue}

WRITE_BODIES = {
    ("POST", "/api/v1/elevators"): lambda ctx: {
        "registration_code": uuid.uuid4().hex[:20], "device_code": f"X-{uuid.uuid4().hex[:8]}", "address": "越权路",
        "division_code": TOWNSHIP_A, "maintenance_company": "越权维保"},
    ("POST", "/api/v1/elevators/rescues/{rescue_id}/actions"): lambda ctx: {"action": "acknowledge"},
}
