"""Reads of the platform core, always through the jurisdiction filter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from yingji.core.api import PageParams, paginate
from yingji.core.audit import AuditRecord
from yingji.core.auth import Principal, User
from yingji.core.divisions import Dataset, Division
from yingji.core.events import OutboxEvent
from yingji.core.scope import get_scoped, scoped, within


def list_divisions(db: Session, *, principal: Principal, params: PageParams, level: str | None = None,
                   parent: str | None = None, division: str | None = None,
                   q: str | None = None) -> tuple[list[Division], int]:
    stmt = scoped(principal, Division).order_by(Division.code)
    if level:
        stmt = stmt.where(Division.level == level)
    if parent:
        stmt = stmt.where(Division.parent_code == parent)
    if division:
        stmt = stmt.where(within(Division.code, division))
    if q:
        stmt = stmt.where(Division.name.contains(q, autoescape=True))
    return paginate(db, stmt, params)


def get_division(db: Session, *, principal: Principal, code: str) -> Division:
    return get_scoped(db, principal, Division, code, what="行政区划")


def divisions_geojson(db: Session, *, principal: Principal, level: str | None,
                      parent: str | None, division: str | None = None) -> dict[str, Any]:
    stmt = scoped(principal, Division).options(undefer(Division.geometry)).order_by(Division.code)
    stmt = stmt.where(Division.geometry.is_not(None))
    if level:
        stmt = stmt.where(Division.level == level)
    if parent:
        stmt = stmt.where(Division.parent_code == parent)
    if division:
        stmt = stmt.where(within(Division.code, division))
    features = []
    for d in db.execute(stmt).scalars():
        features.append({
            "type": "Feature",
            "id": d.code,
            "geometry": d.geometry,
            "properties": {"code": d.code, "name": d.name, "level": d.level, "parent_code": d.parent_code,
                           "population": d.population, "area_km2": d.area_km2, "synthetic": d.synthetic,
                           "dataset_key": d.dataset_key},
        })
    return {"type": "FeatureCollection", "features": features}


def list_datasets(db: Session) -> list[Dataset]:
    return list(db.execute(select(Dataset).order_by(Dataset.synthetic, Dataset.key)).scalars())


def list_users(db: Session, *, principal: Principal, params: PageParams,
               division: str | None = None, q: str | None = None) -> tuple[list[User], int]:
    stmt = scoped(principal, User).order_by(User.id)
    if division:
        stmt = stmt.where(within(User.scope_code, division))
    if q:
        stmt = stmt.where(User.username.contains(q, autoescape=True) | User.display_name.contains(q, autoescape=True))
    return paginate(db, stmt, params)


def list_audit(db: Session, *, principal: Principal, params: PageParams, division: str | None = None,
               entity_type: str | None = None, entity_id: str | None = None,
               action: str | None = None) -> tuple[list[AuditRecord], int]:
    stmt = scoped(principal, AuditRecord).order_by(AuditRecord.seq.desc())
    if division:
        stmt = stmt.where(within(AuditRecord.division_code, division))
    if entity_type:
        stmt = stmt.where(AuditRecord.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditRecord.entity_id == entity_id)
    if action:
        stmt = stmt.where(AuditRecord.action == action)
    return paginate(db, stmt, params)


def recent_events(db: Session, *, principal: Principal, limit: int = 20,
                  division: str | None = None) -> list[OutboxEvent]:
    stmt = scoped(principal, OutboxEvent).order_by(OutboxEvent.id.desc()).limit(limit)
    if division:
        stmt = stmt.where(within(OutboxEvent.division_code, division))
    return list(db.execute(stmt).scalars())


def events_after(db: Session, *, principal: Principal, after: int,
                 limit: int = 500) -> tuple[list[dict[str, Any]], bool]:
    """Committed events after id ``after`` in the principal's scope (and unit), oldest first.

    At most ``limit`` — the most recent ones; the flag says whether older ones were left out.
    Used to replay what a reconnecting live stream missed.
    """
    if limit <= 0:
        return [], db.scalar(scoped(principal, OutboxEvent).where(OutboxEvent.id > after).limit(1)) is not None
    stmt = scoped(principal, OutboxEvent).where(OutboxEvent.id > after).order_by(OutboxEvent.id.desc())
    rows = list(db.execute(stmt.limit(limit + 1)).scalars())
    truncated = len(rows) > limit
    return [e.to_message() for e in reversed(rows[:limit])], truncated
