"""Reads of the elevators domain: elevators, open rescues with their timers, statistics."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.scope import scoped
from yingji.elevators.models import Elevator, Rescue
from yingji.elevators.rules import default_config, maintenance_score, summarise


def elevators(db: Session, principal: Principal, limit: int = 500) -> list[Elevator]:
    return list(db.execute(scoped(principal, Elevator).order_by(Elevator.id).limit(limit)).scalars())


def rescues(db: Session, principal: Principal, open_only: bool = True, limit: int = 200) -> list[Rescue]:
    stmt = scoped(principal, Rescue).order_by(Rescue.detected_at.desc()).limit(limit)
    if open_only:
        stmt = stmt.where(Rescue.state != "released")
    return list(db.execute(stmt).scalars())


def stats(db: Session, principal: Principal) -> dict[str, Any]:
    rows = [{"company": r.maintenance_company, "district": r.division_code[:6], "elevator": r.elevator_id,
             "detected_at": r.detected_at, "arrived_at": r.arrived_at, "released_at": r.released_at}
            for r in db.execute(scoped(principal, Rescue)).scalars()]
    minutes = default_config().arrival_deadline.total_seconds() / 60
    scores = [{"elevator_id": e.id, "registration_code": e.registration_code, "address": e.address,
               "score": maintenance_score(e.faults, e.trips, sum(r["elevator"] == e.id for r in rows))}
              for e in db.execute(scoped(principal, Elevator)).scalars()]
    return {"by_company": summarise(rows, "company", minutes), "by_district": summarise(rows, "district", minutes),
            "by_elevator": summarise(rows, "elevator", minutes)[:50],
            "maintenance_due": sorted(scores, key=lambda s: -s["score"])[:20],
            "anchors_min": default_config().raw.get("anchors_min", {}), "deadline_min": minutes}
