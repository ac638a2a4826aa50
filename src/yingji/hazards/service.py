"""Reads of the hazards domain, always through the jurisdiction filter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from yingji.core.api import PageParams, paginate
from yingji.core.auth import Principal
from yingji.core.divisions import Division
from yingji.core.errors import ValidationFailed
from yingji.core.scope import get_scoped, scoped, within
from yingji.hazards.catalog import default_tier_config, load_checklists
from yingji.hazards.escalation import SUPERVISION_LABELS
from yingji.hazards.lifecycle import ACTION_LABELS, STATE_LABELS, allowed_actions, missing_plan_fields
from yingji.hazards.models import Hazard, HazardTransition, Inspection, Notification, SupervisionListing
from yingji.risk.models import Unit

CST = timezone(timedelta(hours=8), "CST")


def industry_names() -> dict[str, str]:
    try:
        from yingji.risk.catalog import default_industries

        return {i.code: i.name for i in default_industries()}
    except Exception:  # pragma: no cover - catalog missing
        return {}


def tier_label(key: str) -> str:
    for t in default_tier_config().tiers:
        if t.key == key:
            return t.label
    return key


@dataclass
class HazardFilters:
    state: str | None = None
    tier: str | None = None
    overdue: bool | None = None
    supervision_level: str | None = None
    industry: str | None = None
    division: str | None = None
    unit_id: int | None = None
    q: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _apply(stmt: Select[Any], f: HazardFilters) -> Select[Any]:
    if f.state:
        stmt = stmt.where(Hazard.state == f.state)
    if f.tier:
        stmt = stmt.where(Hazard.tier == f.tier)
    if f.overdue is not None:
        stmt = stmt.where(Hazard.overdue.is_(f.overdue))
    if f.supervision_level == "none":
        stmt = stmt.where(Hazard.supervision_level.is_(None))
    elif f.supervision_level:
        stmt = stmt.where(Hazard.supervision_level == f.supervision_level)
    if f.industry:
        stmt = stmt.where(Hazard.unit_id.in_(select(Unit.id).where(Unit.industry == f.industry)))
    if f.division:
        stmt = stmt.where(within(Hazard.division_code, f.division))
    if f.unit_id:
        stmt = stmt.where(Hazard.unit_id == f.unit_id)
    if f.q:
        stmt = stmt.where(Hazard.title.contains(f.q, autoescape=True) | Hazard.code.contains(f.q, autoescape=True)
                          | Hazard.description.contains(f.q, autoescape=True))
    if f.since:
        stmt = stmt.where(Hazard.discovered_at >= f.since)
    if f.until:
        stmt = stmt.where(Hazard.discovered_at < f.until)
    return stmt


def decorate(db: Session, hazards: list[Hazard]) -> list[dict[str, Any]]:
    """Hazards as dicts with the unit name, industry and Chinese labels."""
    ids = {h.unit_id for h in hazards}
    units = {u.id: u for u in db.execute(select(Unit).where(Unit.id.in_(ids))).scalars()} if ids else {}
    out = []
    for h in hazards:
        d = {c.key: getattr(h, c.key) for c in Hazard.__table__.columns}
        u = units.get(h.unit_id)
        d.update(unit_name=u.name if u else "", industry=u.industry if u else "", tier_label=tier_label(h.tier),
                 state_label=STATE_LABELS.get(h.state, h.state))
        out.append(d)
    return out


def list_hazards(db: Session, *, principal: Principal, params: PageParams,
                 filters: HazardFilters) -> tuple[list[dict[str, Any]], int]:
    stmt = _apply(scoped(principal, Hazard), filters).order_by(Hazard.discovered_at.desc(), Hazard.id.desc())
    items, total = paginate(db, stmt, params)
    return decorate(db, items), total


def all_hazards(db: Session, *, principal: Principal, filters: HazardFilters, limit: int = 100_000) -> list[dict[str, Any]]:
    stmt = _apply(scoped(principal, Hazard), filters).order_by(Hazard.discovered_at.desc(), Hazard.id.desc())
    return decorate(db, list(db.execute(stmt.limit(limit)).scalars()))


def get_hazard(db: Session, *, principal: Principal, hazard_id: int) -> Hazard:
    return get_scoped(db, principal, Hazard, hazard_id, what="隐患")


def hazard_detail(db: Session, *, principal: Principal, hazard_id: int) -> dict[str, Any]:
    h = get_hazard(db, principal=principal, hazard_id=hazard_id)
    d = decorate(db, [h])[0]
    cfg = default_tier_config()
    tier = next((t for t in cfg.tiers if t.key == h.tier), None)
    requires = bool(tier and tier.requires_plan)
    d["attachments"] = list(h.attachments or [])
    d["allowed_actions"] = [{"action": a, "label": ACTION_LABELS[a]} for a in allowed_actions(h.state)]
    d["timeline"] = list(db.execute(select(HazardTransition).where(HazardTransition.hazard_id == h.id)
                                    .order_by(HazardTransition.at, HazardTransition.id)).scalars())
    d["listings"] = list(db.execute(select(SupervisionListing).where(SupervisionListing.hazard_id == h.id)
                                    .order_by(SupervisionListing.listed_at)).scalars())
    d["notifications"] = list(db.execute(select(Notification).where(Notification.hazard_id == h.id)
                                         .order_by(Notification.at, Notification.id)).scalars())
    d["plan_required"] = requires
    d["missing_plan_fields"] = ([{"key": f.key, "label": f.label} for f in missing_plan_fields(h.plan)]
                                if requires else [])
    return d


# --- inspections ---------------------------------------------------------------------------------

def list_inspections(db: Session, *, principal: Principal, params: PageParams, unit_id: int | None = None,
                     division: str | None = None) -> tuple[list[Inspection], int]:
    stmt = scoped(principal, Inspection).order_by(Inspection.inspected_at.desc(), Inspection.id.desc())
    if unit_id:
        stmt = stmt.where(Inspection.unit_id == unit_id)
    if division:
        stmt = stmt.where(within(Inspection.division_code, division))
    return paginate(db, stmt, params)


def get_inspection(db: Session, *, principal: Principal, inspection_id: int) -> Inspection:
    return get_scoped(db, principal, Inspection, inspection_id, what="检查记录")


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

@dataclass
class LedgerFilters:
    level: str | None = None
    active: bool | None = None
    division: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None


def _ledger_stmt(principal: Principal, f: LedgerFilters) -> Select[Any]:
    stmt = scoped(principal, SupervisionListing).order_by(SupervisionListing.listed_at.desc(),
                                                          SupervisionListing.id.desc())
    if f.level:
        stmt = stmt.where(SupervisionListing.level == f.level)
    if f.active is True:
        stmt = stmt.where(SupervisionListing.lifted_at.is_(None))
    elif f.active is False:
        stmt = stmt.where(SupervisionListing.lifted_at.is_not(None))
    if f.division:
        stmt = stmt.where(within(SupervisionListing.division_code, f.division))
    if f.since:
        stmt = stmt.where(SupervisionListing.listed_at >= f.since)
    if f.until:
        stmt = stmt.where(SupervisionListing.listed_at < f.until)
    if f.q:
        stmt = stmt.where(SupervisionListing.notice_no.contains(f.q, autoescape=True)
                          | SupervisionListing.hazard_id.in_(select(Hazard.id).where(
                              Hazard.title.contains(f.q, autoescape=True) | Hazard.code.contains(f.q, autoescape=True))))
    return stmt


def _ledger_rows(db: Session, listings: list[SupervisionListing]) -> list[dict[str, Any]]:
    hids = {x.hazard_id for x in listings}
    hazards = {h.id: h for h in db.execute(select(Hazard).where(Hazard.id.in_(hids))).scalars()} if hids else {}
    uids = {x.unit_id for x in listings}
    units = {u.id: u for u in db.execute(select(Unit).where(Unit.id.in_(uids))).scalars()} if uids else {}
    rows = []
    for x in listings:
        h, u = hazards.get(x.hazard_id), units.get(x.unit_id)
        d = {c.key: getattr(x, c.key) for c in SupervisionListing.__table__.columns}
        d.update(hazard_code=h.code if h else "", hazard_title=h.title if h else "",
                 hazard_state=h.state if h else "", hazard_state_label=STATE_LABELS.get(h.state, "") if h else "",
                 tier=h.tier if h else "", tier_label=tier_label(h.tier) if h else "",
                 overdue=bool(h and h.overdue), unit_name=u.name if u else "", industry=u.industry if u else "")
        rows.append(d)
    return rows


def ledger(db: Session, *, principal: Principal, params: PageParams,
           filters: LedgerFilters) -> tuple[list[dict[str, Any]], int]:
    items, total = paginate(db, _ledger_stmt(principal, filters), params)
    return _ledger_rows(db, items), total


def ledger_all(db: Session, *, principal: Principal, filters: LedgerFilters) -> list[dict[str, Any]]:
    return _ledger_rows(db, list(db.execute(_ledger_stmt(principal, filters).limit(100_000)).scalars()))


# --- quarterly statistics ----------------------------------------------------------------------------

def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    """[start, end) of a quarter in Beijing time, as aware UTC datetimes."""
    if not 1 <= quarter <= 4:
        raise ValidationFailed("季度必须是 1–4", field="quarter")
    start = datetime(year, 3 * (quarter - 1) + 1, 1, tzinfo=CST)
    end = datetime(year + 1, 1, 1, tzinfo=CST) if quarter == 4 else datetime(year, 3 * quarter + 1, 1, tzinfo=CST)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


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
