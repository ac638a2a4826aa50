"""Login throttling: per account and per client address, in the database (shared by every worker).

Each failed login counts against two keys: the account name as typed (whether or not such a user
exists — so the answers never tell which names exist) and the client address. When a key
reaches its limit within the window (``YINGJI_LOGIN_MAX_FAILURES`` per account,
``YINGJI_LOGIN_MAX_FAILURES_PER_IP`` per address, within ``YINGJI_LOGIN_FAILURE_WINDOW``), it is
locked for ``YINGJI_LOGIN_LOCKOUT`` seconds, doubling with each further lockout of the same key
up to ``YINGJI_LOGIN_LOCKOUT_MAX``. While a key is locked every attempt answers 429 with
``Retry-After`` — without checking the password, so a locked account cannot be probed, and
without writing anything, so an attack costs the database nothing. A successful login clears
the account's record (not the address's: a valid account must not reset the counter an
attacker uses to guess other accounts). Rows that saw no activity for longer than the window
plus the longest lockout are deleted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Integer, String, UniqueConstraint, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from yingji.core.db import Base, UTCDateTime, utcnow
from yingji.core.errors import TooManyRequests

if TYPE_CHECKING:
    from yingji.config import Settings

ACCOUNT, ADDRESS = "account", "address"


class LoginThrottle(Base):
    __tablename__ = "login_throttle"
    __bookkeeping__ = True  # technical table: the audit/outbox guard of atomic() ignores it
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # account | address
    key: Mapped[str] = mapped_column(String(128))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    max_failures_per_address: int = 20
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    lockout_max: timedelta = timedelta(hours=6)

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottlePolicy:
        return cls(max_failures=settings.login_max_failures,
                   max_failures_per_address=settings.login_max_failures_per_ip,
                   window=timedelta(seconds=settings.login_failure_window),
                   lockout=timedelta(seconds=settings.login_lockout),
                   lockout_max=timedelta(seconds=settings.login_lockout_max))

    def limit(self, kind: str) -> int:
        return self.max_failures if kind == ACCOUNT else self.max_failures_per_address

    def lock_duration(self, previous_lockouts: int) -> timedelta:
        factor = 2 ** min(previous_lockouts, 30)
        return min(self.lockout * factor, self.lockout_max)


@dataclass(frozen=True)
class Lock:
    kind: str
    key: str
    until: datetime


def _keys(username: str, address: str) -> list[tuple[str, str]]:
    return [(ACCOUNT, username[:128]), (ADDRESS, address[:128])]


def _message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试"


def check(db: Session, username: str, address: str, now: datetime | None = None) -> None:
    """Raise :class:`TooManyRequests` (429, Retry-After) if the account or the address is locked."""
    now = now or utcnow()
    rows = db.execute(select(LoginThrottle.locked_until).where(
        LoginThrottle.locked_until > now,
        ((LoginThrottle.kind == ACCOUNT) & (LoginThrottle.key == username[:128]))
        | ((LoginThrottle.kind == ADDRESS) & (LoginThrottle.key == address[:128])))).scalars().all()
    if rows:
        retry_after = math.ceil((max(rows) - now).total_seconds())
        raise TooManyRequests(_message(retry_after), retry_after=retry_after, code="login_throttled")


def _row(db: Session, kind: str, key: str, now: datetime) -> LoginThrottle:
    """The row of (kind, key), created if missing and locked for update (race-free on both databases)."""
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.execute(insert(LoginThrottle).values(kind=kind, key=key, failures=0, window_started_at=now, lockouts=0,
                                            updated_at=now).on_conflict_do_nothing(index_elements=["kind", "key"]))
    return db.execute(select(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == key)
                      .with_for_update().execution_options(populate_existing=True)).scalar_one()


def record_failure(db: Session, username: str, address: str, policy: ThrottlePolicy,
                   now: datetime | None = None) -> list[Lock]:
    """Count a failed login (caller's transaction); returns the locks this failure imposed."""
    now = now or utcnow()
    locks: list[Lock] = []
    for kind, key in _keys(username, address):
        row = _row(db, kind, key, now)
        if row.locked_until is not None and row.locked_until > now:
            continue  # raced with the lock being set: nothing more to count
        if now - row.window_started_at >= policy.window:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        row.updated_at = now
        if row.failures >= policy.limit(kind):
            row.locked_until = now + policy.lock_duration(row.lockouts)
            row.lockouts += 1
            row.failures, row.window_started_at = 0, now
            locks.append(Lock(kind, key, row.locked_until))
    stale = now - policy.window - policy.lockout_max
    db.execute(delete(LoginThrottle).where(LoginThrottle.updated_at < stale))
    db.flush()
    return locks


def record_success(db: Session, username: str) -> None:
    """Clear the account's failures after a successful login (caller's transaction)."""
    db.execute(delete(LoginThrottle).where(LoginThrottle.kind == ACCOUNT, LoginThrottle.key == username[:128]))
