"""Server-side web sessions.

The browser holds only an opaque random value in the ``yingji_session`` cookie (HttpOnly,
SameSite=Lax, Secure over HTTPS); the server keeps one :class:`UserSession` row per sign-in,
found by the SHA-256 of that value (a copy of the table does not give anyone a live cookie).
A session is live while it has not been ended (logout, password/role change, deactivation,
ended by its owner), its absolute lifetime has not run out (``YINGJI_SESSION_MAX_AGE``), it was
used within the idle timeout (``YINGJI_SESSION_IDLE_TIMEOUT``) and the user's
``session_version`` still equals the one it began with (a password change racing with a login
cannot leave a session alive).

"Last seen" is written at most every ``YINGJI_SESSION_TOUCH_INTERVAL`` seconds and never makes
a request wait for the SQLite write lock (see :func:`touch`). These rows are bookkeeping, not
business data: they are not audited row by row (sign-in and sign-out are, as ``auth.*``
actions).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from yingji.core.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from yingji.config import Settings
    from yingji.core.auth import User

COOKIE_NAME = "yingji_session"
PURGE_AFTER = timedelta(days=7)  # ended/expired sessions are kept this long (listing, forensics)

END_REASONS = {
    "logout": "退出登录",
    "replaced": "重新登录",
    "ended_by_user": "用户结束了该会话",
    "password_changed": "密码已修改",
    "role_changed": "角色或辖区已变更",
    "deactivated": "账号已停用",
}


class UserSession(Base):
    __tablename__ = "user_sessions"
    __bookkeeping__ = True  # technical table: the audit/outbox guard of atomic() ignores it

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    client_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")


@dataclass(frozen=True)
class SessionPolicy:
    max_age: timedelta = timedelta(hours=12)
    idle_timeout: timedelta = timedelta(hours=2)
    touch_interval: timedelta = timedelta(minutes=5)

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(max_age=timedelta(seconds=settings.session_max_age),
                   idle_timeout=timedelta(seconds=settings.session_idle_timeout),
                   touch_interval=timedelta(seconds=settings.session_touch_interval))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def begin(db: Session, user: User, *, policy: SessionPolicy, client_address: str = "",
          user_agent: str = "", now: datetime | None = None) -> tuple[UserSession, str]:
    """Start a session for ``user`` in the caller's transaction; returns it and the cookie value."""
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, token_hash=hash_secret(secret), csrf_token=secrets.token_urlsafe(24),
                      user_version=user.session_version, created_at=now, last_seen_at=now,
                      expires_at=now + policy.max_age, client_address=client_address[:64],
                      user_agent=user_agent[:200])
    db.add(row)
    db.flush()
    return row, secret


def find(db: Session, secret: str | None) -> UserSession | None:
    if not secret or len(secret) > 200:
        return None
    return db.scalar(select(UserSession).where(UserSession.token_hash == hash_secret(secret)))


def is_live(row: UserSession, user: User | None, policy: SessionPolicy, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (user is not None and user.active and row.ended_at is None and row.user_version == user.session_version
            and now < row.expires_at and now - row.last_seen_at < policy.idle_timeout)


def touch(db: Session, row: UserSession, policy: SessionPolicy, now: datetime | None = None) -> None:
    """Record that the session was used (at most every ``touch_interval``; never waits for a writer).

    The idle timeout is therefore measured with the precision of the touch interval, which the
    settings keep below half the idle timeout.
    """
    now = now or utcnow()
    if now - row.last_seen_at < policy.touch_interval:
        return
    database = db.info.get("database")
    lock = database.write_lock if database is not None and database.is_sqlite else None
    if lock is not None and not lock.acquire(blocking=False):
        return  # a writer is busy: skip, a later request records it
    try:
        if db.in_transaction():
            db.commit()  # end the read snapshot before writing (SQLite)
        db.execute(update(UserSession).where(UserSession.id == row.id, UserSession.ended_at.is_(None))
                   .values(last_seen_at=now))
        db.commit()
        row.last_seen_at = now
    finally:
        if lock is not None:
            lock.release()


def end(db: Session, row: UserSession, reason: str, now: datetime | None = None) -> bool:
    """End one session (in the caller's transaction). False if it had already ended."""
    if row.ended_at is not None:
        return False
    row.ended_at, row.end_reason = now or utcnow(), reason
    db.flush()
    return True


def end_all(db: Session, user_id: int, reason: str, *, keep: int | None = None,
            now: datetime | None = None) -> int:
    """End every live session of a user (except ``keep``); returns how many were ended."""
    stmt = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep)
    result = db.execute(stmt.values(ended_at=now or utcnow(), end_reason=reason)
                        .execution_options(synchronize_session="fetch"))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def live_for_user(db: Session, user_id: int, policy: SessionPolicy, now: datetime | None = None) -> list[UserSession]:
    now = now or utcnow()
    rows = db.execute(select(UserSession).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None), UserSession.expires_at > now,
        UserSession.last_seen_at > now - policy.idle_timeout).order_by(UserSession.last_seen_at.desc())).scalars()
    return list(rows)


def purge(db: Session, now: datetime | None = None) -> None:
    """Delete sessions that ended or expired more than :data:`PURGE_AFTER` ago (caller's transaction)."""
    cutoff = (now or utcnow()) - PURGE_AFTER
    db.execute(delete(UserSession).where(UserSession.expires_at < cutoff))
    db.execute(delete(UserSession).where(UserSession.ended_at < cutoff))
