"""Database plumbing: declarative Base, engine/session factory, UTC time, one-transaction actions.

SQLite (WAL, foreign keys on) is the embedded default; PostgreSQL is used when
``YINGJI_DATABASE_URL`` says so. Everything else in the code base is dialect-neutral.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from yingji.core.events import OutboxRelay

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; always returns aware UTC datetimes (SQLite too)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use timezone-aware datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


class UnauditedWrite(RuntimeError):
    """A transaction changed data without writing an audit record and an event (a programming error)."""


# Tables whose writes are technical bookkeeping, not business changes: the audit chain and the
# outbox themselves, plus every model that sets ``__bookkeeping__ = True`` (sessions, caches…).
_BOOKKEEPING_TABLES = {"audit_log", "audit_head", "outbox", "alembic_version"}


_bookkeeping_cache: dict[str, bool] = {}


def _is_bookkeeping(table_name: str) -> bool:
    if table_name in _BOOKKEEPING_TABLES:
        return True
    if table_name not in _bookkeeping_cache:
        for mapper in Base.registry.mappers:
            if getattr(mapper.class_, "__tablename__", None) == table_name:
                _bookkeeping_cache[table_name] = bool(getattr(mapper.class_, "__bookkeeping__", False))
                break
        else:
            return False
    return _bookkeeping_cache[table_name]


@contextmanager
def bookkeeping(db: Session) -> Iterator[Session]:
    """Commit a purely technical write to a business table (e.g. a token's last-used time) unaudited."""
    db.info["bookkeeping_commit"] = True
    try:
        yield db
    finally:
        db.info.pop("bookkeeping_commit", None)


def _note_tables(session: Session, tables: set[str]) -> None:
    changed = {t for t in tables if not _is_bookkeeping(t)}
    if changed:
        session.info.setdefault("changed_tables", set()).update(changed)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    tables = {obj.__table__.name for obj in (*session.new, *session.deleted) if hasattr(obj, "__table__")}
    tables |= {obj.__table__.name for obj in session.dirty
               if hasattr(obj, "__table__") and session.is_modified(obj, include_collections=False)}
    _note_tables(session, tables)


def _do_orm_execute(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and getattr(table, "name", None):
            _note_tables(state.session, {table.name})


def _before_commit(session: Session) -> None:
    """Every write goes through an action that audits and emits (docs/architecture.md, "Actions")."""
    changed = session.info.pop("changed_tables", None)
    audited, emitted = session.info.pop("audited", False), session.info.pop("emitted", False)
    if changed and not (audited and emitted) and not session.info.get("bookkeeping_commit"):
        missing = "、".join(x for x, ok in (("审计记录", audited), ("事件", emitted)) if not ok)
        raise UnauditedWrite(f"写操作未记录{missing}：{', '.join(sorted(changed))}（每个写操作都须通过 action 完成）")


def _after_rollback(session: Session) -> None:
    for key in ("changed_tables", "audited", "emitted"):
        session.info.pop(key, None)


class Database:
    """An engine, its session factory, and the outbox relay that publishes events after commit."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        for name, fn in (("before_flush", _before_flush), ("do_orm_execute", _do_orm_execute),
                         ("before_commit", _before_commit), ("after_soft_rollback", lambda s, _t: _after_rollback(s))):
            event.listen(self.sessions, name, fn)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # SQLite allows one writer: serialise writers of this process so that a write never
        # fails with SQLITE_BUSY_SNAPSHOT after a read snapshot was taken.
        self.write_lock = threading.RLock()
        self.relay: OutboxRelay | None = None

    def session(self) -> Session:
        s = self.sessions()
        s.info["database"] = self
        return s

    def dispose(self) -> None:
        self.engine.dispose()


def database_of(db: Session) -> Database:
    database = db.info.get("database")
    if database is None:
        raise RuntimeError("session was not created by yingji.core.db.Database")
    return database


@contextmanager
def atomic(db: Session) -> Iterator[Session]:
    """Run one action in one transaction: commit everything or nothing, then publish events.

    Actions wrap their whole body in ``with atomic(db):``. The audit record and the outbox
    events written inside are committed with the change; events reach the bus only after
    the commit succeeded.
    """
    database = database_of(db)
    if db.info.get("in_atomic"):
        yield db  # nested action: the outer one commits
        return
    lock = database.write_lock if database.is_sqlite else None
    if lock is not None:
        lock.acquire()
    db.info["in_atomic"] = True
    try:
        if database.is_sqlite and db.in_transaction():
            db.commit()  # end the read snapshot taken before the lock (nothing pending to write)
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise
    finally:
        db.info["in_atomic"] = False
        if lock is not None:
            lock.release()
    if database.relay is not None:
        database.relay.flush()
