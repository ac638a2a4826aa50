"""Reads of the hazards domain, always through the jurisdiction filter."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.db import utcnow
from yingji.core.divisions import Division
from yingji.core.errors import ValidationFailed
from yingji.core.listing import ListSpec, before, contains, eq, since, within_division
from yingji.core.scope import get_scoped, scope_clause, scoped, within
from yingji.core.service import display_names
from yingji.core.timeutil import local_tz
from yingji.hazards import permissions
from yingji.hazards.catalog import default_tier_config, load_checklists
from yingji.hazards.escalation import SUPERVISION_LABELS, default_escalation_config
from yingji.hazards.lifecycle import ACTION_LABELS, STATE_LABELS, missing_plan_fields
from yingji.hazards.models import Hazard, HazardTransition, Inspection, Notification, SupervisionListing
from yingji.hazards.schemas import (
    HazardOut,
    HazardQuery,
    InspectionOut,
    InspectionQuery,
    LedgerQuery,
    LedgerRowOut,
    ListingOut,
    NotificationOut,
    TodoOut,
    TodoQuery,
    TransitionOut,
)
from yingji.units.catalog import industry_names
from yingji.units.models import Unit


def tier_label(key: str) -> str:
    for t in default_tier_config().tiers:
        if t.key == key:
            return t.label
    return key


def _supervision(value: str) -> Any:
    return Hazard.supervision_level.is_(None) if value == "none" else Hazard.supervision_level == value


def due_within(days: int) -> Any:
    """Open (still escalating: not yet submitted for acceptance) and due within ``days`` days, or overdue."""
    states = sorted(default_escalation_config().escalating_states)
    return Hazard.state.in_(states) & Hazard.deadline.is_not(None) & (Hazard.deadline < utcnow() + timedelta(days=days))


HAZARDS = ListSpec(
    model=Hazard,
    query=HazardQuery,
    filters={"state": eq(Hazard.state), "tier": eq(Hazard.tier), "overdue": eq(Hazard.overdue),
             "supervision_level": _supervision,
             "industry": lambda v: Hazard.unit_id.in_(select(Unit.id).where(Unit.industry == v)),
             "division": within_division(Hazard.division_code), "unit_id": eq(Hazard.unit_id),
             "q": contains(Hazard.title, Hazard.code, Hazard.description),
             "since": since(Hazard.discovered_at), "until": before(Hazard.discovered_at),
             "due_within_days": due_within},
    sorts={"discovered_at": Hazard.discovered_at, "deadline": Hazard.deadline, "code": Hazard.code,
           "title": Hazard.title, "state": Hazard.state, "tier": Hazard.tier,
           "supervision_level": Hazard.supervision_level, "updated_at": Hazard.updated_at, "id": Hazard.id},
    labels={"discovered_at": "发现时间", "deadline": "整改期限", "code": "编号", "title": "名称", "state": "状态",
            "tier": "分级", "supervision_level": "督办级别", "updated_at": "更新时间"},
    default_sort=("-discovered_at",),
)


def decorate(db: Session, hazards: list[Hazard]) -> list[HazardOut]:
    """Hazards as response models with the unit name, industry and Chinese labels."""
    ids = {h.unit_id for h in hazards}
    units = {r.id: r for r in db.execute(select(Unit.id, Unit.name, Unit.industry)
                                         .where(Unit.id.in_(ids)))} if ids else {}
    out = []
    for h in hazards:
        u = units.get(h.unit_id)
        out.append(HazardOut.model_validate(h).model_copy(update={
            "unit_name": u.name if u else "", "industry": u.industry if u else "", "tier_label": tier_label(h.tier),
            "state_label": STATE_LABELS.get(h.state, h.state)}))
    return out


def _base(principal: Principal, query: HazardQuery) -> Any:
    """The hazards the list starts from: all, or (``todo``) those whose next step is the principal's."""
    if query.todo is None:
        return None
    mine = Hazard.id.in_(select(Notification.hazard_id).where(open_todos(principal)))
    return select(Hazard).where(mine if query.todo else ~mine)


def list_hazards(db: Session, *, principal: Principal, query: HazardQuery) -> dict[str, Any]:
    return HAZARDS.page(db, principal, query, out=lambda rows: decorate(db, rows), base=_base(principal, query))


def all_hazards(db: Session, *, principal: Principal, query: HazardQuery, limit: int = 100_000) -> list[HazardOut]:
    stmt = HAZARDS.select(principal, query, base=_base(principal, query)).limit(limit)
    return decorate(db, list(db.execute(stmt).scalars()))


# --- to-dos (待办): the next step of a hazard, addressed to whoever must take it ------------------------

def open_todos(principal: Principal) -> Any:
    """SQL condition on :class:`Notification`: open to-dos addressed to ``principal`` (in scope)."""
    levels = permissions.todo_levels(principal)
    if levels:
        addressed = (Notification.audience == "government") & Notification.audience_level.in_(levels)
    elif permissions.gets_unit_todos(principal):
        addressed = Notification.audience == "unit"  # the scope clause keeps the principal's unit
    else:
        return false()
    return (Notification.kind == "todo") & Notification.done_at.is_(None) & addressed \
        & scope_clause(principal, Notification)


def todo_counts(db: Session, principal: Principal, division: str | None = None) -> dict[str, int]:
    """Open to-dos of the principal per county (for the home page)."""
    from sqlalchemy import func

    county = func.substr(Notification.division_code, 1, 6).label("county")
    stmt = select(county, func.count()).where(open_todos(principal)).group_by(county)
    if division:
        stmt = stmt.where(within(Notification.division_code, division))
    return {k: int(n) for k, n in db.execute(stmt).all()}


TODOS = ListSpec(
    model=Notification,
    query=TodoQuery,
    filters={"division": within_division(Notification.division_code)},
    sorts={"at": Notification.at, "id": Notification.id},
    labels={"at": "提醒时间"},
    default_sort=("-at",),
)


def todos(db: Session, *, principal: Principal, query: TodoQuery) -> dict[str, Any]:
    """The principal's open to-dos, newest first, each with its hazard."""
    def out(rows: list[Notification]) -> list[TodoOut]:
        hazards = {h.id: h for h in decorate(db, list(db.execute(select(Hazard).where(
            Hazard.id.in_({n.hazard_id for n in rows}))).scalars()))} if rows else {}
        result = []
        for n in rows:
            h = hazards.get(n.hazard_id)  # type: ignore[arg-type]
            if h is None:
                continue
            result.append(TodoOut.model_validate({
                **NotificationOut.model_validate(n).model_dump(), "hazard_code": h.code, "hazard_title": h.title,
                "hazard_state": h.state, "state_label": h.state_label, "tier": h.tier, "tier_label": h.tier_label,
                "unit_id": h.unit_id, "unit_name": h.unit_name, "division_code": h.division_code,
                "deadline": h.deadline, "overdue": h.overdue,
                "action_label": ACTION_LABELS.get(n.action or "", n.action or "")}))
        return result

    return TODOS.page(db, principal, query, out=out, base=select(Notification).where(open_todos(principal)))


def get_hazard(db: Session, *, principal: Principal, hazard_id: int) -> Hazard:
    return get_scoped(db, principal, Hazard, hazard_id, what="隐患")


def hazard_detail(db: Session, *, principal: Principal, hazard_id: int) -> dict[str, Any]:
    h = get_hazard(db, principal=principal, hazard_id=hazard_id)
    d = decorate(db, [h])[0].model_dump()
    cfg = default_tier_config()
    tier = next((t for t in cfg.tiers if t.key == h.tier), None)
    requires = bool(tier and tier.requires_plan)
    d["attachments"] = list(h.attachments or [])
    d["allowed_actions"] = [{"action": a, "label": ACTION_LABELS[a]}
                            for a in permissions.permitted_transitions(principal, h)]
    d["timeline"] = list(db.execute(select(HazardTransition).where(HazardTransition.hazard_id == h.id)
                                    .order_by(HazardTransition.at, HazardTransition.id)).scalars())
    d["listings"] = [ListingOut.model_validate(x).model_copy(update={
        "can_lift": x.lifted_at is None and permissions.lift_refusal(principal, x.level) is None})
        for x in db.execute(select(SupervisionListing).where(SupervisionListing.hazard_id == h.id)
                            .order_by(SupervisionListing.listed_at)).scalars()]
    rank = {None: 0, "county": 1, "city": 2}
    d["listing_levels"] = [] if h.state == "closed" else [
        lv for lv in permissions.listing_levels(principal) if rank[lv] > rank[h.supervision_level]]
    d["can_edit_plan"] = permissions.write_refusal(principal) is None and h.state not in ("accepted", "closed")
    d["can_attach"] = permissions.write_refusal(principal) is None
    d["notifications"] = list(db.execute(select(Notification).where(Notification.hazard_id == h.id)
                                         .order_by(Notification.at, Notification.id)).scalars())
    d["plan_required"] = requires
    d["missing_plan_fields"] = ([{"key": f.key, "label": f.label} for f in missing_plan_fields(h.plan)]
                                if requires else [])
    # people by name, not by username
    who = display_names(db, {h.reported_by} | {t.actor for t in d["timeline"]}
                        | {x.lifted_by for x in d["listings"] if x.lifted_by}
                        | {a.get("uploaded_by") for a in d["attachments"]})
    d["reported_by_name"] = who.get(h.reported_by, h.reported_by)
    d["timeline"] = [TransitionOut.model_validate(t).model_copy(update={"actor_name": who.get(t.actor, t.actor)})
                     for t in d["timeline"]]
    d["listings"] = [x.model_copy(update={"lifted_by_name": who.get(x.lifted_by, x.lifted_by) if x.lifted_by else None})
                     for x in d["listings"]]
    d["attachments"] = [a | {"uploaded_by_name": who.get(a.get("uploaded_by"), a.get("uploaded_by", ""))}
                        for a in d["attachments"]]
    return d


# --- inspections ---------------------------------------------------------------------------------

INSPECTIONS = ListSpec(
    model=Inspection,
    query=InspectionQuery,
    filters={"unit_id": eq(Inspection.unit_id), "division": within_division(Inspection.division_code),
             "kind": eq(Inspection.kind), "since": since(Inspection.inspected_at),
             "until": before(Inspection.inspected_at)},
    sorts={"inspected_at": Inspection.inspected_at, "failed_count": Inspection.failed_count, "id": Inspection.id},
    labels={"inspected_at": "检查时间", "failed_count": "不合格项数"},
    default_sort=("-inspected_at",),
)


def get_inspection(db: Session, *, principal: Principal, inspection_id: int) -> Inspection:
    return get_scoped(db, principal, Inspection, inspection_id, what="检查记录")


def inspection_out(db: Session, insp: Inspection) -> InspectionOut:
    return InspectionOut.model_validate(insp).model_copy(update={
        "created_by_name": display_names(db, {insp.created_by}).get(insp.created_by, insp.created_by)})


# --- catalog --------------------------------------------------------------------------------------

def catalog() -> dict[str, Any]:
    cfg = default_tier_config()
    names = industry_names()
    return {
        "tiers": [{"key": t.key, "label": t.label, "requires_plan": t.requires_plan, "description": t.description}
                  for t in cfg.tiers],
        "plan_fields": [{"key": f.key, "label": f.label} for f in cfg.plan_fields],
        "states": [{"key": k, "label": v} for k, v in STATE_LABELS.items()],
        "actions": [{"key": k, "label": v} for k, v in ACTION_LABELS.items()],
        "checklists": [{"industry": ind, "industry_name": names.get(ind, ind),
                        "items": [{"code": i.code, "text": i.text, "suggested_tier": i.suggested_tier} for i in items]}
                       for ind, items in load_checklists().items()],
    }


# --- ledger ----------------------------------------------------------------------------------------

LEDGER = ListSpec(
    model=SupervisionListing,
    query=LedgerQuery,
    filters={"level": eq(SupervisionListing.level),
             "active": lambda v: SupervisionListing.lifted_at.is_(None) if v else SupervisionListing.lifted_at.is_not(None),
             "division": within_division(SupervisionListing.division_code),
             "since": since(SupervisionListing.listed_at), "until": before(SupervisionListing.listed_at),
             "q": lambda v: SupervisionListing.notice_no.contains(v.strip(), autoescape=True)
             | SupervisionListing.hazard_id.in_(select(Hazard.id).where(contains(Hazard.title, Hazard.code)(v)))},
    sorts={"listed_at": SupervisionListing.listed_at, "deadline": SupervisionListing.deadline,
           "level": SupervisionListing.level, "notice_no": SupervisionListing.notice_no,
           "lifted_at": SupervisionListing.lifted_at, "id": SupervisionListing.id},
    labels={"listed_at": "挂牌时间", "deadline": "整改期限", "level": "督办级别", "notice_no": "通知文号",
            "lifted_at": "摘牌时间"},
    default_sort=("-listed_at",),
)


def ledger_rows(db: Session, listings: list[SupervisionListing]) -> list[LedgerRowOut]:
    hids = {x.hazard_id for x in listings}
    hazards = {h.id: h for h in db.execute(select(Hazard).where(Hazard.id.in_(hids))).scalars()} if hids else {}
    uids = {x.unit_id for x in listings}
    units = {u.id: u for u in db.execute(select(Unit).where(Unit.id.in_(uids))).scalars()} if uids else {}
    rows = []
    for x in listings:
        h, u = hazards.get(x.hazard_id), units.get(x.unit_id)
        rows.append(LedgerRowOut.model_validate({
            **ListingOut.model_validate(x).model_dump(),
            "hazard_code": h.code if h else "", "hazard_title": h.title if h else "",
            "hazard_state": h.state if h else "", "hazard_state_label": STATE_LABELS.get(h.state, "") if h else "",
            "tier": h.tier if h else "", "tier_label": tier_label(h.tier) if h else "",
            "overdue": bool(h and h.overdue), "unit_name": u.name if u else "", "industry": u.industry if u else ""}))
    return rows


def ledger(db: Session, *, principal: Principal, query: LedgerQuery) -> dict[str, Any]:
    return LEDGER.page(db, principal, query, out=lambda rows: ledger_rows(db, rows))


def ledger_all(db: Session, *, principal: Principal, query: LedgerQuery) -> list[LedgerRowOut]:
    return ledger_rows(db, list(db.execute(LEDGER.select(principal, query).limit(100_000)).scalars()))


# --- quarterly statistics ----------------------------------------------------------------------------

def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    """[start, end) of a quarter in the platform's time zone, as aware UTC datetimes."""
    if not 1 <= quarter <= 4:
        raise ValidationFailed("季度必须是 1–4", field="quarter")
    tz = local_tz()
    start = datetime(year, 3 * (quarter - 1) + 1, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz) if quarter == 4 else datetime(year, 3 * quarter + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def quarterly_stats(db: Session, *, principal: Principal, year: int, quarter: int,
                    division: str | None = None) -> dict[str, Any]:
    """发现 found = discovered in the quarter; 整改销号 fixed = closed in the quarter; 逾期 overdue =
    found in the quarter and flagged overdue; closure_rate = of those found, the share closed so far."""
    start, end = quarter_bounds(year, quarter)
    base = scoped(principal, Hazard)
    if division:
        base = base.where(within(Hazard.division_code, division))
    rows = db.execute(
        base.with_only_columns(Hazard.id, Hazard.division_code, Hazard.unit_id, Hazard.discovered_at,
                               Hazard.closed_at, Hazard.overdue, Hazard.state)
        .where(((Hazard.discovered_at >= start) & (Hazard.discovered_at < end))
               | ((Hazard.closed_at >= start) & (Hazard.closed_at < end)))
    ).all()
    uids = {r.unit_id for r in rows}
    industry_of = dict(db.execute(select(Unit.id, Unit.industry).where(Unit.id.in_(uids))).all()) if uids else {}
    ind_names = industry_names()

    def blank() -> dict[str, int]:
        return {"found": 0, "fixed": 0, "overdue": 0, "closed_of_found": 0}

    total = blank()
    by_d: dict[str, dict[str, int]] = defaultdict(blank)
    by_i: dict[str, dict[str, int]] = defaultdict(blank)
    for r in rows:
        targets = (total, by_d[r.division_code[:6]], by_i[industry_of.get(r.unit_id, "")])
        found = start <= r.discovered_at < end
        fixed = r.closed_at is not None and start <= r.closed_at < end
        for t in targets:
            if found:
                t["found"] += 1
                t["overdue"] += int(bool(r.overdue))
                t["closed_of_found"] += int(r.state == "closed")
            if fixed:
                t["fixed"] += 1
    codes = list(by_d)
    names = dict(db.execute(select(Division.code, Division.name).where(Division.code.in_(codes))).all()) if codes else {}

    def row(key: str, name: str, c: dict[str, int]) -> dict[str, Any]:
        rate = round(100.0 * c["closed_of_found"] / c["found"], 1) if c["found"] else None
        return {"key": key, "name": name, **c, "closure_rate": rate}

    return {
        "year": year, "quarter": quarter, "start": start, "end": end,
        "total": row("total", "合计", total),
        "by_district": [row(k, names.get(k, k), v) for k, v in sorted(by_d.items())],
        "by_industry": [row(k, ind_names.get(k, k or "未知"), v) for k, v in sorted(by_i.items())],
    }


def supervision_label(level: str | None) -> str:
    return SUPERVISION_LABELS.get(level, level or "")


def mark_planned_visit(inspection: Inspection, planned_inspection_id: int) -> None:
    """Record on an inspection the planned enforcement visit it completed.

    The documented downward entry point for the enforcement domain's link action, which checks,
    audits and emits: an inspection linked after the fact shows its planned visit like one recorded
    from the planned-visit form (where :func:`yingji.hazards.actions.record_inspection` sets it).
    """
    inspection.planned_inspection_id = planned_inspection_id
