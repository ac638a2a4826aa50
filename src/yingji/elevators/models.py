"""Elevators (电梯) registered for IoT monitoring and their trapped-passenger rescues (困人救援)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class Elevator(Base):
    __tablename__ = "elevators"
    __scope__ = ScopeSpec(division="division_code", unit="user_unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_code: Mapped[str] = mapped_column(String(32), unique=True)  # 96333 应急救援识别码 / 注册代码
    device_code: Mapped[str] = mapped_column(String(64), unique=True)  # the IoT terminal (a monitoring point)
    address: Mapped[str] = mapped_column(String(200))
    building: Mapped[str] = mapped_column(String(200), default="")
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    user_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), nullable=True,
                                                     index=True)
    maintenance_company: Mapped[str] = mapped_column(String(200), index=True)
    maintenance_phone: Mapped[str] = mapped_column(String(32), default="")
    last_inspection: Mapped[date | None] = mapped_column(Date, nullable=True)
    running: Mapped[Any] = mapped_column(JSONType, default=dict)  # the latest running state
    stuck_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    faults: Mapped[int] = mapped_column(Integer, default=0)
    trips: Mapped[int] = mapped_column(Integer, default=0)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Rescue(Base):
    """A trapped-passenger rescue: notified → acknowledged → arrived → released, with its tier and times."""

    __tablename__ = "elevator_rescues"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    elevator_id: Mapped[int] = mapped_column(ForeignKey("elevators.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    maintenance_company: Mapped[str] = mapped_column(String(200), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # stuck | fault
    state: Mapped[str] = mapped_column(String(16), index=True, default="notified")
    tier: Mapped[str] = mapped_column(String(16), default="maintenance")
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime)
    arrival_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    notices: Mapped[Any] = mapped_column(JSONType, default=list)  # [{tier, label, at, message}]
