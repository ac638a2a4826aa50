"""Demo hazards (隐患) for ``yingji demo load``: bulk, idempotent, ONE summary audit record.

Source: the risk domain's synthetic generator (``yingji.risk.seed.demo_dataset``), whose
hazards are legal lifecycle histories replayed through :func:`lifecycle.next_state` and
escalated with :func:`escalation.evaluate` as of its ``now``. When that helper is absent,
a small deterministic set is generated for the existing units instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import insert, select

from yingji.core import audit, events
from yingji.core.db import atomic, utcnow
from yingji.core.divisions import Dataset
from yingji.hazards.lifecycle import STATES, next_state
from yingji.hazards.models import Hazard, HazardTransition, SupervisionListing
from yingji.risk.models import Unit

DATASET_KEY = "fuzhou-hazards-synthetic"
CHUNK = 2000
CST = timezone(timedelta(hours=8))
LISTED_BY = {"county": "县（市、区）安全生产委员会办公室", "city": "福州市安全生产委员会办公室"}
_PATH = {"reported": [], "confirmed": ["confirm"], "rectifying": ["confirm", "start_rectification"],
         "submitted": ["confirm", "start_rectification", "submit_acceptance"],
         "accepted": ["confirm", "start_rectification", "submit_acceptance", "accept"],
         "closed": ["confirm", "start_rectification", "submit_acceptance", "accept", "close"]}


def _from_risk(ctx: Any) -> list[dict[str, Any]] | None:
    try:
        from yingji.risk import seed as risk_seed
    except ImportError:
        return None
    if not hasattr(risk_seed, "demo_dataset"):
        return None
    demo = risk_seed.demo_dataset(ctx)
    out = []
    for h in demo.dataset.hazards:
        unit_id = demo.unit_ids.get(h["unit_index"])
        if unit_id is None:
            continue
        out.append(h | {"db_unit_id": unit_id})
    return out


def _fallback(ctx: Any) -> list[dict[str, Any]]:
    """One hazard per 4 existing units, states cycling, deterministic (no randomness)."""
    now = datetime(2026, 11, 1, tzinfo=CST).astimezone(timezone.utc)
    with ctx.database.session() as db:
        units = db.execute(select(Unit.id, Unit.name, Unit.division_code, Unit.lon, Unit.lat)
                           .order_by(Unit.id)).all()[::4]
    out = []
    for k, u in enumerate(units):
        state = STATES[k % len(STATES)]
        tier = "major" if k % 10 == 0 else "general"
        discovered = now - timedelta(days=5 + (k % 60))
        deadline = discovered + timedelta(days=30 if tier == "major" else 10)
        plan = ({"measures": "专项整改", "funds": 20, "funds_unit": "万元", "deadline": deadline.isoformat(),
                 "responsible_person": "演示责任人", "contingency_plan": "专项应急预案", "synthetic": True}
                if tier == "major" else None)
        history = [{"action": "report", "from": None, "to": "reported", "at": discovered, "reason": None}]
        cur = "reported"
        for i, a in enumerate(_PATH[state]):
            nxt = next_state(cur, a, tier_requires_plan=tier == "major", plan=plan)
            history.append({"action": a, "from": cur, "to": nxt, "at": discovered + timedelta(days=i + 1),
                            "reason": None})
            cur = nxt
        out.append({"code": f"YH2026D{k + 1:05d}", "db_unit_id": u.id, "township_code": u.division_code,
                    "description": f"{u.name}：演示隐患", "checklist_item_code": None, "tier": tier, "state": state,
                    "discovered_at": discovered, "deadline": deadline if state != "reported" else None,
                    "closed_at": history[-1]["at"] if state == "closed" else None, "plan": plan,
                    "history": history, "overdue": False, "supervision_level": None, "applied_steps": [],
                    "location": {"coordinates": [u.lon, u.lat]}})
    return out


def load(ctx: Any) -> None:
    with ctx.database.session() as db:
        if db.get(Dataset, DATASET_KEY) is not None:
            ctx.console.print("隐患演示数据已存在，跳过")
            return
    hazards = _from_risk(ctx)
    source = "risk.seed.demo_dataset"
    if not hazards:
        hazards, source = _fallback(ctx), "fallback"
    if not hazards:
        ctx.console.print("没有生产经营单位，跳过隐患演示数据")
        return
    actor = ctx.actor
    with ctx.database.session() as db, atomic(db):
        rows = []
        for h in hazards:
            lon, lat = (h.get("location") or {}).get("coordinates", [None, None])
            desc = h["description"]
            title = desc.split("：", 1)[-1][:200]
            rows.append({"code": h["code"], "unit_id": h["db_unit_id"], "division_code": h["township_code"],
                         "inspection_id": None, "checklist_item_code": h.get("checklist_item_code"),
                         "title": title, "description": desc, "tier": h["tier"], "lon": lon, "lat": lat,
                         "attachments": [], "state": h["state"], "deadline": h["deadline"], "plan": _json(h["plan"]),
                         "overdue": bool(h["overdue"]), "supervision_level": h["supervision_level"],
                         "listed_at": h["history"][-1]["at"] if h["supervision_level"] else None,
                         "applied_steps": list(h.get("applied_steps") or []), "reported_by": "demo",
                         "discovered_at": h["discovered_at"], "closed_at": h["closed_at"], "synthetic": True,
                         "created_at": h["discovered_at"], "updated_at": h["history"][-1]["at"]})
        for i in range(0, len(rows), CHUNK):
            db.execute(insert(Hazard), rows[i:i + CHUNK])
        ids = dict(db.execute(select(Hazard.code, Hazard.id).where(Hazard.synthetic.is_(True))).all())
        trans, listings = [], []
        for h, r in zip(hazards, rows):
            hid = ids[h["code"]]
            for step in h["history"]:
                trans.append({"hazard_id": hid, "unit_id": r["unit_id"], "division_code": r["division_code"],
                              "from_state": step["from"], "to_state": step["to"], "action": step["action"],
                              "actor": "demo", "reason": step.get("reason"), "at": step["at"]})
            levels = {"county": ["county"], "city": ["county", "city"]}.get(h["supervision_level"] or "", [])
            for level in levels:
                year = r["listed_at"].astimezone(CST).year
                listings.append({"hazard_id": hid, "unit_id": r["unit_id"], "division_code": r["division_code"],
                                 "level": level, "listed_by": LISTED_BY[level],
                                 "notice_no": f"{'县安办督' if level == 'county' else '榕安委办督'}〔{year}〕{hid}号",
                                 "deadline": r["listed_at"] + timedelta(days=30), "reason": "逾期未整改（演示数据）",
                                 "automatic": True, "actor": "demo", "listed_at": r["listed_at"], "lifted_at": None})
        for i in range(0, len(trans), CHUNK):
            db.execute(insert(HazardTransition), trans[i:i + CHUNK])
        if listings:
            db.execute(insert(SupervisionListing), listings)
        db.add(Dataset(key=DATASET_KEY, name="福州隐患排查治理演示数据（合成）", source="合成数据，由平台生成",
                       licence="无（合成数据）", datum="WGS84", synthetic=True,
                       method=f"{source}：隐患状态由生命周期状态机回放得到，逾期与挂牌由升级规则计算；均为虚构",
                       record_count=len(rows), loaded_at=utcnow()))
        db.flush()
        counts = {"hazards": len(rows), "transitions": len(trans), "listings": len(listings), "source": source}
        audit.record(db, actor, "hazards.demo_loaded", "dataset", DATASET_KEY, division_code=actor.scope_code,
                     after=counts)
        events.emit(db, "hazards.demo_loaded", division_code=actor.scope_code, actor=actor.username,
                    summary=f"隐患演示数据已载入：{len(rows)} 条", payload=counts)
    ctx.console.print(f"隐患演示数据：{len(rows)} 条隐患，{len(trans)} 条流转记录，{len(listings)} 条挂牌督办")


def _json(plan: dict[str, Any] | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in plan.items()}
