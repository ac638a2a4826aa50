"""Jurisdiction-walk samples of the enforcement domain (records in county A)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.integration.samples_hazards import _inspection, _unit
from yingji.core.auth import system_principal
from yingji.core.db import Database

COUNTY_A = "350102"
# the sample plan is township A's: a county's plan is (by design) visible to its townships' officers —
# their part of it — and the walk's township officer (350102002) lies in county A
TOWNSHIP_A = "350102001"


def _plan(db: Database, ctx: dict[str, Any]) -> int:
    if "plan_id" not in ctx:
        from sqlalchemy import select

        from yingji.enforcement import actions
        from yingji.enforcement.models import InspectionPlan, PlannedInspection
        from yingji.enforcement.schemas import PlanGenerateIn

        _unit(db, ctx)
        with db.session() as s:
            plan = s.scalar(select(InspectionPlan).where(InspectionPlan.year == 2031,
                                                         InspectionPlan.division_code == TOWNSHIP_A))
            if plan is None:
                plan = actions.generate_plan(s, system_principal(), PlanGenerateIn(
                    year=2031, division_code=TOWNSHIP_A))
            ctx["plan_id"] = plan.id
            ctx["item_id"] = s.scalar(select(PlannedInspection.id).where(PlannedInspection.plan_id == plan.id)
                                      .order_by(PlannedInspection.id).limit(1))
    return ctx["plan_id"]


def _item(db: Database, ctx: dict[str, Any]) -> int:
    _plan(db, ctx)
    return ctx["item_id"]


def _entry(db: Database, ctx: dict[str, Any]) -> int:
    if "entry_id" not in ctx:
        from yingji.enforcement import actions
        from yingji.enforcement.schemas import BlacklistIn

        with db.session() as s:
            e = actions.blacklist_add(s, system_principal(), BlacklistIn(
                unit_id=_unit(db, ctx), reason="巡查样例", listed_at=datetime(2026, 1, 1, tzinfo=UTC)))
            ctx["entry_id"] = e.id
    return ctx["entry_id"]


PATH_SAMPLES = {"plan_id": _plan, "item_id": _item, "entry_id": _entry}

WRITE_BODIES = {
    ("POST", "/api/v1/enforcement/plans"): lambda ctx: {"year": 2032, "division_code": COUNTY_A},
    ("POST", "/api/v1/enforcement/plan-items/{item_id}/inspection"): lambda ctx: {
        "inspection_id": ctx.get("inspection_id", 1)},
    ("POST", "/api/v1/enforcement/penalties"): lambda ctx: {
        "unit_id": ctx.get("hz_unit_id", 1), "decision_no": "越权-1", "amount_yuan": "1000.00",
        "reason": "越权", "decided_at": "2026-11-01T10:00:00+08:00"},
    ("POST", "/api/v1/enforcement/blacklist"): lambda ctx: {"unit_id": ctx.get("hz_unit_id", 1), "reason": "越权"},
    ("POST", "/api/v1/enforcement/blacklist/{entry_id}/removal"): lambda ctx: {"removal_reason": "越权"},
}

_ = _inspection
