"""Monitoring points (监测点/设备), telemetry readings, latest values, dead letters and alarms.

Readings, latest values and dead letters are technical rows (``__bookkeeping__``): the ingest
records one audit record per stored batch, not one per reading. Alarms are business records:
every step (raised, upgraded, acknowledged, handled, closed, escalated) is an audited action.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class MonitoringPoint(Base):
    """One monitoring point / device: its type (``config/device_types.json``), place, owner unit."""

    __tablename__ = "monitoring_points"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # the device code in MQTT topics and payloads
    name: Mapped[str] = mapped_column(String(200))
    device_type: Mapped[str] = mapped_column(String(32), index=True)
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), nullable=True, index=True)
    risk_source_id: Mapped[int | None] = mapped_column(ForeignKey("risk_sources.id", ondelete="SET NULL"),
                                                       nullable=True, index=True)
    lon: Mapped[float] = mapped_column(Float)  # WGS84
    lat: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(200), default="")
    rules_override: Mapped[Any] = mapped_column(JSONType, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    online: Mapped[bool] = mapped_column(Boolean, default=True)  # as of the last offline check
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Reading(Base):
    """One stored value; the primary key (point, metric, ts) makes the ingest idempotent."""

    __tablename__ = "monitoring_readings"
    __bookkeeping__ = True

    point_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    value: Mapped[float] = mapped_column(Float)


Index("ix_monitoring_readings_ts", Reading.ts)


class LatestValue(Base):
    """The newest value of each (point, metric): what the live map reads."""

    __tablename__ = "monitoring_latest"
    __bookkeeping__ = True

    point_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    value: Mapped[float] = mapped_column(Float)


class DeadLetter(Base):
    """A message the ingest could not store, with the reason (malformed, unknown_device, out_of_range…)."""

    __tablename__ = "monitoring_dead_letters"
    __bookkeeping__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(16))  # mqtt | http
    topic: Mapped[str] = mapped_column(String(200), default="")
    device_code: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    reason: Mapped[str] = mapped_column(String(32), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(Text, default="")


class Alarm(Base):
    """A monitoring alarm: raised → acknowledged → handled → closed; one open per (point, rule)."""

    __tablename__ = "monitoring_alarms"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_points.id", ondelete="CASCADE"), index=True)
    device_type: Mapped[str] = mapped_column(String(32), index=True)
    rule_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    metric: Mapped[str] = mapped_column(String(32), default="")
    level: Mapped[str] = mapped_column(String(8), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True, default="raised")
    title: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    risk_source_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    repeat_count: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    handle_note: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    notices: Mapped[Any] = mapped_column(JSONType, default=list)  # [{to, label, level, at, message}]
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class HourlyValue(Base):
    """Down-sampled history: one row per (point, metric, UTC hour) with the count, minimum, maximum
    and sum of that hour's readings. Written by the rollup (``yingji monitoring rollup``, hourly in
    the background); kept for ``monitoring_hourly_retention_days`` while raw readings are purged
    after ``monitoring_retention_days`` — long-range charts read these rows."""

    __tablename__ = "monitoring_hourly"
    __bookkeeping__ = True

    point_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    vmin: Mapped[float] = mapped_column(Float)
    vmax: Mapped[float] = mapped_column(Float)
    vsum: Mapped[float] = mapped_column(Float)


Index("ix_monitoring_hourly_hour", HourlyValue.hour)


class AlarmNotice(Base):
    """A graded alarm notice delivered to one user's inbox (待我处理的告警): written in the transaction
    that raises, upgrades or escalates the alarm (so it is visible the moment the alarm is), addressed
    by :func:`yingji.monitoring.alarming.address` — the owner unit's enterprise safety managers, the
    county officers of the alarm's county, the city duty office for 一/二级 and escalations. Open until
    the alarm is acknowledged (or handled/closed): ``done_at``. ``delivered_at − raised_at`` is the
    notice latency (the alarm's time is its reading's)."""

    __tablename__ = "monitoring_alarm_notices"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alarm_id: Mapped[int] = mapped_column(ForeignKey("monitoring_alarms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(8))  # unit | county | city
    level: Mapped[str] = mapped_column(String(8))
    escalation: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str] = mapped_column(String(400))
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


Index("ix_monitoring_alarm_notices_inbox", AlarmNotice.user_id, AlarmNotice.done_at, AlarmNotice.delivered_at)
