"""Recipients (broadcast terminals, SMS/app subscribers, officials), campaigns and per-recipient deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class Recipient(Base):
    """Someone or something a warning can reach: a broadcast terminal (city/county/township/village
    level, over MQTT), an SMS subscriber, an app subscriber, or a registered official.

    Every recipient has a point (WGS84): its own, or — ``located`` false — its division's
    representative point; ``population`` is how many people it stands for (a village terminal: the
    village; a synthetic subscriber: the density setting; a real subscriber: 1).
    """

    __tablename__ = "broadcast_recipients"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # terminal | sms | app | official
    level: Mapped[str | None] = mapped_column(String(16), nullable=True)  # terminals: city|county|township|village
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    located: Mapped[bool] = mapped_column(Boolean, default=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(128))  # terminal id / phone / app device token
    population: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)


class Campaign(Base):
    """One delivery of one message version (``message_key`` + ``version``) to its target area."""

    __tablename__ = "broadcast_campaigns"
    __scope__ = ScopeSpec(division="division_code")
    __table_args__ = (UniqueConstraint("message_key", "version", name="uq_broadcast_campaign_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    division_code: Mapped[str] = mapped_column(String(12), index=True)  # the area's common division (scope)
    area: Mapped[Any] = mapped_column(JSONType)
    severity_colour: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    officials_first: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16), default="targeting", index=True)  # targeting|delivering|done
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    targeted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    targeted: Mapped[int] = mapped_column(Integer, default=0)
    targeted_population: Mapped[int] = mapped_column(Integer, default=0)
    officials: Mapped[int] = mapped_column(Integer, default=0)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    delivered_population: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    officials_delivered: Mapped[int] = mapped_column(Integer, default=0)
    officials_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    public_p90_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Delivery(Base):
    """One recipient of one campaign: claimed under a lease, sent, marked; unique per (campaign, recipient)."""

    __tablename__ = "broadcast_deliveries"
    __scope__ = ScopeSpec(division="division_code")
    __bookkeeping__ = True
    __table_args__ = (
        UniqueConstraint("campaign_id", "recipient_key", name="uq_broadcast_delivery_recipient"),
        # few indexes on purpose: every delivered row rewrites each of them (a campaign's rows are
        # found through the unique index's campaign_id prefix)
        Index("ix_broadcast_deliveries_queue", "state", "priority", "next_attempt_at", "id"),  # claim order
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("broadcast_campaigns.id", ondelete="CASCADE"))
    recipient_key: Mapped[str] = mapped_column(String(64))  # r:<recipient id> | official:<source>:<key>
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8))  # mqtt | sms | app
    address: Mapped[str] = mapped_column(String(128))
    division_code: Mapped[str] = mapped_column(String(12))
    population: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[int] = mapped_column(SmallInteger, default=1)  # 0 officials, 1 public
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(40), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(String(200), default="")
