"""Warnings (预警): the working draft, its immutable published versions (each a CAP message),
the approval trail, and the log of imported external CAP messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class EarlyWarning(Base):
    """One warning through its life: the working text (edited, reviewed), and where it stands.

    ``status``: draft (never published) → active (published) → cancelled / expired (by ``expires``).
    ``review``: the next version's review — editing → pending (submitted) → approved | rejected.
    ``op``: what the next version will be — alert (first), update (incl. upgrade/downgrade), cancel.
    """

    __tablename__ = "warnings"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # stable message key (broadcast campaigns)
    hazard_type: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[str] = mapped_column(String(8), index=True)  # blue | yellow | orange | red
    headline: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    instruction: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[Any] = mapped_column(JSONType, default=dict)  # {divisions, polygons, circles}
    area_desc: Mapped[str] = mapped_column(String(500), default="")
    division_code: Mapped[str] = mapped_column(String(12), index=True)  # narrowest division holding the area
    onset: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    review: Mapped[str] = mapped_column(String(16), default="editing", index=True)
    op: Mapped[str] = mapped_column(String(16), default="alert")
    version: Mapped[int] = mapped_column(Integer, default=0)  # versions published so far
    revision: Mapped[int] = mapped_column(Integer, default=1)  # edits of the working text (approval binds one)
    note: Mapped[str] = mapped_column(Text, default="")  # the reason for the next update/cancel
    author: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="local")  # local | alarm | import
    alarm_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # last broadcast campaign
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WarningVersion(Base):
    """One published version: immutable, with its CAP 1.2 document (identifier, references)."""

    __tablename__ = "warning_versions"
    __scope__ = ScopeSpec(division="division_code")
    __table_args__ = (UniqueConstraint("warning_id", "version", name="uq_warning_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    msg_type: Mapped[str] = mapped_column(String(8))  # Alert | Update | Cancel
    identifier: Mapped[str] = mapped_column(String(64), index=True)
    sender: Mapped[str] = mapped_column(String(128))
    sent: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    references: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(8))
    content: Mapped[Any] = mapped_column(JSONType)  # the snapshot published (headline, area, times …)
    cap_xml: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64), default="")
    approved_by: Mapped[str] = mapped_column(String(64), default="")
    published_by: Mapped[str] = mapped_column(String(64), default="")
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class WarningReview(Base):
    """The approval trail: submit, approve, reject (with reason), comment, reopen."""

    __tablename__ = "warning_reviews"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # submit | approve | reject | comment | publish | edit
    revision: Mapped[int] = mapped_column(Integer, default=1)
    actor: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class CapImport(Base):
    """One external CAP message received (de-duplicated by sender + identifier), with its faults."""

    __tablename__ = "warning_imports"
    __scope__ = ScopeSpec(division="division_code")
    __table_args__ = (UniqueConstraint("sender", "identifier", name="uq_warning_import_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender: Mapped[str] = mapped_column(String(128))
    identifier: Mapped[str] = mapped_column(String(128))
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    msg_type: Mapped[str] = mapped_column(String(8))
    sent: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    strict: Mapped[bool] = mapped_column(Boolean, default=False)
    faults: Mapped[Any] = mapped_column(JSONType, default=list)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warnings.id", ondelete="SET NULL"), nullable=True,
                                                   index=True)
    raw: Mapped[str] = mapped_column(Text)
    imported_by: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
