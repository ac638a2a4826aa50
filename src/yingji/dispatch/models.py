"""Rescue forces (救援力量) and dispatch orders (调派单).

* :class:`Force` — a fire-rescue station (消防救援站), a professional team (危化品、矿山、水域、山岳、
  高层、电梯…), a social rescue force, a volunteer team or a military-support unit; where it is based;
* :class:`Vehicle` — a dispatchable unit of a force (vehicle, boat, team section) with its type,
  capabilities and live status;
* :class:`Expert` — an expert with specialties (专家库);
* :class:`DispatchOrder` / :class:`OrderUnit` — a dispatch order, the units it sends and when each
  left and arrived (against the 5-minute standard).

``incident_id`` is a plain integer (the incidents domain lives in another package; no foreign key).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class Force(Base):
    __tablename__ = "dispatch_forces"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # station | professional | social | volunteer | military
    station_level: Mapped[str] = mapped_column(String(16), default="")  # 一级站 / 二级站 / 小型站 / 特勤站
    specialties: Mapped[Any] = mapped_column(JSONType, default=list)  # hazchem, water, mountain, mine, high_rise…
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    personnel: Mapped[int] = mapped_column(Integer, default=0)
    contact: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Vehicle(Base):
    __tablename__ = "dispatch_vehicles"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("dispatch_forces.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)  # the force's
    callsign: Mapped[str] = mapped_column(String(64), unique=True)
    vehicle_type: Mapped[str] = mapped_column(String(32), index=True)
    capabilities: Mapped[Any] = mapped_column(JSONType, default=list)  # e.g. 泡沫 8 t, 举高 54 m
    crew: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), index=True, default="available")
    status_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    order_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # current order, if busy
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Expert(Base):
    __tablename__ = "dispatch_experts"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    specialties: Mapped[Any] = mapped_column(JSONType, default=list)  # Chinese specialty names
    organisation: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DispatchOrder(Base):
    __tablename__ = "dispatch_orders"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    incident_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # incidents (no FK)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    incident_type: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(300), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    grade: Mapped[int] = mapped_column(Integer)
    grade_basis: Mapped[Any] = mapped_column(JSONType, default=list)
    plan_based: Mapped[bool] = mapped_column(Boolean, default=False)
    requirements: Mapped[Any] = mapped_column(JSONType, default=list)  # [{unit_type, count, source, note}]
    expert_ids: Mapped[Any] = mapped_column(JSONType, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="issued", index=True)  # issued | closed
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class OrderUnit(Base):
    __tablename__ = "dispatch_order_units"
    __scope__ = ScopeSpec(division="division_code")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("dispatch_orders.id", ondelete="CASCADE"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("dispatch_vehicles.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)  # the order's
    unit_type: Mapped[str] = mapped_column(String(32))  # the requirement it fills
    travel_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    travel_meters: Mapped[float | None] = mapped_column(Float, nullable=True)
    travel_model: Mapped[str] = mapped_column(String(16), default="network")
    reason: Mapped[str] = mapped_column(Text, default="")
    recommended: Mapped[bool] = mapped_column(Boolean, default=True)  # False: added by the dispatcher
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    departed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    arrival_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    within_standard: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
