"""Action samples of the plans domain for tests/integration/test_actions_walk.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from yingji.core.auth import system_principal

SYSTEM = system_principal()
WHEN = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
Sample = Any


def _plan(s: Any, state: str = "approved") -> int:
    from tests.integration.samples_plans import CONTENT
    from yingji.plans import actions
    from yingji.plans.schemas import PlanIn, TransitionIn

    p = actions.create_plan(s, SYSTEM, PlanIn.model_validate({
        "title": "动作巡检预案", "kind": "special", "level": "county", "division_code": "350102", "content": CONTENT}))
    if state != "draft":
        actions.transition_plan(s, SYSTEM, p.id, TransitionIn(action="approve"))
    return p.id


def _activation(s: Any) -> tuple[int, int]:
    from yingji.plans import actions
    from yingji.plans.models import PlanTask
    from yingji.plans.schemas import ActivationIn

    a = actions.activate_plan(s, SYSTEM, _plan(s), ActivationIn(incident_type="typhoon", grade=2), now=WHEN)
    return a.id, s.scalar(select(PlanTask.id).where(PlanTask.activation_id == a.id).limit(1))


def _drill(s: Any, evaluated: bool = True) -> int:
    from yingji.plans import actions
    from yingji.plans.schemas import DrillIn, EvaluationIn, FindingIn

    d = actions.record_drill(s, SYSTEM, DrillIn(plan_id=_plan(s), title="动作巡检演练", kind="tabletop", held_at=WHEN))
    if evaluated:
        actions.evaluate_drill(s, SYSTEM, d.id, EvaluationIn(score=70, findings=[FindingIn(text="通讯保障不足")]))
    return d.id


def SAMPLES(tmp_path: Any) -> dict[str, Sample]:
    from tests.integration.samples_plans import CONTENT
    from yingji.plans import actions as pl
    from yingji.plans.importing import template_docx
    from yingji.plans.schemas import (
        ActivationIn,
        DrillIn,
        EvaluationIn,
        FindingIn,
        PlanIn,
        PlanPatch,
        TaskPatch,
        TransitionIn,
    )

    def update_plan(s: Any, ctx: dict[str, Any]) -> Any:
        pid = _plan(s, "draft")
        return lambda: pl.update_plan(s, SYSTEM, pid, PlanPatch(title="动作巡检改名"))

    def transition_plan(s: Any, ctx: dict[str, Any]) -> Any:
        pid = _plan(s)
        return lambda: pl.transition_plan(s, SYSTEM, pid, TransitionIn(action="file", filing_no="备-9"))

    def activate_plan(s: Any, ctx: dict[str, Any]) -> Any:
        pid = _plan(s)
        return lambda: pl.activate_plan(s, SYSTEM, pid, ActivationIn(incident_type="typhoon", grade="Ⅱ"))

    def update_task(s: Any, ctx: dict[str, Any]) -> Any:
        _, task_id = _activation(s)
        return lambda: pl.update_task(s, SYSTEM, task_id, TaskPatch(status="doing", person="张三"))

    def close_activation(s: Any, ctx: dict[str, Any]) -> Any:
        activation_id, _ = _activation(s)
        return lambda: pl.close_activation(s, SYSTEM, activation_id)

    def check_overdue(s: Any, ctx: dict[str, Any]) -> Any:
        _activation(s)
        return lambda: pl.check_overdue(s, SYSTEM, WHEN + timedelta(days=1))

    def record_drill(s: Any, ctx: dict[str, Any]) -> Any:
        pid = _plan(s)
        return lambda: pl.record_drill(s, SYSTEM, DrillIn(plan_id=pid, title="动作巡检演练", kind="full_scale",
                                                          held_at=WHEN))

    def evaluate_drill(s: Any, ctx: dict[str, Any]) -> Any:
        did = _drill(s, evaluated=False)
        return lambda: pl.evaluate_drill(s, SYSTEM, did, EvaluationIn(score=90, findings=[FindingIn(text="疏散路线标识不清")]))

    def revise_from_drill(s: Any, ctx: dict[str, Any]) -> Any:
        did = _drill(s)
        return lambda: pl.revise_from_drill(s, SYSTEM, did)

    return {
        "yingji.plans.actions.create_plan": lambda s, ctx: lambda: pl.create_plan(s, SYSTEM, PlanIn.model_validate({
            "title": "动作巡检新预案", "kind": "general", "level": "city", "division_code": "350100",
            "content": CONTENT})),
        "yingji.plans.actions.update_plan": update_plan,
        "yingji.plans.actions.transition_plan": transition_plan,
        "yingji.plans.actions.activate_plan": activate_plan,
        "yingji.plans.actions.update_task": update_task,
        "yingji.plans.actions.close_activation": close_activation,
        "yingji.plans.actions.check_overdue": check_overdue,
        "yingji.plans.actions.record_drill": record_drill,
        "yingji.plans.actions.evaluate_drill": evaluate_drill,
        "yingji.plans.actions.revise_from_drill": revise_from_drill,
        "yingji.plans.actions.import_plan": lambda s, ctx: lambda: pl.import_plan(
            s, SYSTEM, "模板.docx", template_docx()),
    }
