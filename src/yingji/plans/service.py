"""Reads of the plans domain, and the public interface for dispatch.

For dispatch (``yingji.dispatch``, above this package) and the incidents read-hook:

* :func:`matching_plans` — the approved or filed plans whose triggers match an incident type and grade
  (optionally only the plans that apply at a division: its own, its county's, its city's), most specific first;
* :func:`resources_for` — what those plans say to mobilise at the response level they prescribe:
  ``[{"unit_type", "count", "note", "plan_id"}]``, most specific plan first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, func, or_, select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.db import utcnow
from yingji.core.errors import NotFound
from yingji.core.listing import ListSpec, eq, since, within_division
from yingji.core.scope import ancestors, scope_clause, visible
from yingji.core.service import division_names
from yingji.plans import permissions
from yingji.plans.catalog import (
    ACTIVATION_STATES,
    ANY_TYPE,
    DRILL_KINDS,
    INCIDENT_TYPES,
    KINDS,
    LEVELS,
    RESPONSE_LEVELS,
    STATES,
    TASK_STATES,
    UNIT_TYPES,
    parse_grade,
)
from yingji.plans.content import (
    diff,
    is_overdue,
    matching_trigger,
    normalise,
    remaining_seconds,
    resources_at,
    response_level_for,
)
from yingji.plans.lifecycle import ACTIVATABLE, EDITABLE, IN_FORCE
from yingji.plans.models import ContingencyPlan, Drill, PlanActivation, PlanTask, PlanVersion
from yingji.plans.schemas import ActivationQuery, DrillQuery, PlanQuery

KIND_RANK = {"department": 0, "special": 1, "general": 2}


def types_column(content: dict[str, Any]) -> str:
    """The incident types of a plan's triggers as the filter column holds them: ``,typhoon,flood,``."""
    keys = sorted({t.get("incident_type") for t in normalise(content)["triggers"] if t.get("incident_type")})
    return "," + ",".join(keys) + "," if keys else ""


# --- jurisdiction: a plan placed at a containing division (the city's general plan) is readable too ----

def plan_read_clause(principal: Principal) -> Any:
    own = scope_clause(principal, ContingencyPlan)
    if principal.unit_id is not None:
        return own
    return or_(own, ContingencyPlan.division_code.in_(ancestors(principal.scope_code)))


def plan_readable(principal: Principal, plan: ContingencyPlan) -> bool:
    if visible(principal, plan):
        return True
    return principal.unit_id is None and plan.division_code in ancestors(principal.scope_code)


def get_plan(db: Session, principal: Principal, plan_id: int) -> ContingencyPlan:
    plan = db.get(ContingencyPlan, plan_id)
    if plan is None or not plan_readable(principal, plan):
        raise NotFound("预案不存在或不在您的管辖范围内")
    return plan


PLANS = ListSpec(
    model=ContingencyPlan, query=PlanQuery, scope=False,
    filters={"kind": eq(ContingencyPlan.kind), "level": eq(ContingencyPlan.level), "state": eq(ContingencyPlan.state),
             "incident_type": lambda v: ContingencyPlan.incident_types.contains(f",{v},"),
             "division": within_division(ContingencyPlan.division_code),
             "q": lambda v: or_(ContingencyPlan.title.contains(v), ContingencyPlan.department.contains(v))},
    sorts={"updated_at": ContingencyPlan.updated_at, "title": ContingencyPlan.title, "kind": ContingencyPlan.kind,
           "level": ContingencyPlan.level, "state": ContingencyPlan.state, "id": ContingencyPlan.id},
    labels={"updated_at": "更新时间", "title": "名称", "kind": "类别", "level": "层级", "state": "状态"},
    default_sort=("kind", "-updated_at"),
)
ACTIVATIONS = ListSpec(
    model=PlanActivation, query=ActivationQuery,
    filters={"plan_id": eq(PlanActivation.plan_id), "incident_id": eq(PlanActivation.incident_id),
             "state": eq(PlanActivation.state), "division": within_division(PlanActivation.division_code)},
    sorts={"activated_at": PlanActivation.activated_at, "id": PlanActivation.id},
    labels={"activated_at": "启动时间"}, default_sort=("-activated_at",),
)
DRILLS = ListSpec(
    model=Drill, query=DrillQuery,
    filters={"plan_id": eq(Drill.plan_id), "division": within_division(Drill.division_code),
             "since": since(Drill.held_at)},
    sorts={"held_at": Drill.held_at, "score": Drill.score, "id": Drill.id},
    labels={"held_at": "演练时间", "score": "评分"}, default_sort=("-held_at",),
)


def plan_out(p: ContingencyPlan, names: dict[str, str] | None = None) -> dict[str, Any]:
    return {"id": p.id, "title": p.title, "kind": p.kind, "kind_label": KINDS.get(p.kind, p.kind), "level": p.level,
            "level_label": LEVELS.get(p.level, p.level), "division_code": p.division_code,
            "division_name": (names or {}).get(p.division_code, ""), "unit_id": p.unit_id, "department": p.department,
            "state": p.state, "state_label": STATES.get(p.state, p.state), "version": p.version,
            "incident_types": [t for t in (p.incident_types or "").split(",") if t], "filing_no": p.filing_no,
            "approved_at": p.approved_at, "filed_at": p.filed_at, "synthetic": p.synthetic, "updated_at": p.updated_at}


def list_plans(db: Session, *, principal: Principal, query: PlanQuery) -> dict[str, Any]:
    base = select(ContingencyPlan).where(plan_read_clause(principal))
    page = PLANS.page(db, principal, query, base=base)
    names = division_names(db, [p.division_code for p in page["items"]])
    page["items"] = [plan_out(p, names) for p in page["items"]]
    return page


def plan_detail(db: Session, principal: Principal, plan_id: int) -> dict[str, Any]:
    p = get_plan(db, principal, plan_id)
    writable = visible(principal, p)
    return plan_out(p, division_names(db, [p.division_code])) | {
        "content": normalise(p.content),
        "actions": permissions.permitted_transitions(principal, p) if writable else [],
        "can_edit": writable and permissions.edit_refusal(principal, p) is None,
        "can_activate": writable and p.state in ACTIVATABLE and permissions.response_refusal(principal) is None}


def versions(db: Session, principal: Principal, plan_id: int) -> list[PlanVersion]:
    get_plan(db, principal, plan_id)
    return list(db.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan_id)
                           .order_by(PlanVersion.number.desc())))


def version(db: Session, principal: Principal, plan_id: int, number: int) -> PlanVersion:
    get_plan(db, principal, plan_id)
    v = db.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.number == number))
    if v is None:
        raise NotFound(f"预案第 {number} 版不存在")
    return v


def version_diff(db: Session, principal: Principal, plan_id: int, a: int, b: int) -> dict[str, Any]:
    old, new = version(db, principal, plan_id, a), version(db, principal, plan_id, b)
    return {"plan_id": plan_id, "from_version": a, "to_version": b, "changes": diff(old.content, new.content)}


# --- for dispatch and the incidents domain ------------------------------------------------------------

def _applies_at(plan: ContingencyPlan, division_code: str | None) -> bool:
    if not division_code:
        return True
    return division_code.startswith(plan.division_code) or plan.division_code in ancestors(division_code)


def _matches(db: Session, incident_type: str, grade: int | str,
             division_code: str | None) -> list[tuple[ContingencyPlan, dict[str, Any]]]:
    g = parse_grade(grade)
    stmt = select(ContingencyPlan).where(
        ContingencyPlan.state.in_(sorted(IN_FORCE)),
        or_(ContingencyPlan.incident_types.contains(f",{incident_type},"),
            ContingencyPlan.incident_types.contains(f",{ANY_TYPE},")))
    if division_code:  # the plans of the place itself and of the divisions containing it (SQL, indexed)
        stmt = stmt.where(ContingencyPlan.division_code.in_([division_code, *ancestors(division_code)]))
    out = []
    for p in db.scalars(stmt):
        trigger = matching_trigger(p.content, incident_type, g)
        if trigger is None or not _applies_at(p, division_code):
            continue
        out.append((p, {"plan_id": p.id, "title": p.title, "kind": p.kind, "level": p.level,
                        "division_code": p.division_code, "state": p.state,
                        "response_level": response_level_for(p.content, incident_type, g), "trigger": trigger}))
    out.sort(key=lambda pm: (pm[1]["trigger"].get("incident_type") == ANY_TYPE, KIND_RANK.get(pm[0].kind, 3),
                             -len(pm[0].division_code), pm[0].id))
    return out


def matching_plans(db: Session, incident_type: str, grade: int | str,
                   division_code: str | None = None) -> list[dict[str, Any]]:
    """The plans in force (approved or filed) whose triggers match: ``[{plan_id, title, kind, level,
    division_code, state, response_level, trigger}]``, the most specific first (an exact type before
    “各类突发事件”; department before special before general; the deeper division first). ``grade``:
    1 = Ⅰ (特别重大) … 4 = Ⅳ (一般), or "Ⅱ", "重大", "橙" … (see :func:`yingji.plans.catalog.parse_grade`;
    a fire-alarm grade converts with :func:`yingji.plans.catalog.grade_from_fire_alarm`). ``division_code``:
    only the plans that apply there (its own, its county's, its city's)."""
    return [m for _, m in _matches(db, incident_type, grade, division_code)]


def resources_for(db: Session, incident_type: str, grade: int | str,
                  division_code: str | None = None) -> list[dict[str, Any]]:
    """What the matching plans say to mobilise at the response level each prescribes:
    ``[{unit_type, count, note, plan_id}]``, the most specific plan's rows first (a general plan's rows
    come after a special plan's for the same type: dispatch decides whether to add or take the maximum)."""
    out = []
    for p, m in _matches(db, incident_type, grade, division_code):
        out += [r | {"plan_id": p.id} for r in resources_at(p.content, m["response_level"])]
    return out


# --- activations and boards --------------------------------------------------------------------------

def _counts(db: Session, ids: list[int]) -> dict[int, tuple[int, int, int]]:
    if not ids:
        return {}
    rows = db.execute(select(PlanTask.activation_id, func.count(),
                             func.sum((PlanTask.status == "done").cast(Integer)),
                             func.sum(PlanTask.overdue.cast(Integer)))
                      .where(PlanTask.activation_id.in_(ids)).group_by(PlanTask.activation_id)).all()
    return {r[0]: (r[1], int(r[2] or 0), int(r[3] or 0)) for r in rows}


def activation_out(a: PlanActivation, counts: tuple[int, int, int] = (0, 0, 0)) -> dict[str, Any]:
    return {"id": a.id, "plan_id": a.plan_id, "plan_version": a.plan_version, "plan_title": a.plan_title,
            "division_code": a.division_code, "unit_id": a.unit_id, "incident_id": a.incident_id,
            "incident_type": a.incident_type, "grade": a.grade, "response_level": a.response_level, "title": a.title,
            "lon": a.lon, "lat": a.lat, "state": a.state, "activated_by": a.activated_by,
            "activated_at": a.activated_at, "closed_at": a.closed_at, "tasks_total": counts[0],
            "tasks_done": counts[1], "tasks_overdue": counts[2]}


def list_activations(db: Session, *, principal: Principal, query: ActivationQuery) -> dict[str, Any]:
    page = ACTIVATIONS.page(db, principal, query)
    counts = _counts(db, [a.id for a in page["items"]])
    page["items"] = [activation_out(a, counts.get(a.id, (0, 0, 0))) for a in page["items"]]
    return page


def task_out(t: PlanTask, now: datetime) -> dict[str, Any]:
    return {"id": t.id, "activation_id": t.activation_id, "order": t.order, "role": t.role, "group": t.group,
            "owner": t.owner, "person": t.person, "title": t.title, "deadline_minutes": t.deadline_minutes,
            "due_at": t.due_at, "status": t.status, "status_label": TASK_STATES.get(t.status, t.status),
            "overdue": t.overdue or is_overdue(t.status, t.due_at, now, t.done_at),
            "remaining_seconds": None if t.status == "done" else remaining_seconds(t.due_at, now),
            "started_at": t.started_at, "done_at": t.done_at, "note": t.note, "updated_by": t.updated_by}


def board(db: Session, principal: Principal, activation_id: int, now: datetime | None = None) -> dict[str, Any]:
    from yingji.core.scope import get_scoped

    a = get_scoped(db, principal, PlanActivation, activation_id, what="预案启动记录")
    now = now or utcnow()
    tasks = list(db.scalars(select(PlanTask).where(PlanTask.activation_id == a.id).order_by(PlanTask.order)))
    outs = [task_out(t, now) for t in tasks]
    counts = (len(outs), sum(t["status"] == "done" for t in outs), sum(t["overdue"] for t in outs))
    return activation_out(a, counts) | {"resources": a.resources or [], "tasks": outs, "now": now}


def list_drills(db: Session, *, principal: Principal, query: DrillQuery) -> dict[str, Any]:
    return DRILLS.page(db, principal, query)


def catalog() -> dict[str, Any]:
    return {"kinds": KINDS, "levels": LEVELS, "states": STATES, "task_states": TASK_STATES,
            "incident_types": INCIDENT_TYPES, "unit_types": UNIT_TYPES, "response_levels": RESPONSE_LEVELS,
            "drill_kinds": DRILL_KINDS}


__all__ = ["ACTIVATION_STATES", "EDITABLE", "matching_plans", "resources_for"]
