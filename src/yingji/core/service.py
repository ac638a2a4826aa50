"""Reads of the platform core, always through the jurisdiction filter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from yingji.core.audit import AuditRecord
from yingji.core.auth import Principal, User
from yingji.core.divisions import Dataset, Division
from yingji.core.events import OutboxEvent
from yingji.core.listing import ListSpec, before, contains, eq, since, within_division
from yingji.core.schemas import AuditQuery, DivisionQuery, EventQuery, UserQuery
from yingji.core.scope import get_scoped, scoped, within

DIVISIONS = ListSpec(
    model=Division, query=DivisionQuery,
    filters={"level": eq(Division.level), "parent": eq(Division.parent_code),
             "division": within_division(Division.code), "q": contains(Division.name)},
    sorts={"code": Division.code, "name": Division.name, "population": Division.population,
           "area_km2": Division.area_km2},
    labels={"code": "代码", "name": "名称", "population": "人口", "area_km2": "面积"},
    default_sort=("code",),
)

USERS = ListSpec(
    model=User, query=UserQuery,
    filters={"division": within_division(User.scope_code), "q": contains(User.username, User.display_name),
             "role": eq(User.role), "active": eq(User.active)},
    sorts={"id": User.id, "username": User.username, "display_name": User.display_name, "role": User.role,
           "scope_code": User.scope_code, "created_at": User.created_at},
    labels={"username": "用户名", "display_name": "姓名", "role": "角色", "scope_code": "管辖区划",
            "created_at": "创建时间"},
    default_sort=("id",),
)

AUDIT = ListSpec(
    model=AuditRecord, query=AuditQuery,
    filters={"division": within_division(AuditRecord.division_code), "entity_type": eq(AuditRecord.entity_type),
             "entity_id": eq(AuditRecord.entity_id), "action": eq(AuditRecord.action), "actor": eq(AuditRecord.actor),
             "since": since(AuditRecord.occurred_at), "until": before(AuditRecord.occurred_at)},
    sorts={"seq": AuditRecord.seq, "occurred_at": AuditRecord.occurred_at},
    labels={"seq": "序号", "occurred_at": "时间"},
    default_sort=("-seq",),
)


#: who acted when no user did: the platform's own jobs (names of system principals)
SYSTEM_ACTORS = {"system": "系统", "cli": "命令行", "demo": "演示数据", "anonymous": "匿名", "": "系统"}


def display_names(db: Session, usernames: Any) -> dict[str, str]:
    """``{username: display name}`` for the usernames records keep (actors, reporters, uploaders), so
    pages show people by name; system principals by what they are, unknown ones as they are."""
    wanted = {u for u in usernames if isinstance(u, str)}
    names = {u: SYSTEM_ACTORS[u] for u in wanted if u in SYSTEM_ACTORS}
    rest = sorted(wanted - set(names))
    for i in range(0, len(rest), 500):
        names.update(db.execute(select(User.username, User.display_name).where(User.username.in_(rest[i:i + 500]))).all())
    return {u: names.get(u, u) for u in wanted}


def division_names(db: Session, codes: Any = None) -> dict[str, str]:
    """``{code: name}`` of the given divisions (default: all of them — a few hundred rows) for exports
    and pages that show divisions by name."""
    stmt = select(Division.code, Division.name)
    if codes is not None:
        stmt = stmt.where(Division.code.in_(sorted(set(codes))))
    return dict(db.execute(stmt).all())  # type: ignore[arg-type]


def has_acted(db: Session, user_id: int) -> bool:
    """Whether any audit record names the user as the actor (a sign-in counts)."""
    return db.scalar(select(AuditRecord.seq).where(AuditRecord.actor_id == user_id).limit(1)) is not None


def users_out(db: Session, users: list[User]) -> list[Any]:
    """Users as response models, each saying whether it may be deleted (never acted)."""
    from yingji.core.schemas import UserOut

    ids = [u.id for u in users]
    acted = set(db.scalars(select(AuditRecord.actor_id).where(AuditRecord.actor_id.in_(ids)).distinct())) if ids else set()
    return [UserOut.model_validate(u).model_copy(update={"can_delete": u.id not in acted}) for u in users]


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


def _event_type(value: str) -> Any:
    return OutboxEvent.type.startswith(value, autoescape=True) if value.endswith(".") else OutboxEvent.type == value


EVENTS = ListSpec(
    model=OutboxEvent, query=EventQuery,  # scope and unit (enterprise users) applied by the spec, in SQL
    filters={"division": within_division(OutboxEvent.division_code), "type": _event_type,
             "since": since(OutboxEvent.occurred_at)},
    sorts={"id": OutboxEvent.id, "occurred_at": OutboxEvent.occurred_at},
    labels={"id": "序号", "occurred_at": "时间"},
    default_sort=("-id",),
)


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
