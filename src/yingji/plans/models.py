"""Contingency plans (应急预案), their versions, activations with task boards, and drills (演练)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from yingji.core.db import Base, JSONType, UTCDateTime, utcnow
from yingji.core.scope import ScopeSpec


class ContingencyPlan(Base):
    """One plan of the 1+N+X system: 总体 (general) / 专项 (special) / 部门 (department), at city, county
    or unit level; its working content, its lifecycle state and its current version number."""

    __tablename__ = "contingency_plans"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), index=True)  # general | special | department
    level: Mapped[str] = mapped_column(String(8), index=True)  # city | county | unit
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), nullable=True, index=True)
    department: Mapped[str] = mapped_column(String(100), default="")  # 编制单位 / 牵头部门
    incident_types: Mapped[str] = mapped_column(String(300), default="", index=True)  # ",typhoon,flood," (filter)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    content: Mapped[Any] = mapped_column(JSONType, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    filing_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)


class PlanVersion(Base):
    """An immutable snapshot of a plan's content: one per save, approval and revision."""

    __tablename__ = "plan_versions"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plans.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # the plan's state when the snapshot was taken
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[Any] = mapped_column(JSONType, default=dict)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanActivation(Base):
    """A plan put into effect (预案启动) for an incident — or for a point, type and grade without one."""

    __tablename__ = "plan_activations"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plans.id", ondelete="CASCADE"), index=True)
    plan_version: Mapped[int] = mapped_column(Integer)
    plan_title: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    incident_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # incidents domain (no FK)
    incident_type: Mapped[str] = mapped_column(String(32))
    grade: Mapped[int] = mapped_column(Integer)
    response_level: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    resources: Mapped[Any] = mapped_column(JSONType, default=list)
    state: Mapped[str] = mapped_column(String(16), default="active", index=True)  # active | closed
    activated_by: Mapped[str] = mapped_column(String(64), default="")
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class PlanTask(Base):
    """One task of an activation's board: owner (role and person), deadline, status, overdue flag."""

    __tablename__ = "plan_tasks"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activation_id: Mapped[int] = mapped_column(ForeignKey("plan_activations.id", ondelete="CASCADE"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    order: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(100), default="")
    group: Mapped[str] = mapped_column(String(100), default="")
    owner: Mapped[str] = mapped_column(String(100), default="")  # 责任单位
    person: Mapped[str] = mapped_column(String(100), default="")  # 责任人
    title: Mapped[str] = mapped_column(String(300))
    deadline_minutes: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(8), default="todo", index=True)  # todo | doing | done
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Drill(Base):
    """A drill (演练) of a plan: when, how, who took part; its evaluation (score, findings)."""

    __tablename__ = "plan_drills"
    __scope__ = ScopeSpec(division="division_code", unit="unit_id")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("contingency_plans.id", ondelete="CASCADE"), index=True)
    plan_title: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(String(12), ForeignKey("divisions.code"), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # tabletop | functional | full_scale
    held_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    scenario: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    findings: Mapped[Any] = mapped_column(JSONType, default=list)  # [{text, section, severity}]
    evaluated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revision_version: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the draft version fed
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
