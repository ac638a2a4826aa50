"""Hook handlers of the plans domain.

* ``incidents.plan_suggestions`` (read hook, asked by the incidents domain below this one): the plans in
  force that match an incident's type and grade — ``collect(db, actor, "incidents.plan_suggestions",
  incident_type=..., grade=..., division_code=...)`` answers a list of matches (see
  :func:`yingji.plans.service.matching_plans`), each with a link to its page and its board-start URL.
* ``home.cards``: the plan responses under way in the user's jurisdiction and their overdue tasks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.auth import Principal
from yingji.core.home import HOME_HOOK, count_by_county
from yingji.plans import service
from yingji.plans.models import PlanActivation, PlanTask

PLAN_SUGGESTIONS_HOOK = "incidents.plan_suggestions"


@hooks.handler(PLAN_SUGGESTIONS_HOOK)
def plan_suggestions(db: Session, actor: Principal, *, incident_type: str, grade: int | str,
                     division_code: str | None = None, **_: Any) -> list[dict[str, Any]] | None:
    if actor is not None and not actor.can("plans:read"):
        return None
    try:
        matches = service.matching_plans(db, incident_type, grade, division_code)
    except ValueError:
        return None
    return [m | {"href": f"/command/plans/{m['plan_id']}"} for m in matches]


@hooks.handler(HOME_HOOK)
def plan_cards(db: Session, principal: Principal, *, division: str | None) -> list[dict[str, Any]] | None:
    if not principal.can("plans:read"):
        return None
    active = count_by_county(db, principal, PlanActivation, PlanActivation.state == "active", division=division)
    overdue = count_by_county(db, principal, PlanTask, PlanTask.overdue.is_(True), PlanTask.status != "done",
                              division=division)
    n_active, n_overdue = sum(active.values()), sum(overdue.values())
    return [{"key": "plans.active", "title": "响应中的预案", "count": n_active,
             "severity": "danger" if n_overdue else "warning" if n_active else "info",
             "href": "/command/plans?tab=activations", "by_district": active, "order": 40,
             "note": f"逾期任务 {n_overdue} 项" if n_overdue else "任务均在时限内"}]
