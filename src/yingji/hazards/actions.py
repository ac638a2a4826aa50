"""Every write of the hazards domain: inspections, hazards, transitions, plans, listings, escalation.

Each public function is one action: permission checked, one transaction (``atomic``), an audit
record per changed entity, events (with ``unit_id`` in the payload) published after commit.

Field ownership (who may set what): the rectification deadline (整改期限) of a hazard is the
supervising government's. An enterprise may propose one only while the hazard has none (its
first deadline, at most ``enterprise_max_deadline_days`` ahead); after that only government
users set or move it, and an enterprise's plan time limit must not pass it. 挂牌督办, 摘牌,
confirmation, acceptance, rejection and closure are government acts.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events, hooks, uploads
from yingji.core.auth import Principal
from yingji.core.city import city_profile
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Division
from yingji.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from yingji.core.scope import get_scoped, scoped
from yingji.core.timeutil import to_local
from yingji.hazards import permissions
from yingji.hazards.catalog import default_tier_config, hazard_code, load_checklists
from yingji.hazards.escalation import SUPERVISION_LABELS, default_escalation_config, evaluate
from yingji.hazards.lifecycle import ACTION_LABELS, STATE_LABELS, next_state, next_step
from yingji.hazards.models import Hazard, HazardTransition, Inspection, Notification, SupervisionListing
from yingji.hazards.schemas import HazardIn, InspectionIn, LiftIn, ListingIn, PlanIn, TransitionIn
from yingji.units.models import Unit

# Hook sent inside record_inspection when the inspection completes a planned enforcement visit:
# the enforcement domain (above this one) validates and marks the visit (see core.hooks).
INSPECTION_RECORDED_HOOK = "hazards.inspection_recorded"
RECIPIENT_LABELS = {"unit": "生产经营单位", "supervisor": "行业监管部门", "county_safety_office": "县级安委办",
                    "city_safety_office": "市安委办"}

AUTO_LIFT_REASON = "隐患销号，自动摘牌"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20


def _snapshot(h: Hazard) -> dict[str, Any]:
    return {"code": h.code, "unit_id": h.unit_id, "title": h.title, "tier": h.tier, "state": h.state,
            "deadline": h.deadline, "overdue": h.overdue, "supervision_level": h.supervision_level,
            "plan": h.plan}


def _payload(h: Hazard, **extra: Any) -> dict[str, Any]:
    return {"hazard_id": h.id, "unit_id": h.unit_id, "code": h.code, "state": h.state, "tier": h.tier, **extra}


def _recipients(db: Session, h: Hazard, audience: str, level: str | None) -> str:
    """Who a to-do is for, in words: the unit by name, or the supervising level's government."""
    if audience == "unit":
        unit = db.get(Unit, h.unit_id)
        return f"生产经营单位（{unit.name}）" if unit is not None else "生产经营单位"
    if level == "city":
        return f"{city_profile().city_name}监管部门"
    county = db.get(Division, h.division_code[:6])
    return f"{county.name if county else '属地'}监管部门"


def _address_next(db: Session, h: Hazard, now: datetime, *, rejected: bool = False) -> dict[str, Any] | None:
    """Address the hazard's next step to whoever must take it: a to-do (a :class:`Notification`) —
    the previous open to-dos are done — and, returned, what the step's event carries as ``todo``
    in its payload (the event is thus addressed: the browsers of that audience show it as theirs).

    Nothing changes (None) when the current to-do is already addressed the same way (e.g. a listing
    that does not change the supervising level).
    """
    step = next_step(h.state, h.supervision_level, rejected=rejected)
    open_todos = list(db.execute(select(Notification).where(
        Notification.hazard_id == h.id, Notification.kind == "todo", Notification.done_at.is_(None))).scalars())
    if step is not None and not rejected and any(
            (n.audience, n.action, n.audience_level) == (step.audience, step.action, step.level) for n in open_todos):
        return None
    for n in open_todos:
        n.done_at = now
    if step is None:
        return None
    recipients = _recipients(db, h, step.audience, step.level)
    notice = Notification(hazard_id=h.id, unit_id=h.unit_id, division_code=h.division_code, kind="todo",
                          recipients=recipients, message=f"隐患 {h.code}（{h.title}）{step.message}", at=now,
                          audience=step.audience, audience_level=step.level, action=step.action)
    db.add(notice)
    db.flush()
    return {"notice_id": notice.id, "audience": step.audience, "audience_level": step.level, "action": step.action,
            "recipients": recipients, "message": notice.message}


def _unit(db: Session, actor: Principal, unit_id: int) -> Unit:
    return get_scoped(db, actor, Unit, unit_id, what="生产经营单位")


def _plan_json(plan: PlanIn | None) -> dict[str, Any]:
    return plan.model_dump(mode="json", exclude_none=True) if plan is not None else {}


def _new_hazard(db: Session, actor: Principal, unit: Unit, *, title: str, description: str, tier: str,
                inspection_id: int | None = None, checklist_item_code: str | None = None,
                deadline: datetime | None = None, lon: float | None = None, lat: float | None = None,
                discovered_at: datetime | None = None) -> Hazard:
    tier_info = default_tier_config().tier(tier)  # 422 naming the tier field when unknown
    now = utcnow()
    h = Hazard(code="tmp-" + uuid.uuid4().hex[:24], unit_id=unit.id, division_code=unit.division_code,
               inspection_id=inspection_id, checklist_item_code=checklist_item_code, title=title,
               description=description, tier=tier, lon=lon if lon is not None else unit.lon,
               lat=lat if lat is not None else unit.lat, attachments=[], state="reported", deadline=deadline,
               plan=None, overdue=False, supervision_level=None, applied_steps=[], reported_by=actor.username,
               discovered_at=discovered_at or now, synthetic=False)
    db.add(h)
    db.flush()
    h.code = hazard_code(now, h.id)
    db.add(HazardTransition(hazard_id=h.id, unit_id=h.unit_id, division_code=h.division_code, from_state=None,
                            to_state="reported", action="report", actor=actor.username, reason=None, at=now))
    audit.record(db, actor, "hazard.reported", "hazard", h.id, division_code=h.division_code, after=_snapshot(h))
    todo = _address_next(db, h, now)
    events.emit(db, "hazard.reported", division_code=h.division_code, actor=actor.username,
                summary=f"{unit.name} 上报{tier_info.label}：{h.title}", payload=_payload(h, todo=todo))
    return h


def _enterprise_first_deadline(actor: Principal, deadline: datetime | None, field: str = "deadline") -> None:
    """An enterprise may propose a hazard's first deadline, within the configured horizon."""
    if actor.unit_id is None or deadline is None:
        return
    horizon = default_escalation_config().enterprise_max_deadline_days
    if deadline > utcnow() + timedelta(days=horizon):
        raise ValidationFailed(f"企业提出的整改期限不能晚于 {horizon} 天之后（更长期限须由监管部门设定）", field=field)


def _set_deadline(actor: Principal, h: Hazard, deadline: datetime, field: str = "deadline") -> None:
    """Set or move the official deadline: government users always; an enterprise only the first one."""
    if actor.unit_id is not None:
        if h.deadline is not None and deadline != h.deadline:
            raise Forbidden("整改期限由监管部门设定，企业用户不能修改", field=field)
        _enterprise_first_deadline(actor, deadline, field)
    h.deadline = deadline


def _plan_within_deadline(actor: Principal, h: Hazard, plan: dict[str, Any], field: str = "plan.deadline") -> None:
    """An enterprise's plan time limit (五到位 “时限”) may not pass the official deadline."""
    if actor.unit_id is None or h.deadline is None or not plan.get("deadline"):
        return
    proposed = datetime.fromisoformat(str(plan["deadline"]))
    if proposed > h.deadline:
        raise ValidationFailed(f"整改方案的时限不能晚于监管部门设定的整改期限（{to_local(h.deadline):%Y-%m-%d %H:%M}）",
                               field=field)


def report_hazard(db: Session, actor: Principal, data: HazardIn) -> Hazard:
    actor.require("hazards:write")
    _enterprise_first_deadline(actor, data.deadline)
    with atomic(db):
        unit = _unit(db, actor, data.unit_id)
        if data.inspection_id is not None:
            insp = get_scoped(db, actor, Inspection, data.inspection_id, what="检查记录")
            if insp.unit_id != unit.id:
                raise ValidationFailed("检查记录不属于该单位", field="inspection_id")
        h = _new_hazard(db, actor, unit, title=data.title, description=data.description, tier=data.tier,
                        inspection_id=data.inspection_id, checklist_item_code=data.checklist_item_code,
                        deadline=data.deadline, lon=data.lon, lat=data.lat, discovered_at=data.discovered_at)
    return h


def record_inspection(db: Session, actor: Principal, data: InspectionIn) -> tuple[Inspection, list[Hazard]]:
    """Record an inspection with its checklist results; each failed item may become a hazard."""
    actor.require("hazards:write")
    with atomic(db):
        unit = _unit(db, actor, data.unit_id)
        if data.kind == "department" and actor.unit_id is not None:
            raise Forbidden("企业用户只能登记企业自查记录", field="kind")
        checklist = {i.code: i for i in load_checklists().get(unit.industry, ())}
        items: list[dict[str, Any]] = []
        for k, it in enumerate(data.items):
            ref = checklist.get(it.code)
            if ref is None:
                raise ValidationFailed(f"检查项 {it.code} 不在“{unit.industry}”行业检查表中",
                                       field=f"items.{k}.code")
            if it.tier is not None:
                default_tier_config().tier(it.tier)
            items.append({"code": it.code, "text": ref.text, "result": it.result, "note": it.note,
                          "tier": (it.tier or ref.suggested_tier) if it.result == "fail" else None})
        if data.planned_inspection_id is not None and data.kind != "department":
            raise ValidationFailed("年度执法检查计划只能由部门检查完成，企业自查不能关联", field="planned_inspection_id")
        _enterprise_first_deadline(actor, data.deadline)
        insp = Inspection(unit_id=unit.id, division_code=unit.division_code, kind=data.kind,
                          inspector=data.inspector, department=data.department or "",
                          industry=unit.industry, items=items, failed_count=sum(i["result"] == "fail" for i in items),
                          inspected_at=data.inspected_at, planned_inspection_id=None,
                          notes=data.notes, created_by=actor.username)
        db.add(insp)
        db.flush()
        if data.planned_inspection_id is not None:
            handled = hooks.send(db, actor, INSPECTION_RECORDED_HOOK, inspection=insp,
                                 planned_inspection_id=data.planned_inspection_id)
            if not handled:
                raise ValidationFailed("本平台未启用年度执法检查计划，不能关联计划检查", field="planned_inspection_id")
            insp.planned_inspection_id = data.planned_inspection_id
        audit.record(db, actor, "inspection.recorded", "inspection", insp.id, division_code=insp.division_code,
                     after={"unit_id": unit.id, "kind": insp.kind, "failed": insp.failed_count,
                            "planned_inspection_id": insp.planned_inspection_id})
        events.emit(db, "inspection.recorded", division_code=insp.division_code, actor=actor.username,
                    summary=f"{unit.name} 检查记录：不合格 {insp.failed_count} 项",
                    payload={"inspection_id": insp.id, "unit_id": unit.id})
        hazards = []
        for it, src in zip(items, data.items):
            if it["result"] != "fail" or not src.create_hazard:
                continue
            hazards.append(_new_hazard(
                db, actor, unit, title=src.title or it["text"][:200], description=(it["note"] or it["text"]),
                tier=it["tier"], inspection_id=insp.id, checklist_item_code=it["code"], deadline=data.deadline,
                discovered_at=data.inspected_at))
    return insp, hazards


def transition(db: Session, actor: Principal, hazard_id: int, body: TransitionIn) -> Hazard:
    actor.require("hazards:write")
    with atomic(db):
        h = get_scoped(db, actor, Hazard, hazard_id, what="隐患")
        if (reason := permissions.transition_refusal(actor, h, body.action)) is not None:
            raise Forbidden(reason, field="action")
        before = _snapshot(h)
        tier = default_tier_config().tier(h.tier)
        plan = dict(h.plan or {})
        if body.plan is not None:
            plan.update(_plan_json(body.plan))
        target = next_state(h.state, body.action, tier_requires_plan=tier.requires_plan, plan=plan,
                            reason=body.reason)
        now = utcnow()
        if body.deadline is not None:
            _set_deadline(actor, h, body.deadline)
        elif target == "rectifying" and h.deadline is None and plan.get("deadline"):
            _set_deadline(actor, h, datetime.fromisoformat(str(plan["deadline"])), field="plan.deadline")
        if body.plan is not None:
            _plan_within_deadline(actor, h, plan)
            h.plan = plan
        from_state = h.state
        h.state = target
        h.updated_at = now
        if target == "closed":
            h.closed_at = now
            for listing in db.execute(select(SupervisionListing).where(
                    SupervisionListing.hazard_id == h.id, SupervisionListing.lifted_at.is_(None))).scalars():
                listing.lifted_at = now  # 销号即摘牌
                listing.lifted_by, listing.lift_reason = actor.username, AUTO_LIFT_REASON
        db.add(HazardTransition(hazard_id=h.id, unit_id=h.unit_id, division_code=h.division_code,
                                from_state=from_state, to_state=target, action=body.action, actor=actor.username,
                                reason=body.reason, at=now))
        audit.record(db, actor, f"hazard.{body.action}", "hazard", h.id, division_code=h.division_code,
                     before=before, after=_snapshot(h) | {"reason": body.reason})
        todo = _address_next(db, h, now, rejected=body.action == "reject")
        events.emit(db, f"hazard.{body.action}", division_code=h.division_code, actor=actor.username,
                    summary=f"隐患 {h.code} {ACTION_LABELS[body.action]}：{STATE_LABELS[from_state]} → "
                            f"{STATE_LABELS[target]}", payload=_payload(h, action=body.action, todo=todo))
    return h


def update_plan(db: Session, actor: Principal, hazard_id: int, plan: PlanIn) -> Hazard:
    actor.require("hazards:write")
    with atomic(db):
        h = get_scoped(db, actor, Hazard, hazard_id, what="隐患")
        if h.state in ("accepted", "closed"):
            raise Conflict(f"隐患已{STATE_LABELS[h.state]}，不能修改整改方案", field="plan")
        before = _snapshot(h)
        merged = dict(h.plan or {})
        merged.update(_plan_json(plan))
        if plan.deadline is not None and h.state in ("reported", "confirmed") and (
                actor.unit_id is None or h.deadline is None):
            _set_deadline(actor, h, plan.deadline, field="deadline")
        _plan_within_deadline(actor, h, merged, field="deadline")
        h.plan = merged
        h.updated_at = utcnow()
        audit.record(db, actor, "hazard.plan_updated", "hazard", h.id, division_code=h.division_code,
                     before=before, after=_snapshot(h))
        events.emit(db, "hazard.plan_updated", division_code=h.division_code, actor=actor.username,
                    summary=f"隐患 {h.code} 整改方案已更新", payload=_payload(h))
    return h


def _notice(db: Session, h: Hazard, kind: str, recipients: str, message: str, at: datetime) -> Notification:
    n = Notification(hazard_id=h.id, unit_id=h.unit_id, division_code=h.division_code, kind=kind,
                     recipients=recipients, message=message, at=at)
    db.add(n)
    return n


def list_for_supervision(db: Session, actor: Principal, hazard_id: int, body: ListingIn) -> SupervisionListing:
    """挂牌督办 by hand: county officers at county level, city users at city level."""
    actor.require("hazards:write")
    with atomic(db):
        h = get_scoped(db, actor, Hazard, hazard_id, what="隐患")
        if (reason := permissions.listing_refusal(actor, body.level)) is not None:
            raise Forbidden(reason, field="level")
        if h.state == "closed":
            raise Conflict("隐患已销号，不能挂牌督办", field="level")
        rank = {None: 0, "county": 1, "city": 2}
        if rank[h.supervision_level] >= rank[body.level]:
            raise Conflict(f"该隐患已处于{SUPERVISION_LABELS[h.supervision_level]}", field="level")
        before = _snapshot(h)
        now = utcnow()
        listing = SupervisionListing(hazard_id=h.id, unit_id=h.unit_id, division_code=h.division_code,
                                     level=body.level, listed_by=body.listed_by, notice_no=body.notice_no,
                                     deadline=body.deadline, reason=body.reason, automatic=False,
                                     actor=actor.username, listed_at=now)
        db.add(listing)
        h.supervision_level, h.listed_at, h.updated_at = body.level, now, now
        _notice(db, h, "listing", "unit,supervisor",
                f"{body.listed_by}对隐患 {h.code} 实行{SUPERVISION_LABELS[body.level]}，限期整改通知 {body.notice_no}",
                now)
        db.flush()
        audit.record(db, actor, "hazard.listed", "hazard", h.id, division_code=h.division_code, before=before,
                     after=_snapshot(h) | {"listing_id": listing.id, "notice_no": body.notice_no})
        todo = _address_next(db, h, now)  # under city supervision the city acts next
        events.emit(db, "hazard.listed", division_code=h.division_code, actor=actor.username,
                    summary=f"隐患 {h.code} {SUPERVISION_LABELS[body.level]}（{body.notice_no}）",
                    payload=_payload(h, level=body.level, listing_id=listing.id, todo=todo))
    return listing


def _active_level(db: Session, h: Hazard) -> SupervisionListing | None:
    """The highest still-active listing of a hazard (city above county, then the latest)."""
    rows = list(db.execute(select(SupervisionListing).where(
        SupervisionListing.hazard_id == h.id, SupervisionListing.lifted_at.is_(None))).scalars())
    rows.sort(key=lambda x: (permissions.LEVEL_RANK.get(x.level, 0), x.listed_at, x.id), reverse=True)
    return rows[0] if rows else None


def lift_listing(db: Session, actor: Principal, hazard_id: int, listing_id: int, body: LiftIn) -> SupervisionListing:
    """摘牌 by hand, before 销号: only a government user at the listing's level or above.

    A county listing may be lifted by county or city (province) users, a city listing by city
    (province) users. The hazard's supervision level falls back to its highest remaining active
    listing (or none). Steps already applied by the overdue escalation stay applied, so the
    escalation does not list the hazard again at the same level.
    """
    actor.require("hazards:write")
    with atomic(db):
        h = get_scoped(db, actor, Hazard, hazard_id, what="隐患")
        listing = db.get(SupervisionListing, listing_id)
        if listing is None or listing.hazard_id != h.id:
            raise NotFound("挂牌督办记录不存在")
        if (reason := permissions.lift_refusal(actor, listing.level)) is not None:
            raise Forbidden(reason, field="listing_id")
        if listing.lifted_at is not None:
            raise Conflict("该挂牌督办已摘牌", field="listing_id")
        before = _snapshot(h)
        now = utcnow()
        listing.lifted_at, listing.lifted_by, listing.lift_reason = now, actor.username, body.reason
        db.flush()
        remaining = _active_level(db, h)
        h.supervision_level = remaining.level if remaining else None
        h.listed_at = remaining.listed_at if remaining else None
        h.updated_at = now
        _notice(db, h, "lifted", "unit,supervisor",
                f"隐患 {h.code} 解除{SUPERVISION_LABELS[listing.level]}（{listing.notice_no}），摘牌原因：{body.reason}",
                now)
        db.flush()
        audit.record(db, actor, "hazard.listing_lifted", "hazard", h.id, division_code=h.division_code,
                     before=before, after=_snapshot(h) | {"listing_id": listing.id, "level": listing.level,
                                                         "notice_no": listing.notice_no, "reason": body.reason})
        todo = _address_next(db, h, now)
        events.emit(db, "hazard.listing_lifted", division_code=h.division_code, actor=actor.username,
                    summary=f"隐患 {h.code} 摘牌：{SUPERVISION_LABELS[listing.level]}（{listing.notice_no}）",
                    payload=_payload(h, level=listing.level, listing_id=listing.id, reason=body.reason, todo=todo))
    return listing


# --- overdue escalation (逾期提醒、自动挂牌督办) ------------------------------------------------------

def escalate_overdue(db: Session, actor: Principal, now: datetime, *, simulated: bool = False,
                     allow_simulated: bool = True) -> dict[str, Any]:
    """Evaluate every open hazard in the actor's jurisdiction at ``now`` and apply the due steps.

    The steps (mark overdue, notify, list for county then city supervision) come from the pure
    :func:`yingji.hazards.escalation.evaluate`; each applied step's key is recorded on the hazard,
    so re-running at the same ``now`` changes nothing. Listings name the real safety committee
    office of the hazard's county (or the city's), from the city profile. A ``simulated`` clock
    (a drill, a test) is accepted only where the installation allows it (``YINGJI_CLOCK_OVERRIDE``
    for the API; the operator's CLI always may).
    """
    actor.require("hazards:write")
    if (reason := permissions.escalation_refusal(actor)) is not None:
        raise Forbidden(reason)
    if simulated and not allow_simulated:
        raise ValidationFailed("不能指定 now：模拟时间只在演练/测试环境开放（YINGJI_CLOCK_OVERRIDE）", field="now")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValidationFailed("now 必须带时区", field="now")
    cfg = default_escalation_config()
    profile = city_profile()
    summary: dict[str, Any] = {"now": now, "checked": 0, "overdue_marked": 0, "notified": 0, "county_listed": 0,
                               "city_listed": 0, "hazard_ids": []}
    with atomic(db):
        stmt = (scoped(actor, Hazard).where(Hazard.state.in_(sorted(cfg.escalating_states)),
                                            Hazard.deadline.is_not(None), Hazard.deadline < now)
                .order_by(Hazard.id))
        county_names: dict[str, str] = {}
        for h in db.execute(stmt).scalars().all():
            summary["checked"] += 1
            steps = evaluate({"state": h.state, "tier": h.tier, "deadline": h.deadline,
                              "supervision_level": h.supervision_level, "overdue_marked": h.overdue,
                              "applied": frozenset(h.applied_steps or [])}, now, config=cfg)
            if not steps:
                continue
            before = _snapshot(h)
            applied = list(h.applied_steps or [])
            escalated = None
            for step in steps:
                recipients = ",".join(RECIPIENT_LABELS.get(r, r) for r in step.recipients)
                if step.kind == "mark_overdue":
                    h.overdue = True
                    summary["overdue_marked"] += 1
                    events.emit(db, "hazard.overdue", division_code=h.division_code, actor=actor.username,
                                summary=f"隐患 {h.code} 逾期 {step.days_overdue} 天",
                                payload=_payload(h, days_overdue=step.days_overdue))
                elif step.kind == "notify":
                    _notice(db, h, "overdue", recipients, step.message, now)
                    summary["notified"] += 1
                    events.emit(db, "hazard.overdue_notified", division_code=h.division_code, actor=actor.username,
                                summary=f"隐患 {h.code} 逾期提醒已发送：{recipients}",
                                payload=_payload(h, days_overdue=step.days_overdue, recipients=recipients))
                else:
                    level = "county" if step.kind == "list_county" else "city"
                    county = h.division_code[:6]
                    if county not in county_names:
                        division = db.get(Division, county)
                        county_names[county] = division.name if division else ""
                    prefix = profile.notice_prefix(level, county_names[county])
                    db.add(SupervisionListing(
                        hazard_id=h.id, unit_id=h.unit_id, division_code=h.division_code, level=level,
                        listed_by=profile.safety_office(level, county_names[county]),
                        notice_no=f"{prefix}〔{to_local(now).year}〕{h.id}号",
                        deadline=now + timedelta(days=cfg.automatic_listing_days), reason=step.message,
                        automatic=True, actor=actor.username, listed_at=now))
                    if level == "city" or h.supervision_level is None:
                        h.supervision_level = level
                    h.listed_at = now
                    _notice(db, h, "listing", recipients, step.message, now)
                    summary[f"{level}_listed"] += 1
                    escalated = events.emit(db, "hazard.escalated", division_code=h.division_code,
                                            actor=actor.username,
                                            summary=f"隐患 {h.code} 逾期升级：{SUPERVISION_LABELS[level]}",
                                            payload=_payload(h, level=level, days_overdue=step.days_overdue))
                applied.append(step.key)
            h.applied_steps = applied
            if h.supervision_level != before["supervision_level"]:
                todo = _address_next(db, h, now)  # the escalation's (last) event carries the new addressee
                if todo is not None and escalated is not None:
                    escalated.payload = {**escalated.payload, "todo": todo}
            summary["hazard_ids"].append(h.id)
            audit.record(db, actor, "hazard.escalated", "hazard", h.id, division_code=h.division_code,
                         before=before, after=_snapshot(h) | {"steps": [s.key for s in steps], "now": now.isoformat()})
        db.flush()
    return summary


def add_attachment(db: Session, actor: Principal, hazard_id: int, *, filename: str, content_type: str,
                   content: bytes, data_dir: Path, policy: uploads.UploadPolicy | None = None) -> dict[str, Any]:
    """Store a photo or document of a hazard under ``<data_dir>/uploads/hazards/<id>/``.

    The whole file is checked (:func:`yingji.core.uploads.check`); its stored type and extension
    are what it is, whatever ``content_type`` the client claimed.
    """
    actor.require("hazards:write")
    checked = uploads.check(content, allowed=(uploads.IMAGE, uploads.PDF),
                            policy=policy or uploads.UploadPolicy(max_bytes=MAX_UPLOAD_BYTES))
    safe_name = checked.display_name(filename)
    with atomic(db):
        h = get_scoped(db, actor, Hazard, hazard_id, what="隐患")
        current = list(h.attachments or [])
        if len(current) >= MAX_ATTACHMENTS:
            raise Conflict(f"每个隐患最多 {MAX_ATTACHMENTS} 个附件", field="file")
        att_id = uuid.uuid4().hex
        stored = uploads.store(db, data_dir / "uploads" / "hazards" / str(h.id), att_id + checked.extension, content)
        meta = {"id": att_id, "filename": safe_name, "content_type": checked.content_type, "size": checked.size,
                "stored": str(stored.relative_to(data_dir)), "uploaded_at": utcnow().isoformat(),
                "uploaded_by": actor.username}
        h.attachments = current + [meta]
        h.updated_at = utcnow()
        audit.record(db, actor, "hazard.attachment_added", "hazard", h.id, division_code=h.division_code,
                     after={k: v for k, v in meta.items() if k != "stored"})
        events.emit(db, "hazard.attachment_added", division_code=h.division_code, actor=actor.username,
                    summary=f"隐患 {h.code} 新增附件 {safe_name}", payload=_payload(h, attachment_id=att_id))
        db.flush()
    return meta
