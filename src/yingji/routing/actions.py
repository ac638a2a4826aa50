"""Every write of the routing package: closing a road (or slowing it) and reopening it.

Each action is audited and emits an event; after the commit the process-wide router applies the
change at once (other processes apply it on their next query, :func:`service.sync_closures`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.geo import geojson_to_geometry
from yingji.core.scope import ensure_in_scope, get_scoped
from yingji.routing import permissions, service
from yingji.routing.models import RoadClosure
from yingji.routing.schemas import ClosureIn, ReopenIn

KIND_LABELS = {"closed": "道路封闭", "slow": "道路拥堵"}


def _snapshot(c: RoadClosure) -> dict[str, Any]:
    return {"kind": c.kind, "speed_factor": c.speed_factor, "reason": c.reason, "link_ids": c.link_ids,
            "polygon": c.polygon is not None, "links_affected": c.links_affected, "state": c.state}


def _check(actor: Principal) -> None:
    if (reason := permissions.write_refusal(actor)) is not None:
        raise Forbidden(reason)


def close_road(db: Session, actor: Principal, data: ClosureIn | dict[str, Any]) -> RoadClosure:
    """Close links (by id and/or polygon) or slow them down; takes effect on the router at once."""
    if isinstance(data, dict):
        data = ClosureIn.model_validate(data)
    _check(actor)
    router = service.get_router()
    polygon = None
    if data.polygon is not None:
        polygon = geojson_to_geometry(data.polygon)
        if polygon.geom_type not in ("Polygon", "MultiPolygon") or polygon.is_empty:
            raise ValidationFailed("封闭范围须为多边形（Polygon/MultiPolygon）", field="polygon")
    index = router.network.link_index()
    unknown = [lid for lid in data.link_ids if lid not in index]
    if unknown:
        raise ValidationFailed(f"路网中没有路段 {'、'.join(unknown[:5])}", field="link_ids")
    division = data.division_code or actor.scope_code
    ensure_in_scope(actor, division)
    factor = 0.0 if data.kind == "closed" else float(data.speed_factor or 1.0)
    closure = service.Closure(key="new", link_ids=tuple(data.link_ids), polygon=polygon, factor=factor)
    affected = len(router.closure_edges(closure))
    if affected == 0:
        raise ValidationFailed("该范围内没有路网路段", field="polygon")
    with atomic(db):
        row = RoadClosure(division_code=division, kind=data.kind, speed_factor=factor, reason=data.reason,
                          link_ids=list(dict.fromkeys(data.link_ids)), polygon=data.polygon, links_affected=affected,
                          state="active", created_by=actor.username, created_at=utcnow(), reopen_reason="",
                          synthetic=False)
        db.add(row)
        db.flush()
        audit.record(db, actor, "routing.closure_created", "routing_closure", row.id,
                     division_code=row.division_code, after=_snapshot(row))
        events.emit(db, "routing.closure_created", division_code=row.division_code, actor=actor.username,
                    summary=f"{KIND_LABELS[row.kind]}：{row.reason}（{affected} 个路段）",
                    payload={"closure_id": row.id, "kind": row.kind, "links_affected": affected})
    service.sync_closures(db, router, force=True)
    return row


def reopen_road(db: Session, actor: Principal, closure_id: int, data: ReopenIn | dict[str, Any] | None = None,
                ) -> RoadClosure:
    """End a closure (恢复通行); takes effect on the router at once."""
    if data is None or isinstance(data, dict):
        data = ReopenIn.model_validate(data or {})
    _check(actor)
    router = service.get_router()
    with atomic(db):
        row = get_scoped(db, actor, RoadClosure, closure_id, what="道路封闭")
        ensure_in_scope(actor, row.division_code)
        if row.state != "active":
            raise Conflict("该封闭已恢复通行")
        before = _snapshot(row)
        row.state = "reopened"
        row.reopened_by = actor.username
        row.reopened_at = utcnow()
        row.reopen_reason = data.reason
        audit.record(db, actor, "routing.closure_reopened", "routing_closure", row.id,
                     division_code=row.division_code, before=before, after=_snapshot(row))
        events.emit(db, "routing.closure_reopened", division_code=row.division_code, actor=actor.username,
                    summary=f"恢复通行：{row.reason}", payload={"closure_id": row.id})
    service.sync_closures(db, router, force=True)
    return row
