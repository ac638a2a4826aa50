"""Append-only, hash-chained audit log of every write.

Each record carries ``seq`` (1, 2, 3 … with no gaps), the hash of the record before it and its
own hash over a canonical JSON of its content. A single ``audit_head`` row holds the last seq
and hash; it is locked (``FOR UPDATE``) while a record is appended, so concurrent transactions
cannot fork the chain. Database triggers refuse UPDATE and DELETE on ``audit_log``;
:func:`verify_chain` still detects a record edited or deleted behind the triggers' back and
names it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec

if TYPE_CHECKING:
    from yingji.core.auth import Principal

GENESIS = "0" * 64


class AuditRecord(Base):
    __tablename__ = "audit_log"
    __scope__ = ScopeSpec(division="division_code")

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # "has this user acted?"
    actor: Mapped[str] = mapped_column(String(64), index=True)  # the audit page's 操作人 filter
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    division_code: Mapped[str | None] = mapped_column(String(12), index=True, nullable=True)
    before: Mapped[Any | None] = mapped_column(JSONType, nullable=True)
    after: Mapped[Any | None] = mapped_column(JSONType, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def _jsonable(value: Any) -> Any:
    """Normalise a before/after snapshot to what the JSON column will give back."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False)) if value is not None else None


def _digest(seq: int, occurred_at: datetime, actor_id: int | None, actor: str, action: str,
            entity_type: str, entity_id: str, division_code: str | None, before: Any, after: Any,
            prev_hash: str) -> str:
    body = json.dumps(
        [seq, occurred_at.isoformat(timespec="microseconds"), actor_id, actor, action, entity_type,
         entity_id, division_code, before, after, prev_hash],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    db: Session,
    actor: Principal,
    action: str,
    entity_type: str,
    entity_id: Any,
    *,
    division_code: str | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditRecord:
    """Append one audit record in the caller's transaction (call it inside ``atomic``)."""
    head = db.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS)
        db.add(head)
        db.flush()
    occurred_at = utcnow()
    before, after = _jsonable(before), _jsonable(after)
    seq = head.last_seq + 1
    digest = _digest(seq, occurred_at, actor.user_id, actor.username, action, entity_type,
                     str(entity_id), division_code, before, after, head.last_hash)
    rec = AuditRecord(
        seq=seq, occurred_at=occurred_at, actor_id=actor.user_id, actor=actor.username, action=action,
        entity_type=entity_type, entity_id=str(entity_id), division_code=division_code,
        before=before, after=after, prev_hash=head.last_hash, hash=digest,
    )
    db.add(rec)
    head.last_seq, head.last_hash = seq, digest
    db.flush()
    db.info["audited"] = True
    return rec


@dataclass
class Problem:
    seq: int
    message: str


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[Problem]


def verify_chain(db: Session, *, batch: int = 5000) -> VerifyResult:
    """Recompute the whole chain; name every edited, deleted or inserted record."""
    problems: list[Problem] = []
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    last_seen = 0
    while True:
        rows = db.execute(
            select(AuditRecord).where(AuditRecord.seq > last_seen).order_by(AuditRecord.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for rec in rows:
            checked += 1
            if rec.seq != expected_seq:
                missing = (f"第 {expected_seq} 条" if rec.seq == expected_seq + 1
                           else f"第 {expected_seq}–{rec.seq - 1} 条")
                problems.append(Problem(expected_seq, f"审计记录{missing}已被删除"))
            elif rec.prev_hash != prev_hash:
                problems.append(Problem(rec.seq, f"第 {rec.seq} 条记录的前序哈希与链不符（前一条被删除或改动）"))
            digest = _digest(rec.seq, rec.occurred_at, rec.actor_id, rec.actor, rec.action, rec.entity_type,
                             rec.entity_id, rec.division_code, rec.before, rec.after, rec.prev_hash)
            if digest != rec.hash:
                problems.append(Problem(rec.seq, f"第 {rec.seq} 条审计记录内容已被篡改（{rec.action} {rec.entity_type}#{rec.entity_id}）"))
            prev_hash, expected_seq = rec.hash, rec.seq + 1
            db.expunge(rec)
        last_seen = rows[-1].seq
    head = db.get(AuditHead, 1)
    last_seq = head.last_seq if head else 0
    if head is not None and last_seq >= expected_seq:
        problems.append(Problem(expected_seq, f"链尾的审计记录第 {expected_seq}–{last_seq} 条已被删除"))
    elif head is not None and checked and head.last_hash != prev_hash and last_seq == expected_seq - 1:
        problems.append(Problem(last_seq, f"第 {last_seq} 条（链尾）的哈希与链头登记不符"))
    return VerifyResult(ok=not problems, checked=checked, problems=problems)
