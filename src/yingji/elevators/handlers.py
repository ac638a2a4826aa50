"""The elevators domain takes part in the monitoring ingest: readings of hooked device types (the
elevator terminals) arrive inside the ingest batch's transaction (hook ``monitoring.readings_stored``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.elevators import actions


@hooks.handler("monitoring.readings_stored")
def on_readings(db: Session, actor: Any, *, readings: list[dict[str, Any]]) -> None:
    actions.readings_stored(db, actor, readings)
