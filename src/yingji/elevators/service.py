"""Reads of the elevators domain: elevators, open rescues with their timers, statistics."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.divisions import Division
from yingji.core.scope import scope_clause, scoped
from yingji.elevators.models import Elevator, Rescue
from yingji.elevators.rules import default_config, maintenance_score, summarise


def elevators(db: Session, principal: Principal, limit: int = 500) -> list[Elevator]:
    return list(db.execute(scoped(principal, Elevator).order_by(Elevator.id).limit(limit)).scalars())


def rescues(db: Session, principal: Principal, open_only: bool = True, limit: int = 200) -> list[Rescue]:
    stmt = scoped(principal, Rescue).order_by(Rescue.detected_at.desc()).limit(limit)
    if open_only:
        stmt = stmt.where(Rescue.state != "released")
    return list(db.execute(stmt).scalars())


def count(db: Session, principal: Principal) -> int:
    return int(db.scalar(select(func.count()).select_from(Elevator).where(scope_clause(principal, Elevator))) or 0)


def building_of(e: Elevator) -> str:
    """The building an elevator stands in (address + building, the key of the per-building statistics)."""
    return f"{e.address} {e.building}".strip()


def stats(db: Session, principal: Principal) -> dict[str, Any]:
    """Rescue statistics per maintenance company, district (county), building and elevator (mean arrival
    and rescue minutes, share arrived within the deadline) and the on-demand maintenance scores."""
    elevators = {e.id: e for e in db.execute(scoped(principal, Elevator)).scalars()}
    rows = [{"company": r.maintenance_company, "district": r.division_code[:6], "elevator": r.elevator_id,
             "building": building_of(elevators[r.elevator_id]) if r.elevator_id in elevators else "",
             "detected_at": r.detected_at, "arrived_at": r.arrived_at, "released_at": r.released_at}
            for r in db.execute(scoped(principal, Rescue)).scalars()]
    minutes = default_config().arrival_deadline.total_seconds() / 60
    per_elevator = Counter(r["elevator"] for r in rows)
    scores = [{"elevator_id": e.id, "registration_code": e.registration_code, "address": e.address,
               "building": e.building, "score": maintenance_score(e.faults, e.trips, per_elevator[e.id])}
              for e in elevators.values()]
    names = dict(db.execute(select(Division.code, Division.name).where(Division.level == "county")).all())
    by_district = [r | {"name": names.get(str(r["key"]), str(r["key"]))} for r in summarise(rows, "district", minutes)]
    by_elevator = [r | {"registration_code": elevators[r["key"]].registration_code if r["key"] in elevators else "",
                        "building": building_of(elevators[r["key"]]) if r["key"] in elevators else ""}
                   for r in summarise(rows, "elevator", minutes)[:50]]
    return {"by_company": summarise(rows, "company", minutes), "by_district": by_district,
            "by_building": summarise(rows, "building", minutes)[:50], "by_elevator": by_elevator,
            "maintenance_due": sorted(scores, key=lambda s: (-s["score"], s["elevator_id"]))[:20],
            "anchors_min": default_config().raw.get("anchors_min", {}), "deadline_min": minutes}
