"""Demo hidden hazards (合成) for ``yingji demo load``: bulk, idempotent, ONE summary audit record.

Runs after the units and risk seeds and reads their rows from the database: hazards are generated
by :func:`yingji.hazards.demo.generate_hazards` (legal lifecycle histories, escalated as of the
demo's ``now``); automatic listings name the county's real safety committee office.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from yingji.core import audit, events
from yingji.core.city import city_profile
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset, Division
from yingji.core.timeutil import to_local
from yingji.hazards.catalog import hazard_code
from yingji.hazards.demo import generate_hazards
from yingji.hazards.escalation import default_escalation_config
from yingji.hazards.lifecycle import next_step
from yingji.hazards.models import Hazard, HazardTransition, Notification, SupervisionListing
from yingji.risk.models import RiskSource
from yingji.units.models import Unit

DATASET_KEY = "demo-hazards-synthetic"
CHUNK = 2000


def _inputs(db: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The demo units (position = ``unit_index``) and their risk sources (more sources, more hazards)."""
    units = [{"index": i, "id": r.id, "name": r.name, "industry": r.industry, "township_code": r.division_code,
              "county_code": r.division_code[:6], "location": {"type": "Point", "coordinates": [r.lon, r.lat]}}
             for i, r in enumerate(db.execute(
                 select(Unit.id, Unit.name, Unit.industry, Unit.division_code, Unit.lon, Unit.lat)
                 .where(Unit.synthetic.is_(True), Unit.lon.is_not(None)).order_by(Unit.id)))]
    position = {u["id"]: u["index"] for u in units}
    rows = db.execute(select(RiskSource.id, RiskSource.unit_id).where(RiskSource.synthetic.is_(True))
                      .order_by(RiskSource.id)).all()
    sources = [{"index": j, "id": r.id, "unit_index": position[r.unit_id]}
               for j, r in enumerate(rows) if r.unit_id in position]
    return units, sources


def load(ctx: Any) -> None:
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("隐患演示数据已存在，跳过")
            return
        units, sources = _inputs(db)
        counties = dict(db.execute(select(Division.code, Division.name).where(Division.level == "county")).all())
    if not units:
        ctx.console.print("没有生产经营单位，跳过隐患演示数据")
        return
    hazards = generate_hazards(units, sources, now=ctx.now, seed=ctx.seed)
    profile = city_profile()
    listing_days = default_escalation_config().automatic_listing_days
    actor = ctx.actor
    with ctx.database.session() as db, atomic(db):
        rows = []
        for h in hazards:
            unit = units[h["unit_index"]]
            lon, lat = unit["location"]["coordinates"]
            desc = h["description"]
            rows.append({"code": h["code"], "unit_id": unit["id"], "division_code": h["township_code"],
                         "inspection_id": None, "checklist_item_code": h.get("checklist_item_code"),
                         "title": desc.split("：", 1)[-1][:200], "description": desc, "tier": h["tier"],
                         "lon": lon, "lat": lat, "attachments": [], "state": h["state"], "deadline": h["deadline"],
                         "plan": _json(h["plan"]), "overdue": bool(h["overdue"]),
                         "supervision_level": h["supervision_level"],
                         "listed_at": h["history"][-1]["at"] if h["supervision_level"] else None,
                         "applied_steps": list(h.get("applied_steps") or []), "reported_by": "demo",
                         "discovered_at": h["discovered_at"], "closed_at": h["closed_at"], "synthetic": True,
                         "created_at": h["discovered_at"], "updated_at": h["history"][-1]["at"]})
        for i in range(0, len(rows), CHUNK):
            db.execute(insert(Hazard), rows[i:i + CHUNK])
        ids = dict(db.execute(select(Hazard.code, Hazard.id).where(Hazard.synthetic.is_(True))).all())
        codes = [{"id": ids[h["code"]], "code": hazard_code(h["discovered_at"], ids[h["code"]])} for h in hazards]
        for i in range(0, len(codes), CHUNK):
            db.execute(update(Hazard), codes[i:i + CHUNK])
        trans, listings = [], []
        for h, r in zip(hazards, rows):
            hid = ids[h["code"]]
            for step in h["history"]:
                trans.append({"hazard_id": hid, "unit_id": r["unit_id"], "division_code": r["division_code"],
                              "from_state": step["from"], "to_state": step["to"], "action": step["action"],
                              "actor": "demo", "reason": step.get("reason"), "at": step["at"]})
            county = counties.get(r["division_code"][:6], "")
            for level in {"county": ["county"], "city": ["county", "city"]}.get(h["supervision_level"] or "", []):
                listings.append({"hazard_id": hid, "unit_id": r["unit_id"], "division_code": r["division_code"],
                                 "level": level, "listed_by": profile.safety_office(level, county),
                                 "notice_no": f"{profile.notice_prefix(level, county)}"
                                              f"〔{to_local(r['listed_at']).year}〕{hid}号",
                                 "deadline": r["listed_at"] + timedelta(days=listing_days),
                                 "reason": "逾期未整改（演示数据）", "automatic": True, "actor": "demo",
                                 "listed_at": r["listed_at"], "lifted_at": None})
        for i in range(0, len(trans), CHUNK):
            db.execute(insert(HazardTransition), trans[i:i + CHUNK])
        todos = _todos(hazards, rows, ids, units, counties, profile.city_name)
        for i in range(0, len(todos), CHUNK):
            db.execute(insert(Notification), todos[i:i + CHUNK])
        if listings:
            db.execute(insert(SupervisionListing), listings)
        db.add(Dataset(key=DATASET_KEY, name="演示隐患排查治理数据（合成）", source="合成数据，由平台生成",
                       licence="无（合成数据）", datum="WGS84", synthetic=True,
                       method=f"yingji.hazards.demo.generate_hazards(seed={ctx.seed})：隐患状态由生命周期状态机回放得到，"
                              "逾期与挂牌由升级规则计算；均为虚构",
                       record_count=len(rows), loaded_at=utcnow()))
        db.flush()
        counts = {"hazards": len(rows), "transitions": len(trans), "listings": len(listings), "todos": len(todos)}
        audit.record(db, actor, "hazards.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after=counts)
        events.emit(db, "hazards.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"隐患演示数据已载入：{len(rows)} 条", payload=counts)
    ctx.console.print(f"隐患演示数据：{len(rows)} 条隐患，{len(trans)} 条流转记录，{len(listings)} 条挂牌督办，"
                      f"{len(todos)} 条待办")


def _todos(hazards: list[dict[str, Any]], rows: list[dict[str, Any]], ids: dict[str, int], units: list[dict[str, Any]],
           counties: dict[str, str], city_name: str) -> list[dict[str, Any]]:
    """The open to-do of every hazard still in process: whose turn it is (as the actions address it)."""
    out = []
    for h, r in zip(hazards, rows):
        step = next_step(r["state"], r["supervision_level"],
                         rejected=bool(h["history"]) and h["history"][-1]["action"] == "reject")
        if step is None:
            continue
        hid = ids[h["code"]]
        if step.audience == "unit":
            recipients = f"生产经营单位（{units[h['unit_index']]['name']}）"
        else:
            place = city_name if step.level == "city" else counties.get(r["division_code"][:6], "属地")
            recipients = f"{place}监管部门"
        out.append({"hazard_id": hid, "unit_id": r["unit_id"], "division_code": r["division_code"], "kind": "todo",
                    "recipients": recipients, "message": f"隐患 {hazard_code(h['discovered_at'], hid)}（{r['title']}）"
                                                         f"{step.message}",
                    "at": h["history"][-1]["at"] if h["history"] else h["discovered_at"], "audience": step.audience,
                    "audience_level": step.level, "action": step.action, "done_at": None})
    return out


def _json(plan: dict[str, Any] | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in plan.items()}
