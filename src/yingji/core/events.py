"""Domain events: a transactional outbox, a pluggable bus, and the relay between them.

An action calls :func:`emit` inside its transaction: the event is a row of ``outbox`` and is
committed with the change or not at all. After the commit the :class:`OutboxRelay` reads the
unpublished rows, hands them to the bus and marks them published; a periodic flush picks up
anything left behind by a crash (delivery is at-least-once; events carry their id).

Buses: :class:`InMemoryBus` (default, one process) and :class:`RedisBus` (several processes,
Redis pub/sub). Subscribers are in-process callables: domain handlers (cross-domain effects)
and the browser stream (SSE).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec

if TYPE_CHECKING:
    from yingji.core.db import Database

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]


class OutboxEvent(Base):
    __tablename__ = "outbox"
    # enterprise users see the events of their own unit, in the list as on the live stream
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    type: Mapped[str] = mapped_column(String(64), index=True)
    division_code: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # the unit concerned
    summary: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[Any] = mapped_column(JSONType, default=dict)
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # relay lease

    def to_message(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "occurred_at": self.occurred_at.isoformat(),
            "division_code": self.division_code,
            "unit_id": self.unit_id,
            "summary": self.summary,
            "actor": self.actor,
            "payload": self.payload,
        }


def emit(db: Session, type: str, *, division_code: str | None, summary: str,
         payload: dict[str, Any] | None = None, actor: str | None = None,
         unit_id: int | None = None) -> OutboxEvent:
    """Record a domain event in the caller's transaction; it is published after commit.

    ``unit_id`` (default: the payload's ``unit_id``) names the enterprise the event concerns:
    its users see the event, in the list and on the stream.
    """
    payload = json.loads(json.dumps(payload or {}, default=str, ensure_ascii=False))
    if unit_id is None and isinstance(payload.get("unit_id"), int) and not isinstance(payload["unit_id"], bool):
        unit_id = payload["unit_id"]
    ev = OutboxEvent(type=type, division_code=division_code, unit_id=unit_id, summary=summary,
                     payload=payload, actor=actor, occurred_at=utcnow())
    db.add(ev)
    db.info["emitted"] = True
    return ev


class Bus(Protocol):
    def publish(self, message: dict[str, Any]) -> None: ...
    def subscribe(self, handler: Handler) -> Callable[[], None]: ...
    def ping(self) -> bool: ...
    def close(self) -> None: ...


class InMemoryBus:
    """Delivers each message to every subscriber of this process, synchronously."""

    def __init__(self) -> None:
        self._handlers: list[Handler] = []
        self._lock = threading.Lock()

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        with self._lock:
            self._handlers.append(handler)

        def unsubscribe() -> None:
            with self._lock:
                if handler in self._handlers:
                    self._handlers.remove(handler)

        return unsubscribe

    def deliver(self, message: dict[str, Any]) -> None:
        with self._lock:
            handlers = list(self._handlers)
        for handler in handlers:
            try:
                handler(message)
            except Exception:  # one bad subscriber must not stop the others
                log.exception("event handler failed for %s", message.get("type"))

    def publish(self, message: dict[str, Any]) -> None:
        self.deliver(message)

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        with self._lock:
            self._handlers.clear()


class RedisBus(InMemoryBus):
    """Publishes to a Redis channel; a listener thread delivers what arrives to local subscribers.

    Every process of the platform (web workers, CLI jobs) sees every event.
    """

    def __init__(self, url: str, channel: str = "yingji.events") -> None:
        import redis

        super().__init__()
        self.channel = channel
        self._redis = redis.Redis.from_url(url)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(**{channel: self._on_message})
        self._thread = self._pubsub.run_in_thread(sleep_time=0.5, daemon=True)

    def _on_message(self, raw: dict[str, Any]) -> None:
        try:
            message = json.loads(raw["data"])
        except (ValueError, TypeError):
            log.warning("ignored a malformed message on %s", self.channel)
            return
        self.deliver(message)

    def publish(self, message: dict[str, Any]) -> None:
        self._redis.publish(self.channel, json.dumps(message, ensure_ascii=False))

    def ping(self) -> bool:
        try:
            return bool(self._redis.ping())
        except Exception:
            return False

    def close(self) -> None:
        super().close()
        self._thread.stop()
        self._thread.join(timeout=5)
        self._pubsub.close()
        self._redis.close()


def make_bus(url: str, channel: str = "yingji.events") -> Bus:
    if url.startswith("memory:"):
        return InMemoryBus()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBus(url, channel=channel)
    raise ValueError(f"unsupported YINGJI_BUS_URL: {url!r} (use memory:// or redis://)")


class OutboxRelay:
    """Moves committed outbox rows onto the bus, oldest first.

    A batch is *claimed* under a lease (``claimed_at``, committed — ``SKIP LOCKED`` on PostgreSQL
    so that several processes never take the same rows), delivered outside any transaction (so
    subscribers may themselves run actions), then marked published. Delivery is at-least-once:
    if the process dies after claiming, the lease expires and another flush delivers the batch
    again; subscribers recognise repeats by the event id. If the bus refuses a message, it and
    the rest of the batch are released for the next flush. A flush started while this thread is
    already flushing (a subscriber's own action) returns at once: the outer loop picks its
    events up.

    Two ways to run it. With :meth:`start` (the server), a relay thread flushes whenever an
    action committed (:meth:`notify` only wakes it: the request never waits for the bus nor
    takes a second connection) and every ``interval`` seconds (events of other processes,
    expired leases). Without a thread (CLI jobs, tests), :meth:`notify` flushes inline and logs
    what fails: the action committed, so nothing after the commit may turn it into an error.
    """

    def __init__(self, database: Database, bus: Bus, batch: int = 500,
                 lease: timedelta = timedelta(seconds=60)) -> None:
        self.database = database
        self.bus = bus
        self.batch = batch
        self.lease = lease
        self._local = threading.local()
        self.published = 0
        self._cond = threading.Condition()
        self._requested = 0  # wake-ups asked for (notify / wait_idle)
        self._served = 0  # the last request number whose flush has completed
        self._stop = False
        self._thread: threading.Thread | None = None

    # --- running -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, interval: float = 2.0) -> None:
        """Start the relay thread (idempotent)."""
        if self._thread is not None:
            return
        self._stop = False
        self._thread = threading.Thread(target=self._run, args=(interval,), name="outbox-relay", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        thread = self._thread
        if thread is None:
            return
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        thread.join(timeout=timeout)
        self._thread = None

    def notify(self) -> None:
        """An action committed: get its events onto the bus. Never raises."""
        if self._thread is not None:
            with self._cond:
                self._requested += 1
                self._cond.notify_all()
            return
        try:
            self.flush()
        except Exception:  # the write committed; the periodic flush (or the next one) retries
            log.exception("outbox flush after commit failed; events stay pending for retry")

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every event committed before this call went through a flush.

        Deterministic waiting for tests and shutdown: with a relay thread, it asks for a flush
        and waits for that flush to finish; without one, it flushes inline.
        """
        if self._thread is None:
            self.flush()
            return True
        with self._cond:
            self._requested += 1
            target = self._requested
            self._cond.notify_all()
            return self._cond.wait_for(lambda: self._served >= target or self._thread is None, timeout)

    def _run(self, interval: float) -> None:
        while True:
            with self._cond:
                if self._served >= self._requested and not self._stop:
                    self._cond.wait(timeout=interval)
                if self._stop:
                    self._served = self._requested
                    self._cond.notify_all()
                    return
                target = self._requested
            try:
                self.flush()
            except Exception:
                log.exception("outbox relay flush failed")
            with self._cond:
                self._served = max(self._served, target)
                self._cond.notify_all()

    # --- one flush ---------------------------------------------------------------------------

    def flush(self) -> int:
        if getattr(self._local, "active", False):
            return 0
        self._local.active = True
        count = 0
        try:
            while True:
                messages = self._claim()
                if not messages:
                    break
                delivered = self._deliver(messages)
                count += delivered
                if delivered < len(messages):
                    break  # the bus is failing: leave the rest to the next periodic flush
        finally:
            self._local.active = False
        return count

    def _claim(self) -> list[dict[str, Any]]:
        now = utcnow()
        with self.database.write_session() as db:
            stmt = (select(OutboxEvent)
                    .where(OutboxEvent.published_at.is_(None),
                           or_(OutboxEvent.claimed_at.is_(None), OutboxEvent.claimed_at < now - self.lease))
                    .order_by(OutboxEvent.id).limit(self.batch))
            if not self.database.is_sqlite:
                stmt = stmt.with_for_update(skip_locked=True)
            events = db.execute(stmt).scalars().all()
            for ev in events:
                ev.claimed_at = now
            return [ev.to_message() for ev in events]

    def _deliver(self, messages: list[dict[str, Any]]) -> int:
        delivered: list[int] = []
        try:
            for message in messages:
                self.bus.publish(message)
                delivered.append(message["id"])
        except Exception:
            log.exception("bus refused event %s; releasing the rest for retry", messages[len(delivered)]["id"])
            self._mark([m["id"] for m in messages[len(delivered):]], published_at=None, claimed_at=None)
        if delivered:
            self._mark(delivered, published_at=utcnow())
        self.published += len(delivered)
        return len(delivered)

    def _mark(self, ids: list[int], **values: Any) -> None:
        with self.database.write_session() as db:
            db.execute(update(OutboxEvent).where(OutboxEvent.id.in_(ids)).values(**values))

    def pending(self) -> int:
        from sqlalchemy import func

        with self.database.session() as db:
            return db.scalar(select(func.count()).select_from(OutboxEvent)
                             .where(OutboxEvent.published_at.is_(None))) or 0
