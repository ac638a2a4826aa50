"""The delivery worker: expand campaigns into per-recipient deliveries, claim, send, mark.

* **Expansion** (after the publishing action committed): the campaign's area is resolved against
  the recipient index and one delivery row per recipient is inserted with ``INSERT … SELECT … ON
  CONFLICT DO NOTHING`` in chunks — the unique ``(campaign_id, recipient_key)`` makes a restarted
  expansion add only what is missing, never a second row.
* **Claim**: a batch of due deliveries (officials first: ``priority`` 0) is leased to this worker
  (``lease_owner``, ``lease_until``; ``SKIP LOCKED`` on PostgreSQL) and committed.
* **Send** outside any transaction, per channel, through the channel's rate limiter.
* **Mark**: delivered rows (still pending) become ``delivered``; failures are retried with
  exponential back-off until ``broadcast_max_attempts``; campaign counters (coverage, time to the
  last official and to 90 % of the public) move in the same transaction.

A worker killed between claim and mark leaves its batch leased: a worker restarted under the same
name takes its own leases back at once, any other after the lease expired. The batch in flight is
then sent again with the same idempotency key (``<message_key>:<version>:<recipient>``), which
the gateways and terminals use to drop the repeat: at-least-once transport, each recipient served
once, one delivery row each.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    any_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from yingji.broadcast import service
from yingji.broadcast.channels import Channel, Outgoing, RateLimiter, backoff, default_channels
from yingji.broadcast.models import Campaign, Delivery, Recipient
from yingji.core.db import Database, UTCDateTime, utcnow

log = logging.getLogger(__name__)
EXPAND_CHUNK = 20_000
EXPANSION_LOCK_BASE = 0x62630000_0000  # advisory lock keys of campaign expansions (PostgreSQL)
_expanding: set[int] = set()
_expanding_lock = threading.Lock()


@contextmanager
def technical(database: Database) -> Iterator[Any]:
    """A committed technical write (leases, delivery marks, campaign counters): bookkeeping, not an action."""
    with database.write_session() as db:
        db.info["bookkeeping_commit"] = True  # kept until the commit that write_session does on exit
        yield db


def _ids_in(column: Any, ids: list[int], is_sqlite: bool) -> Any:
    """``column IN ids``: one array parameter on PostgreSQL (no per-id placeholders to build and parse)."""
    if is_sqlite:
        return column.in_(ids)
    return column == any_(bindparam("ids_array", ids, type_=postgresql.ARRAY(BigInteger)))


class Deliverer:
    def __init__(self, database: Database, settings: Any, *, channels: dict[str, Channel] | None = None,
                 clock: Callable[[], datetime] = utcnow, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic, owner: str | None = None) -> None:
        self.database, self.settings = database, settings
        self.owner = (owner or f"{socket.gethostname()}:{os.getpid()}")[:40]
        self.channels = channels if channels is not None else default_channels(settings, owner=self.owner)
        self.clock = clock
        self.limiters = {name: RateLimiter(float(getattr(settings, f"broadcast_rate_{name}", 1000.0)),
                                           clock=monotonic, sleep=sleep) for name in self.channels}
        self.sent: dict[str, int] = defaultdict(int)
        self.busy: dict[str, float] = defaultdict(float)  # seconds spent sending, per channel (msg/s figures)
        self.released = self.release_own_leases()

    # -- leases ---------------------------------------------------------------------------------
    def release_own_leases(self) -> int:
        """A restarted worker (same name) takes back what it had claimed before it died."""
        with technical(self.database) as db:
            r = db.execute(update(Delivery).where(Delivery.lease_owner == self.owner, Delivery.state == "pending")
                           .values(lease_owner=None, lease_until=None))
            return int(r.rowcount or 0)

    # -- expansion ------------------------------------------------------------------------------
    def expand(self) -> int:
        """Expand the campaigns waiting for it; returns how many were waiting (some may be another
        worker's, in progress)."""
        with self.database.session() as db:
            ids = list(db.execute(select(Campaign.id).where(Campaign.state == "targeting")
                                  .order_by(Campaign.id)).scalars())
        for cid in ids:
            self.expand_campaign(cid)
        return len(ids)

    def _insert(self, db: Any, campaign: Campaign, ids: list[int], now: datetime) -> None:
        dialect = db.get_bind().dialect.name
        ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Delivery)
        official_priority = 0 if campaign.officials_first else 1
        sel = select(
            literal(campaign.id), literal("r:") + cast(Recipient.id, String), Recipient.kind,
            case((Recipient.kind == "terminal", "mqtt"), (Recipient.kind == "app", "app"), else_="sms"),
            Recipient.address, Recipient.division_code,
            case((Recipient.kind == "official", 0), else_=Recipient.population),
            case((Recipient.kind == "official", official_priority), else_=1),
            literal("pending"), literal(0), literal(now, UTCDateTime), literal(""),
        ).where(_ids_in(Recipient.id, ids, self.database.is_sqlite))
        stmt = ins.from_select(["campaign_id", "recipient_key", "kind", "channel", "address", "division_code",
                                "population", "priority", "state", "attempts", "next_attempt_at", "last_error"], sel)
        db.execute(stmt.on_conflict_do_nothing())

    @contextmanager
    def _sole_expander(self, campaign_id: int) -> Iterator[bool]:
        """Whether this worker may expand the campaign now: one expander per campaign at a time
        (threads of this process by a set, other processes by a PostgreSQL advisory lock)."""
        with _expanding_lock:
            if campaign_id in _expanding:
                yield False
                return
            _expanding.add(campaign_id)
        try:
            if self.database.is_sqlite:  # one writer at a time anyway
                yield True
                return
            with self.database.engine.connect() as conn:
                key = {"k": EXPANSION_LOCK_BASE + campaign_id}
                if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), key).scalar():
                    yield False
                    return
                try:
                    yield True
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), key)
                    conn.commit()
        finally:
            with _expanding_lock:
                _expanding.discard(campaign_id)

    def expand_campaign(self, campaign_id: int) -> int:
        with self._sole_expander(campaign_id) as sole:
            return self._expand_campaign(campaign_id) if sole else 0

    def _expand_campaign(self, campaign_id: int) -> int:
        with self.database.session() as db:
            campaign = db.get(Campaign, campaign_id)
            if campaign is None or campaign.state != "targeting":
                return 0
            index = service.recipient_index(db)
            ids = index.rec.ids[index.resolve(campaign.area)].tolist()
        now = self.clock()
        for i in range(0, len(ids), EXPAND_CHUNK):
            with technical(self.database) as db:
                self._insert(db, campaign, ids[i:i + EXPAND_CHUNK], now)
        with technical(self.database) as db:
            c = db.get(Campaign, campaign_id)
            assert c is not None
            n, pop = db.execute(select(func.count(), func.coalesce(func.sum(Delivery.population), 0))
                                .where(Delivery.campaign_id == campaign_id, Delivery.kind != "official")).one()
            c.targeted, c.targeted_population = int(n), int(pop)
            c.officials = int(db.execute(select(func.count()).where(Delivery.campaign_id == campaign_id,
                                                                    Delivery.kind == "official")).scalar_one())
            c.targeted_at, c.state = self.clock(), "delivering"  # when the last row was in
            self._progress(db, c, now)
        if not self.database.is_sqlite and len(ids) >= 10_000:
            # a million new rows: fresh statistics, or the planner sorts the whole queue on every claim
            with technical(self.database) as db:
                db.execute(text("ANALYZE broadcast_deliveries"))
        return len(ids)

    # -- claim, send, mark ------------------------------------------------------------------------
    def claim(self) -> list[Outgoing]:
        """Lease a batch of due deliveries (officials first) to this worker; committed before sending."""
        now = self.clock()
        with technical(self.database) as db:
            due = (select(Delivery.id)
                   .where(Delivery.state == "pending", Delivery.next_attempt_at <= now,
                          or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))
                   .order_by(Delivery.priority, Delivery.next_attempt_at, Delivery.id)
                   .limit(self.settings.broadcast_batch))
            if not self.database.is_sqlite:
                due = due.with_for_update(skip_locked=True)
            rows = db.execute(update(Delivery).where(Delivery.id.in_(due.scalar_subquery()))
                              .values(lease_owner=self.owner,
                                      lease_until=now + timedelta(seconds=self.settings.broadcast_lease))
                              .returning(Delivery.id, Delivery.recipient_key, Delivery.campaign_id, Delivery.kind,
                                         Delivery.channel, Delivery.address, Delivery.division_code,
                                         Delivery.population, Delivery.priority)
                              .execution_options(synchronize_session=False)).all()
            if not rows:
                return []
            campaigns = {c.id: c for c in db.execute(
                select(Campaign.id, Campaign.message_key, Campaign.version, Campaign.severity_colour, Campaign.text)
                .where(Campaign.id.in_({r.campaign_id for r in rows})))}
        rows = sorted(rows, key=lambda r: (r.priority, r.id))
        return [Outgoing(delivery_id=r.id, key=f"{campaigns[r.campaign_id].message_key}:"
                         f"{campaigns[r.campaign_id].version}:{r.recipient_key}",
                         campaign_id=r.campaign_id, kind=r.kind, channel=r.channel, address=r.address,
                         division_code=r.division_code, population=r.population,
                         message_key=campaigns[r.campaign_id].message_key, version=campaigns[r.campaign_id].version,
                         colour=campaigns[r.campaign_id].severity_colour, text=campaigns[r.campaign_id].text)
                for r in rows]

    def send(self, batch: list[Outgoing]) -> dict[int, str | None]:
        by_channel: dict[str, list[Outgoing]] = defaultdict(list)
        for m in batch:
            by_channel[m.channel].append(m)
        results: dict[int, str | None] = {}
        for name, msgs in by_channel.items():
            channel = self.channels.get(name)
            if channel is None:
                results.update({m.delivery_id: f"没有渠道 {name}" for m in msgs})
                continue
            self.limiters[name].acquire(len(msgs))
            started = time.perf_counter()
            try:
                results.update(channel.send(msgs))
            except Exception as exc:  # an adapter's bug must not lose the batch: retried later
                log.exception("channel %s failed", name)
                results.update({m.delivery_id: f"渠道异常：{type(exc).__name__}" for m in msgs})
            self.busy[name] += time.perf_counter() - started
            self.sent[name] += sum(1 for m in msgs if results.get(m.delivery_id) is None)
        return results

    def mark(self, batch: list[Outgoing], results: dict[int, str | None]) -> None:
        now = self.clock()
        ok = [m.delivery_id for m in batch if results.get(m.delivery_id, "未发送") is None]
        failed = [(m, results.get(m.delivery_id) or "未发送") for m in batch if results.get(m.delivery_id, "x") is not None]
        with technical(self.database) as db:
            touched: dict[int, dict[str, int]] = defaultdict(lambda: {"n": 0, "pop": 0, "off": 0, "failed": 0})
            for i in range(0, len(ok), 5000):
                rows = db.execute(update(Delivery).where(_ids_in(Delivery.id, ok[i:i + 5000], self.database.is_sqlite),
                                                         Delivery.state == "pending")
                                  .values(state="delivered", delivered_at=now, attempts=Delivery.attempts + 1,
                                          lease_owner=None, lease_until=None, last_error="")
                                  .returning(Delivery.campaign_id, Delivery.kind, Delivery.population)
                                  .execution_options(synchronize_session=False)).all()
                for cid, kind, pop in rows:
                    t = touched[cid]
                    if kind == "official":
                        t["off"] += 1
                    else:
                        t["n"] += 1
                        t["pop"] += int(pop or 0)
            for m, reason in failed:
                d = db.get(Delivery, m.delivery_id)
                if d is None or d.state != "pending":
                    continue
                d.attempts += 1
                d.last_error = reason[:200]
                d.lease_owner, d.lease_until = None, None
                if d.attempts >= self.settings.broadcast_max_attempts:
                    d.state = "failed"
                    touched[d.campaign_id]["failed"] += 1
                else:
                    d.next_attempt_at = now + timedelta(seconds=backoff(
                        d.attempts, self.settings.broadcast_retry_base, self.settings.broadcast_retry_max))
            for cid, t in sorted(touched.items()):
                # locked: two workers marking batches of one campaign must not lose each other's counts
                c = db.get(Campaign, cid, with_for_update=not self.database.is_sqlite, populate_existing=True)
                if c is None:
                    continue
                c.delivered += t["n"]
                c.delivered_population += t["pop"]
                c.officials_delivered += t["off"]
                c.failed += t["failed"]
                self._progress(db, c, now)

    def _progress(self, db: Any, c: Campaign, now: datetime) -> None:
        if c.officials_done_at is None and c.officials and c.officials_delivered >= c.officials:
            c.officials_done_at = now
        if (c.public_p90_at is None and c.targeted_population
                and c.delivered_population >= service.COVERAGE_TARGET * c.targeted_population):
            c.public_p90_at = now
        # every row ends delivered or failed, each counted once (marks only change pending rows)
        if c.state == "delivering" and c.delivered + c.officials_delivered + c.failed >= c.targeted + c.officials:
            c.state, c.finished_at = "done", now

    def deliver_once(self) -> int:
        batch = self.claim()
        if not batch:
            return 0
        self.mark(batch, self.send(batch))
        return len(batch)

    def step(self) -> int:
        """Deliver one batch (the officials' rows exist from the publishing action on, so they go
        before the public is expanded), then expand new campaigns; returns the deliveries handled."""
        n = self.deliver_once()
        expanded = self.expand()
        return n + expanded

    def run_until_idle(self, limit: int = 1_000_000) -> int:
        total = 0
        for _ in range(limit):
            n = self.deliver_once()
            targeting = self.expand()  # campaigns still being expanded (by this worker or another)
            if n == 0 and targeting == 0:
                break
            if n == 0:
                self.idle_wait(0.1)  # another worker is expanding: its rows come in chunks
            total += n
        return total

    def idle_wait(self, seconds: float) -> None:
        threading.Event().wait(seconds)

    def run(self, stop: threading.Event, poll: float | None = None) -> None:
        poll = self.settings.broadcast_poll if poll is None else poll
        while not stop.is_set():
            try:
                n = self.step()
            except Exception:  # the database or a broker away for a moment: try again later
                log.exception("broadcast delivery step failed")
                n = 0
            if n == 0:
                stop.wait(poll)

    def close(self) -> None:
        for ch in self.channels.values():
            try:
                ch.close()
            except Exception:  # pragma: no cover
                log.exception("closing channel failed")
