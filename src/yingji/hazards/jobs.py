"""Scheduled work of the hazards domain: overdue escalation (逾期提醒、自动挂牌督办).

Run it from cron or a systemd timer (``yingji hazards escalate``), or from the UI/API
(``POST /api/v1/hazards/escalation/run``). The clock is injected (``now``), so tests and
drills can look ahead; re-running at the same ``now`` changes nothing (steps already
applied are recorded on the hazard in ``applied_steps``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.auth import Principal, system_principal
from yingji.core.db import atomic
from yingji.core.errors import ValidationFailed
from yingji.core.scope import scoped
from yingji.hazards.actions import _notice, _payload, snapshot
from yingji.hazards.escalation import SUPERVISION_LABELS, default_escalation_config, evaluate
from yingji.hazards.models import Hazard, SupervisionListing

CST = timezone(timedelta(hours=8), "CST")
LISTED_BY = {"county": "县（市、区）安全生产委员会办公室", "city": "福州市安全生产委员会办公室"}
RECIPIENT_LABELS = {"unit": "生产经营单位", "supervisor": "行业监管部门", "county_safety_office": "县级安委办",
                    "city_safety_office": "市安委办"}


def run_escalation(db: Session, now: datetime, *, actor: Principal | None = None) -> dict[str, Any]:
    """Evaluate every open hazard in the actor's jurisdiction at ``now`` and apply the due steps."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValidationFailed("now 必须带时区", field="now")
    actor = actor or system_principal(name="escalation")
    cfg = default_escalation_config()
    summary = {"now": now, "checked": 0, "overdue_marked": 0, "notified": 0, "county_listed": 0,
               "city_listed": 0, "hazard_ids": []}
    with atomic(db):
        stmt = (scoped(actor, Hazard).where(Hazard.state.in_(sorted(cfg.escalating_states)),
                                            Hazard.deadline.is_not(None), Hazard.deadline < now)
                .order_by(Hazard.id))
        for h in db.execute(stmt).scalars():
            summary["checked"] += 1
            steps = evaluate({"state": h.state, "tier": h.tier, "deadline": h.deadline,
                              "supervision_level": h.supervision_level, "overdue_marked": h.overdue,
                              "applied": frozenset(h.applied_steps or [])}, now, config=cfg)
            if not steps:
                continue
            before = snapshot(h)
            applied = list(h.applied_steps or [])
            for step in steps:
                recipients = ",".join(RECIPIENT_LABELS.get(r, r) for r in step.recipients)
                if step.kind == "mark_overdue":
                    h.overdue = True
                    summary["overdue_marked"] += 1
                    events.emit(db, "hazard.overdue", division_code=h.division_code, actor=actor.username,
                                summary=f"隐患 {h.code} 逾期 {step.days_overdue} 天", payload=_payload(
                                    h, days_overdue=step.days_overdue))
                elif step.kind == "notify":
                    _notice(db, h, "overdue", recipients, step.message, now)
                    summary["notified"] += 1
                else:
                    level = "county" if step.kind == "list_county" else "city"
                    year = now.astimezone(CST).year
                    prefix = "县安办督" if level == "county" else "榕安委办督"
                    db.add(SupervisionListing(
                        hazard_id=h.id, unit_id=h.unit_id, division_code=h.division_code, level=level,
                        listed_by=LISTED_BY[level], notice_no=f"{prefix}〔{year}〕{h.id}号",
                        deadline=now + timedelta(days=30), reason=step.message, automatic=True,
                        actor=actor.username, listed_at=now))
                    if level == "city" or h.supervision_level is None:
                        h.supervision_level = level
                    h.listed_at = now
                    _notice(db, h, "listing", recipients, step.message, now)
                    summary[f"{level}_listed"] += 1
                    events.emit(db, "hazard.escalated", division_code=h.division_code, actor=actor.username,
                                summary=f"隐患 {h.code} 逾期升级：{SUPERVISION_LABELS[level]}",
                                payload=_payload(h, level=level, days_overdue=step.days_overdue))
                applied.append(step.key)
            h.applied_steps = applied
            summary["hazard_ids"].append(h.id)
            audit.record(db, actor, "hazard.escalated", "hazard", h.id, division_code=h.division_code,
                         before=before, after=snapshot(h) | {"steps": [s.key for s in steps],
                                                             "now": now.isoformat()})
        db.flush()
    return summary


def due_hazards(db: Session, now: datetime) -> list[int]:  # pragma: no cover - diagnostic helper
    return list(db.execute(select(Hazard.id).where(Hazard.deadline < now, Hazard.state != "closed")).scalars())
