"""Jurisdiction-walk samples of the plans domain (records in county A: 鼓楼区 350102)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from yingji.core.auth import system_principal
from yingji.core.db import Database

COUNTY_A = "350102"
TOWNSHIP_A = "350102001"
WHEN = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
_n = itertools.count(1)

CONTENT: dict[str, Any] = {
    "summary": "巡查样例预案",
    "triggers": [{"incident_type": "typhoon", "grades": [1, 2, 3], "response_level": 2, "condition": "台风橙色预警"}],
    "response_levels": [{"level": 2, "name": "Ⅱ级响应", "criteria": "台风橙色预警", "commander": "区长"}],
    "command": {"headquarters": "鼓楼区防汛抗旱指挥部", "commander": "区长",
                "groups": [{"name": "综合协调组", "lead": "区应急管理局", "members": "区府办"}]},
    "roles": [{"name": "值班调度", "group": "综合协调组", "owner": "区应急管理局",
               "tasks": [{"title": "发布启动响应通知", "deadline_minutes": 15, "levels": []},
                         {"title": "汇总报送灾情", "deadline_minutes": 120, "levels": [1, 2]}]}],
    "resources": [{"unit_type": "water_team", "count": 2, "note": "易涝点前置", "levels": []}],
}


def make_plan(db: Database, *, state: str = "approved", division_code: str = COUNTY_A,
              level: str = "county", content: dict[str, Any] | None = None, title: str | None = None,
              unit_id: int | None = None) -> int:
    from yingji.plans import actions
    from yingji.plans.schemas import PlanIn, TransitionIn

    with db.session() as s:
        p = actions.create_plan(s, system_principal(), PlanIn.model_validate({
            "title": title or f"巡查样例防台风预案{next(_n)}", "kind": "special", "level": level,
            "division_code": division_code, "department": "辖区A应急管理局", "content": content or CONTENT,
            "unit_id": unit_id}))
        if state in ("approved", "filed"):
            actions.transition_plan(s, system_principal(), p.id, TransitionIn(action="approve"))
        if state == "filed":
            actions.transition_plan(s, system_principal(), p.id, TransitionIn(action="file", filing_no="备-1"))
        return p.id


def _plan(db: Database, ctx: dict[str, Any]) -> int:
    """A unit's plan (X) of a unit in township A: a county's own plan is readable by its townships."""
    if "cplan_id" not in ctx:
        from tests.integration.samples_hazards import make_unit

        unit_id = make_unit(db, name="辖区A预案单位")
        ctx["cplan_id"] = make_plan(db, level="unit", division_code=TOWNSHIP_A, unit_id=unit_id)
    return ctx["cplan_id"]


def _activation(db: Database, ctx: dict[str, Any]) -> int:
    if "activation_id" not in ctx:
        from sqlalchemy import select

        from yingji.plans import actions
        from yingji.plans.models import PlanTask
        from yingji.plans.schemas import ActivationIn

        with db.session() as s:
            a = actions.activate_plan(s, system_principal(), _plan(db, ctx), ActivationIn(
                incident_type="typhoon", grade=2, title="巡查样例台风"), now=WHEN)
            ctx["activation_id"] = a.id
            ctx["task_id"] = s.scalar(select(PlanTask.id).where(PlanTask.activation_id == a.id).limit(1))
    return ctx["activation_id"]


def _task(db: Database, ctx: dict[str, Any]) -> int:
    _activation(db, ctx)
    return ctx["task_id"]


def _drill(db: Database, ctx: dict[str, Any]) -> int:
    if "drill_id" not in ctx:
        from yingji.plans import actions
        from yingji.plans.schemas import DrillIn, EvaluationIn, FindingIn

        with db.session() as s:
            d = actions.record_drill(s, system_principal(), DrillIn(
                plan_id=_plan(db, ctx), title="巡查样例演练", kind="tabletop", held_at=WHEN))
            actions.evaluate_drill(s, system_principal(), d.id, EvaluationIn(
                score=80, findings=[FindingIn(text="巡查样例问题：通讯不畅", section="command")]))
            ctx["drill_id"] = d.id
    return ctx["drill_id"]


PATH_SAMPLES = {
    "cplan_id": _plan,
    "activation_id": _activation,
    "task_id": _task,
    "drill_id": _drill,
    "version_no": lambda db, ctx: (_plan(db, ctx), 1)[1],
}


def _template() -> bytes:
    from yingji.plans.importing import template_xlsx

    return template_xlsx()  # its division is 350102 (county A)


WRITE_BODIES = {
    ("POST", "/api/v1/plans"): lambda ctx: {"title": "越权预案", "kind": "special", "level": "county",
                                            "division_code": COUNTY_A},
    ("PATCH", "/api/v1/plans/{cplan_id}"): lambda ctx: {"title": "越权修改"},
    ("POST", "/api/v1/plans/{cplan_id}/transitions"): lambda ctx: {"action": "revise"},
    ("POST", "/api/v1/plans/{cplan_id}/activations"): lambda ctx: {"incident_type": "typhoon", "grade": 2,
                                                                   "division_code": TOWNSHIP_A},
    ("POST", "/api/v1/plans/activations/{activation_id}/close"): lambda ctx: None,
    ("PATCH", "/api/v1/plans/tasks/{task_id}"): lambda ctx: {"status": "done"},
    ("POST", "/api/v1/plans/tasks/overdue-check"): lambda ctx: {},
    ("POST", "/api/v1/plans/drills"): lambda ctx: {"plan_id": ctx.get("cplan_id", 1), "title": "越权演练",
                                                   "kind": "tabletop", "held_at": "2026-11-01T10:00:00+08:00"},
    ("POST", "/api/v1/plans/drills/{drill_id}/evaluation"): lambda ctx: {"score": 1, "findings": []},
    ("POST", "/api/v1/plans/drills/{drill_id}/revision"): lambda ctx: None,
    ("POST", "/api/v1/plans/import"): lambda ctx: {"__files__": {"file": ("t.xlsx", _template(), "application/octet-stream")}},
}
