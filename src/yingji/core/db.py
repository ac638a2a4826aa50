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

from sqlalchemy import JSON, DateTime, MetaData, create_engine, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import TypeDecorator

from yingji.core.errors import ServiceBusy

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


SQLITE_BEGIN = "yingji_sqlite_begin"  # execution option: "IMMEDIATE" for writers, else deferred

PG_WRITER_LOCK = 0x79696E676A69  # "yingji": the advisory lock every action takes on PostgreSQL
DEFAULT_POOL_SIZE = 45  # >= request threads (40, anyio's default) + relay + health checks
DEFAULT_BUSY_TIMEOUT = 30.0


def _sqlite_on_connect(busy_timeout: float) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not open transactions behind our back (its legacy mode begins one only
        # before the first INSERT/UPDATE, so the reads of an action would run outside it): we emit
        # BEGIN ourselves in the "begin" event, BEGIN IMMEDIATE for writers.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get(SQLITE_BEGIN) or ""
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


def make_engine(url: str, *, pool_size: int | None = None, max_overflow: int = 10,
                pool_timeout: float = 30.0, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, **kwargs: Any) -> Engine:
    """An engine whose pool is large enough that a request thread never waits for a connection.

    A request holds at most one connection (its session's); sizing the pool to the number of
    request threads (plus the relay and health checks) means no request can stall on the pool —
    in particular not after its transaction committed, while it reads back what it answers.
    """
    size = pool_size if pool_size is not None else DEFAULT_POOL_SIZE
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        pool_args: dict[str, Any] = {} if memory else {
            "poolclass": QueuePool, "pool_size": size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool_args, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect(busy_timeout))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=size, max_overflow=max_overflow,
                         pool_timeout=pool_timeout, **kwargs)


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
    """An engine, its session factory, and the outbox relay that publishes events after commit.

    Writers on SQLite queue twice, without holding a pooled connection while they wait: first on
    ``write_lock`` (the writers of this process, in order), then on the database file's own
    write lock through ``BEGIN IMMEDIATE`` and ``busy_timeout`` (writers of other processes:
    web workers, CLI jobs). A writer waits at most ``write_wait_timeout`` seconds for its turn
    and is then refused with 503 before anything was written.
    """

    def __init__(self, url: str, *, write_wait_timeout: float = 60.0, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        for name, fn in (("before_flush", _before_flush), ("do_orm_execute", _do_orm_execute),
                         ("before_commit", _before_commit), ("after_soft_rollback", lambda s, _t: _after_rollback(s))):
            event.listen(self.sessions, name, fn)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # SQLite allows one writer: serialise writers of this process so that they queue here
        # (cheaply, no connection held) rather than in SQLite's busy handler.
        self.write_lock = threading.RLock()
        self.write_wait_timeout = write_wait_timeout
        self.relay: OutboxRelay | None = None

    def session(self) -> Session:
        s = self.sessions()
        s.info["database"] = self
        return s

    @contextmanager
    def writer_turn(self) -> Iterator[None]:
        """Wait (bounded) for this process's turn to write; a no-op on PostgreSQL."""
        if not self.is_sqlite:
            yield
            return
        if not self.write_lock.acquire(timeout=self.write_wait_timeout):
            raise ServiceBusy("系统繁忙：写入排队超时，未做任何修改，请稍后重试")
        try:
            yield
        finally:
            self.write_lock.release()

    def begin_write(self, db: Session) -> None:
        """Start ``db``'s transaction as *the* writer.

        SQLite: ``BEGIN IMMEDIATE`` takes the file's write lock before the first read (other
        processes wait for it up to ``busy_timeout``). PostgreSQL: a transaction-scoped advisory
        lock does the same (``lock_timeout`` = ``write_wait_timeout``). So what an action reads
        to decide (a hazard's state, a uniqueness check) cannot change before it writes: two
        officers confirming one hazard at once give one 200 and one 409, never two transitions.
        Every action takes the audit chain's head lock anyway; taking the writer lock first
        costs no concurrency that the chain allowed. (Objects the session loaded before keep
        their values: actions load what they decide on inside ``atomic``.)
        """
        if self.is_sqlite:
            db.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
        else:
            db.execute(text(f"SET LOCAL lock_timeout = '{int(self.write_wait_timeout * 1000)}ms'"))
            db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITER_LOCK})
            db.execute(text("SET LOCAL lock_timeout TO DEFAULT"))

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session for bookkeeping writes outside actions (relay leases): queued, committed, closed.

        SQLite: queued like an action (``BEGIN IMMEDIATE``). PostgreSQL: row locks suffice (the
        relay claims with ``SKIP LOCKED``), so it does not wait for the actions' writer lock.
        """
        with self.writer_turn():
            db = self.session()
            try:
                if self.is_sqlite:
                    self.begin_write(db)
                yield db
                db.commit()
            finally:
                db.close()

    def dispose(self) -> None:
        self.engine.dispose()


def database_of(db: Session) -> Database:
    database = db.info.get("database")
    if database is None:
        raise RuntimeError("session was not created by yingji.core.db.Database")
    return database


def _end_read_transaction(db: Session) -> None:
    """Give the connection back to the pool before queueing for the write lock.

    The request's earlier reads (who is the user…) opened a transaction holding a pooled
    connection; waiting for the write lock with it would let a queue of writers exhaust the
    pool. Nothing is pending at this point (views never write outside actions), so this
    commits an empty transaction; loaded objects stay usable (``expire_on_commit=False``).
    """
    if db.in_transaction():
        db.commit()


@contextmanager
def atomic(db: Session) -> Iterator[Session]:
    """Run one action in one transaction: commit everything or nothing, then publish events.

    Actions wrap their whole body in ``with atomic(db):``. The audit record and the outbox
    events written inside are committed with the change; events reach the bus only after
    the commit succeeded. Once the commit succeeded nothing here raises any more: the relay
    is only woken (or, without a relay thread, flushed with its errors logged), so an answer
    never contradicts the database.
    """
    database = database_of(db)
    if db.info.get("in_atomic"):
        yield db  # nested action: the outer one commits
        return
    if database.is_sqlite:
        _end_read_transaction(db)
    with database.writer_turn():
        try:
            database.begin_write(db)  # BEGIN IMMEDIATE: waits up to busy_timeout for other processes
        except OperationalError as exc:
            db.rollback()
            if "locked" in str(exc) or getattr(exc.orig, "sqlstate", None) == "55P03":  # lock wait timed out
                raise ServiceBusy("系统繁忙：数据库正被其他进程写入，未做任何修改，请稍后重试") from exc
            raise
        db.info["in_atomic"] = True
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise
        finally:
            db.info["in_atomic"] = False
    if database.relay is not None:
        database.relay.notify()
