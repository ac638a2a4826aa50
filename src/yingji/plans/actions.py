"""Every write of the plans domain: plans and their lifecycle and versions, activations and their task
boards, drills and their evaluation, import from a template.

Each public function is one action: permission checked, one transaction (``atomic``), an audit record
and an event (``plan.*``, with ``activation_id``/``plan_id`` and ``unit_id`` in the payload — the
activation board listens for them). Times that matter for deadlines can be passed in (``now``) so the
tests and drills control the clock; by default they are ``utcnow()``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Division
from yingji.core.errors import Conflict, Forbidden, ValidationFailed
from yingji.core.scope import ensure_in_scope, get_scoped, in_scope
from yingji.plans import permissions
from yingji.plans.catalog import (
    DRILL_KINDS,
    INCIDENT_TYPES,
    KINDS,
    RESPONSE_LEVELS,
    STATES,
    TASK_STATES,
    grade_label,
)
from yingji.plans.content import board_tasks, is_overdue, normalise, resources_at, response_level_for
from yingji.plans.importing import parse
from yingji.plans.lifecycle import ACTION_LABELS, ACTIVATABLE, LifecycleError, next_state
from yingji.plans.models import ContingencyPlan, Drill, PlanActivation, PlanTask, PlanVersion
from yingji.plans.schemas import (
    ActivationIn,
    DrillIn,
    EvaluationIn,
    PlanContentIn,
    PlanIn,
    PlanPatch,
    TaskPatch,
    TransitionIn,
)
from yingji.plans.service import types_column
from yingji.units.models import Unit


def _check(actor: Principal, reason: str | None, field: str | None = None) -> None:
    if reason is not None:
        raise Forbidden(reason, field=field)


def _snapshot(p: ContingencyPlan) -> dict[str, Any]:
    return {"title": p.title, "kind": p.kind, "level": p.level, "state": p.state, "version": p.version,
            "filing_no": p.filing_no}


def _payload(p: ContingencyPlan, **extra: Any) -> dict[str, Any]:
    return {"plan_id": p.id, "unit_id": p.unit_id, "state": p.state, "version": p.version, **extra}


def _content(content: PlanContentIn | dict[str, Any]) -> dict[str, Any]:
    if isinstance(content, PlanContentIn):
        return content.model_dump(mode="json")
    return normalise(PlanContentIn.model_validate(content).model_dump(mode="json"))


def _new_version(db: Session, actor: Principal, p: ContingencyPlan, note: str, now: datetime) -> PlanVersion:
    number = (db.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == p.id)) or 0) + 1
    v = PlanVersion(plan_id=p.id, division_code=p.division_code, unit_id=p.unit_id, number=number, state=p.state,
                    title=p.title, content=p.content, note=note[:300], created_by=actor.username, created_at=now)
    db.add(v)
    p.version = number
    return v


def _place(db: Session, actor: Principal, data: PlanIn) -> tuple[str, int | None]:
    """The division and unit of a new plan: inside the actor's jurisdiction; a unit plan is its unit's."""
    unit_id = data.unit_id
    if data.level == "unit":
        if unit_id is None:
            raise ValidationFailed("单位预案须指明编制单位", field="unit_id")
        unit = get_scoped(db, actor, Unit, unit_id, what="单位")
        return unit.division_code, unit.id
    if unit_id is not None:
        raise ValidationFailed("只有单位预案关联单位", field="unit_id")
    expected = {"city": 6, "county": 6}[data.level]
    if len(data.division_code) != expected or (data.level == "city") != data.division_code.endswith("00"):
        raise ValidationFailed("市级预案填市的 6 位代码（如 350100），县级预案填区县的 6 位代码", field="division_code")
    ensure_in_scope(actor, data.division_code)
    if db.get(Division, data.division_code) is None:
        raise ValidationFailed(f"区划 {data.division_code} 不存在", field="division_code")
    if actor.unit_id is not None:
        raise Forbidden("企业用户只能编制本单位预案", field="level")
    return data.division_code, None


def _create(db: Session, actor: Principal, data: PlanIn, *, note: str, synthetic: bool = False) -> ContingencyPlan:
    division_code, unit_id = _place(db, actor, data)
    now = utcnow()
    content = _content(data.content)
    p = ContingencyPlan(title=data.title, kind=data.kind, level=data.level, division_code=division_code,
                        unit_id=unit_id, department=data.department, incident_types=types_column(content),
                        state="draft", content=content, version=0, synthetic=synthetic, created_by=actor.username,
                        created_at=now, updated_at=now)
    db.add(p)
    db.flush()
    _new_version(db, actor, p, note, now)
    audit.record(db, actor, "plan.created", "contingency_plan", p.id, division_code=p.division_code,
                 after=_snapshot(p))
    events.emit(db, "plan.created", division_code=p.division_code, actor=actor.username,
                summary=f"新建{KINDS[p.kind]}：{p.title}", payload=_payload(p))
    return p


def create_plan(db: Session, actor: Principal, data: PlanIn) -> ContingencyPlan:
    _check(actor, permissions.write_refusal(actor))
    with atomic(db):
        return _create(db, actor, data, note="新建（初稿）")


def update_plan(db: Session, actor: Principal, plan_id: int, data: PlanPatch) -> ContingencyPlan:
    """Edit a draft or a plan under revision: every save is a new immutable version."""
    _check(actor, permissions.write_refusal(actor))
    with atomic(db):
        p = get_scoped(db, actor, ContingencyPlan, plan_id, what="预案")
        _check(actor, permissions.edit_refusal(actor, p), "state")
        before = _snapshot(p)
        if data.title is not None:
            p.title = data.title
        if data.department is not None:
            p.department = data.department
        if data.content is not None:
            p.content = _content(data.content)
            p.incident_types = types_column(p.content)
        now = utcnow()
        p.updated_at = now
        v = _new_version(db, actor, p, data.note or "修改", now)
        audit.record(db, actor, "plan.updated", "contingency_plan", p.id, division_code=p.division_code,
                     before=before, after=_snapshot(p))
        events.emit(db, "plan.updated", division_code=p.division_code, actor=actor.username,
                    summary=f"预案《{p.title}》保存为第 {v.number} 版", payload=_payload(p))
    return p


def transition_plan(db: Session, actor: Principal, plan_id: int, body: TransitionIn) -> ContingencyPlan:
    """审批 / 备案 / 启动修订 (see :mod:`yingji.plans.lifecycle`)."""
    _check(actor, permissions.write_refusal(actor))
    with atomic(db):
        p = get_scoped(db, actor, ContingencyPlan, plan_id, what="预案")
        _check(actor, permissions.transition_refusal(actor, p, body.action), "action")
        try:
            target = next_state(p.state, body.action)
        except LifecycleError as e:
            raise Conflict(str(e), field="action") from None
        if body.action == "approve" and not normalise(p.content)["triggers"]:
            raise ValidationFailed("预案没有启动条件（事件类型与等级），不能审批", field="action")
        if body.action == "file" and not body.filing_no:
            raise ValidationFailed("备案须填写备案编号", field="filing_no")
        before = _snapshot(p)
        now = utcnow()
        from_state, p.state, p.updated_at = p.state, target, now
        if body.action == "approve":
            p.approved_at = now
            _new_version(db, actor, p, body.note or "审批通过", now)
        elif body.action == "file":
            p.filed_at, p.filing_no = now, body.filing_no
        audit.record(db, actor, f"plan.{body.action}", "contingency_plan", p.id, division_code=p.division_code,
                     before=before, after=_snapshot(p) | {"note": body.note})
        events.emit(db, f"plan.{body.action}", division_code=p.division_code, actor=actor.username,
                    summary=f"预案《{p.title}》{ACTION_LABELS[body.action]}：{STATES[from_state]} → {STATES[target]}",
                    payload=_payload(p, action=body.action))
    return p


def activate_plan(db: Session, actor: Principal, plan_id: int, body: ActivationIn,
                  now: datetime | None = None) -> PlanActivation:
    """Start a plan (预案启动) for an incident, or for a point, type and grade: the task board is created
    from the plan's roles at the response level, each task due ``deadline_minutes`` after ``now``."""
    _check(actor, permissions.response_refusal(actor))
    with atomic(db):
        p = get_scoped(db, actor, ContingencyPlan, plan_id, what="预案")
        if p.state not in ACTIVATABLE:
            raise Conflict(f"预案当前为“{STATES[p.state]}”，须审批或备案后才能启动", field="plan_id")
        division_code = body.division_code or (
            p.division_code if in_scope(actor.scope_code, p.division_code) else actor.scope_code)
        ensure_in_scope(actor, division_code)
        if not in_scope(p.division_code, division_code):
            raise ValidationFailed("事发区划不在预案适用范围内", field="division_code")
        if db.get(Division, division_code) is None:
            raise ValidationFailed(f"区划 {division_code} 不存在", field="division_code")
        grade = int(body.grade)
        level = body.response_level or response_level_for(p.content, body.incident_type, grade)
        at = now or utcnow()
        title = body.title or (f"事件 #{body.incident_id}" if body.incident_id else
                               f"{INCIDENT_TYPES.get(body.incident_type, body.incident_type)}（{grade_label(grade)}）")
        a = PlanActivation(plan_id=p.id, plan_version=p.version, plan_title=p.title, division_code=division_code,
                           unit_id=p.unit_id, incident_id=body.incident_id, incident_type=body.incident_type,
                           grade=grade, response_level=level, title=title, lon=body.lon, lat=body.lat,
                           resources=resources_at(p.content, level), state="active", activated_by=actor.username,
                           activated_at=at)
        db.add(a)
        db.flush()
        specs = board_tasks(p.content, level, at)
        for s in specs:
            db.add(PlanTask(activation_id=a.id, division_code=division_code, unit_id=p.unit_id, order=s.order,
                            role=s.role, group=s.group, owner=s.owner, person="", title=s.title,
                            deadline_minutes=s.deadline_minutes, due_at=s.due_at, status="todo", overdue=False,
                            note="", updated_by=actor.username, updated_at=at))
        audit.record(db, actor, "plan.activated", "plan_activation", a.id, division_code=division_code,
                     after={"plan_id": p.id, "plan_version": p.version, "incident_id": body.incident_id,
                            "incident_type": body.incident_type, "grade": grade, "response_level": level,
                            "tasks": len(specs)})
        events.emit(db, "plan.activated", division_code=division_code, actor=actor.username,
                    summary=f"启动《{p.title}》{RESPONSE_LEVELS[level]}：{title}（任务 {len(specs)} 项）",
                    payload={"activation_id": a.id, "plan_id": p.id, "incident_id": body.incident_id,
                             "unit_id": p.unit_id, "response_level": level})
    return a


def update_task(db: Session, actor: Principal, task_id: int, body: TaskPatch, now: datetime | None = None) -> PlanTask:
    """Move a task (待办 → 进行中 → 完成, or back), name its person, add a note."""
    _check(actor, permissions.response_refusal(actor))
    with atomic(db):
        t = get_scoped(db, actor, PlanTask, task_id, what="任务")
        a = db.get(PlanActivation, t.activation_id)
        if a is not None and a.state != "active":
            raise Conflict("预案响应已结束，任务不能再修改", field="status")
        at = now or utcnow()
        before = {"status": t.status, "person": t.person, "note": t.note}
        if body.status is not None and body.status != t.status:
            t.status = body.status
            if body.status == "doing":
                t.started_at, t.done_at = t.started_at or at, None
            elif body.status == "done":
                t.started_at, t.done_at = t.started_at or at, at
            else:
                t.started_at, t.done_at = None, None
            t.overdue = is_overdue(t.status, t.due_at, at, t.done_at)
        if body.person is not None:
            t.person = body.person
        if body.note is not None:
            t.note = body.note
        t.updated_by, t.updated_at = actor.username, at
        audit.record(db, actor, "plan.task_updated", "plan_task", t.id, division_code=t.division_code,
                     before=before, after={"status": t.status, "person": t.person, "note": t.note})
        events.emit(db, "plan.task_updated", division_code=t.division_code, actor=actor.username,
                    summary=f"任务“{t.title}”{TASK_STATES[t.status]}" + (f"（{t.person}）" if t.person else ""),
                    payload={"activation_id": t.activation_id, "task_id": t.id, "status": t.status,
                             "unit_id": t.unit_id})
    return t


def close_activation(db: Session, actor: Principal, activation_id: int, now: datetime | None = None) -> PlanActivation:
    """End the response (响应终止)."""
    _check(actor, permissions.response_refusal(actor))
    with atomic(db):
        a = get_scoped(db, actor, PlanActivation, activation_id, what="预案启动记录")
        if a.state != "active":
            raise Conflict("预案响应已结束", field="state")
        a.state, a.closed_at = "closed", now or utcnow()
        audit.record(db, actor, "plan.activation_closed", "plan_activation", a.id, division_code=a.division_code,
                     before={"state": "active"}, after={"state": "closed"})
        events.emit(db, "plan.activation_closed", division_code=a.division_code, actor=actor.username,
                    summary=f"《{a.plan_title}》响应终止：{a.title}",
                    payload={"activation_id": a.id, "plan_id": a.plan_id, "unit_id": a.unit_id})
    return a


def check_overdue(db: Session, actor: Principal, now: datetime | None = None) -> list[PlanTask]:
    """Flag the open tasks of active boards whose deadline has passed (an audit record and an event per newly
    overdue task; a run that finds none writes nothing). Run by ``yingji plans overdue``, the background
    check under ``yingji serve`` (``YINGJI_PLANS_OVERDUE_INTERVAL``) or a city-level user."""
    _check(actor, permissions.overdue_check_refusal(actor))
    at = now or utcnow()
    flagged: list[PlanTask] = []
    with atomic(db):
        rows = db.scalars(select(PlanTask).join(PlanActivation, PlanActivation.id == PlanTask.activation_id).where(
            PlanActivation.state == "active", PlanTask.status != "done", PlanTask.overdue.is_(False),
            PlanTask.due_at < at))
        from yingji.core.scope import visible

        for t in rows:
            if not visible(actor, t):
                continue
            t.overdue = True
            flagged.append(t)
            audit.record(db, actor, "plan.task_overdue", "plan_task", t.id, division_code=t.division_code,
                         after={"due_at": t.due_at, "checked_at": at})
            events.emit(db, "plan.task_overdue", division_code=t.division_code, actor=actor.username,
                        summary=f"任务逾期：“{t.title}”（{t.owner or t.role}）",
                        payload={"activation_id": t.activation_id, "task_id": t.id, "unit_id": t.unit_id})
    return flagged


def record_drill(db: Session, actor: Principal, body: DrillIn) -> Drill:
    _check(actor, permissions.write_refusal(actor))
    with atomic(db):
        p = get_scoped(db, actor, ContingencyPlan, body.plan_id, what="预案")
        division_code = p.division_code if in_scope(actor.scope_code, p.division_code) else actor.scope_code
        ensure_in_scope(actor, division_code)
        d = Drill(plan_id=p.id, plan_title=p.title, division_code=division_code, unit_id=p.unit_id, title=body.title,
                  kind=body.kind, held_at=body.held_at, location=body.location, participants=body.participants,
                  scenario=body.scenario, findings=[], synthetic=False, created_by=actor.username, created_at=utcnow())
        db.add(d)
        db.flush()
        audit.record(db, actor, "plan.drill_recorded", "plan_drill", d.id, division_code=d.division_code,
                     after={"plan_id": p.id, "title": d.title, "kind": d.kind})
        events.emit(db, "plan.drill_recorded", division_code=d.division_code, actor=actor.username,
                    summary=f"{DRILL_KINDS[d.kind]}：{d.title}（《{p.title}》）",
                    payload={"drill_id": d.id, "plan_id": p.id, "unit_id": d.unit_id})
    return d


def evaluate_drill(db: Session, actor: Principal, drill_id: int, body: EvaluationIn) -> Drill:
    _check(actor, permissions.write_refusal(actor))
    with atomic(db):
        d = get_scoped(db, actor, Drill, drill_id, what="演练记录")
        before = {"score": d.score, "findings": d.findings}
        d.score = body.score
        d.findings = [f.model_dump(mode="json") for f in body.findings]
        d.evaluated_by, d.evaluated_at = actor.username, utcnow()
        audit.record(db, actor, "plan.drill_evaluated", "plan_drill", d.id, division_code=d.division_code,
                     before=before, after={"score": d.score, "findings": d.findings})
        events.emit(db, "plan.drill_evaluated", division_code=d.division_code, actor=actor.username,
                    summary=f"演练“{d.title}”评估：{d.score} 分，发现问题 {len(d.findings)} 项",
                    payload={"drill_id": d.id, "plan_id": d.plan_id, "unit_id": d.unit_id})
    return d


def revise_from_drill(db: Session, actor: Principal, drill_id: int) -> ContingencyPlan:
    """Feed a drill's findings into a revision: the plan (if approved or filed) is opened for revision
    and a draft version is saved with the findings as 修订事项."""
    _check(actor, permissions.write_refusal(actor))
    with atomic(db):
        d = get_scoped(db, actor, Drill, drill_id, what="演练记录")
        if d.evaluated_at is None or not d.findings:
            raise ValidationFailed("演练尚未评估或没有发现问题，无需据此修订", field="drill_id")
        if d.revision_version is not None:
            raise Conflict(f"该演练的问题已纳入预案第 {d.revision_version} 版修订稿", field="drill_id")
        p = get_scoped(db, actor, ContingencyPlan, d.plan_id, what="预案")
        before = _snapshot(p)
        if p.state in ACTIVATABLE:
            _check(actor, permissions.transition_refusal(actor, p, "revise"), "action")
            p.state = next_state(p.state, "revise")
        content = normalise(dict(p.content))
        content["revision_notes"] = list(content["revision_notes"]) + [
            {"text": f"［演练“{d.title}”·{f.get('section', 'other')}］{f['text']}", "source": "drill", "drill_id": d.id}
            for f in d.findings]
        p.content = content
        now = utcnow()
        p.updated_at = now
        v = _new_version(db, actor, p, f"根据演练“{d.title}”发现的问题生成修订稿", now)
        d.revision_version = v.number
        audit.record(db, actor, "plan.revised_from_drill", "contingency_plan", p.id, division_code=p.division_code,
                     before=before, after=_snapshot(p) | {"drill_id": d.id})
        events.emit(db, "plan.revised_from_drill", division_code=p.division_code, actor=actor.username,
                    summary=f"预案《{p.title}》据演练发现问题生成修订稿（第 {v.number} 版）",
                    payload=_payload(p, drill_id=d.id))
    return p


def import_plan(db: Session, actor: Principal, filename: str, data: bytes, *,
                dry_run: bool = False) -> dict[str, Any]:
    """Create a draft plan from a filled template (.docx/.xlsx); with any problem nothing is written and
    every problem is answered with where it is."""
    _check(actor, permissions.write_refusal(actor))
    parsed = parse(filename, data)
    out: dict[str, Any] = {"ok": False, "plan_id": None, "title": parsed.meta.get("title"), "content": None,
                           "errors": parsed.errors}
    if parsed.errors:
        return out
    try:
        body = PlanIn.model_validate({"title": parsed.meta["title"], "kind": parsed.meta["kind"],
                                      "level": parsed.meta["level"], "division_code": parsed.meta["division_code"],
                                      "department": parsed.meta.get("department", ""), "content": parsed.content})
    except ValueError as e:
        out["errors"] = [{"where": "内容", "message": str(e).splitlines()[0]}]
        return out
    out["content"] = body.content.model_dump(mode="json")
    if dry_run:
        out["ok"] = True
        return out
    if body.level == "unit":
        out["errors"] = [{"where": "基本信息", "message": "单位预案请在预案库中新建后粘贴内容（导入不关联单位）"}]
        return out
    with atomic(db):
        p = _create(db, actor, body, note=f"从模板导入（{filename[:100]}）")
    out.update(ok=True, plan_id=p.id)
    return out
