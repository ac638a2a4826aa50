"""Synthetic hidden hazards (隐患) for the Fuzhou demo — reproducible, labelled 合成.

``generate_hazards(units, sources, now=..., seed=..., n_hazards=...)`` gives ~3,000 hazards in
every lifecycle state, built by replaying :func:`yingji.hazards.lifecycle.next_state` (so every
record is a legal history; major hazards carry a 五到位 plan from rectification on) and escalated
with :func:`yingji.hazards.escalation.evaluate` at ``now`` (some are overdue and listed).
Datetimes are timezone-aware UTC. A pure function of its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from yingji.core.errors import ValidationFailed
from yingji.core.synthetic import person
from yingji.core.timeutil import to_local
from yingji.hazards.catalog import default_tier_config, load_checklists
from yingji.hazards.escalation import HazardFacts, evaluate
from yingji.hazards.lifecycle import STATE_LABELS, STATES, next_state

__all__ = ["generate_hazards"]

_STATE_MIX = {"reported": 0.08, "confirmed": 0.07, "rectifying": 0.25, "submitted": 0.10,
              "accepted": 0.10, "closed": 0.40}
_ACTION_PATH = {
    "reported": [],
    "confirmed": ["confirm"],
    "rectifying": ["confirm", "start_rectification"],
    "submitted": ["confirm", "start_rectification", "submit_acceptance"],
    "accepted": ["confirm", "start_rectification", "submit_acceptance", "accept"],
    "closed": ["confirm", "start_rectification", "submit_acceptance", "accept", "close"],
}
_REJECT_LOOP = ["submit_acceptance", "reject"]



def generate_hazards(units: Sequence[Mapping[str, Any]], sources: Sequence[Mapping[str, Any]], *, now: datetime,
                     seed: int = 20261128, n_hazards: int = 3000) -> list[dict[str, Any]]:
    """Hazards as plain dicts (``unit_index`` = position of the unit in ``units``, ``history``…)."""
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise ValidationFailed("now 必须是带时区的日期时间", field="now", code="naive_datetime")
    if n_hazards < 0:
        raise ValidationFailed("隐患数量不能为负数", field="n_hazards", code="too_small")
    if not units and n_hazards:
        raise ValidationFailed("没有单位，无法生成隐患", field="units", code="too_small")
    rng = np.random.default_rng([seed, 2])
    out: list[dict[str, Any]] = []
    _make_hazards(out, list(units), list(sources), rng, n_hazards, now.astimezone(UTC))
    return out


def _make_hazards(out: list[dict[str, Any]], units: list[Mapping[str, Any]], sources: list[Mapping[str, Any]],
                  rng: np.random.Generator, n_hazards: int, now: datetime) -> None:
    if n_hazards == 0:
        return
    tiers = default_tier_config()
    checklists = load_checklists()
    requires_plan = {t.key: t.requires_plan for t in tiers.tiers}
    tier_label = {t.key: t.label for t in tiers.tiers}
    sources_by_unit: dict[int, list[int]] = {}
    for s in sources:
        sources_by_unit.setdefault(s["unit_index"], []).append(s["index"])

    w = np.array([1.0 + len(sources_by_unit.get(u["index"], [])) for u in units])
    owner_idx = rng.choice(len(units), size=n_hazards, p=w / w.sum())
    state_keys = list(_STATE_MIX)
    states = list(rng.choice(len(state_keys), size=n_hazards, p=np.array(list(_STATE_MIX.values()))))
    state_list = [state_keys[int(k)] for k in states]
    for k, st in enumerate(STATES[: min(len(STATES), n_hazards)]):  # every state present
        state_list[k] = st
    year = to_local(now).year
    day = timedelta(days=1)

    for k in range(n_hazards):
        ui = int(owner_idx[k])
        unit = units[ui]
        state = state_list[k]
        tier = "major" if rng.random() < 0.05 and "major" in requires_plan else "general"
        items = checklists.get(unit["industry"], ())
        pool = [it for it in items if it.suggested_tier == tier] or list(items)
        item = pool[int(rng.integers(len(pool)))] if pool else None

        open_state = state in ("reported", "confirmed", "rectifying", "submitted")
        if state == "reported":
            discovered = now - day * float(rng.uniform(0.1, 10))
        elif open_state:
            discovered = now - day * float(rng.uniform(5, 150) if tier == "major" else rng.uniform(1, 45))
        else:
            discovered = now - day * float(rng.uniform(30, 365))
        discovered = discovered.replace(microsecond=0)

        path = list(_ACTION_PATH[state])
        rejects = 0
        if state in ("rectifying", "submitted", "accepted", "closed") and rng.random() < 0.15:
            at = 2  # after confirm, start_rectification
            path[at:at] = _REJECT_LOOP
            rejects = 1
        end = now - day * float(rng.uniform(0.05, 1.0)) if open_state else min(
            discovered + day * float(rng.uniform(10, 120)), now - day)
        if end <= discovered:
            end = discovered + (now - discovered) / 2
        times = sorted(float(x) for x in rng.uniform(0.0, 1.0, size=len(path)))
        stamps = [(discovered + (end - discovered) * t).replace(microsecond=0) for t in times]

        confirmed_at = stamps[0] if path else None
        deadline = None
        if confirmed_at is not None:
            span = rng.uniform(30, 120) if tier == "major" else rng.uniform(7, 30)
            deadline = (confirmed_at + day * float(span)).replace(minute=0, second=0, microsecond=0)

        plan = None
        if tier == "major" and deadline is not None:
            who, phone = person(rng)
            plan = {
                "goal": "消除重大事故隐患，恢复安全生产条件",
                "measures": f"针对“{item.text if item else '重大事故隐患'}”制定专项整改方案，整改期间局部停产并落实现场监护",
                "funds": round(float(rng.uniform(5, 200)), 1),
                "funds_unit": "万元",
                "materials": "整改所需设备、材料已落实",
                "deadline": deadline.isoformat(),
                "responsible_person": who,
                "responsible_phone": phone,
                "contingency_plan": "已编制整改期间专项应急预案并组织演练",
                "safety_measures": "设置警戒区域，专人值守，加强监测",
                "synthetic": True,
            }
            if state == "confirmed" and rng.random() < 0.5:
                plan = {k2: v for k2, v in plan.items() if k2 not in ("funds", "contingency_plan")}

        current = "reported"
        history: list[dict[str, Any]] = [{"action": "report", "from": None, "to": "reported",
                                          "at": discovered, "reason": None}]
        for action, at_time in zip(path, stamps):
            reason = "整改措施未落实到位，现场复查不合格" if action == "reject" else None
            nxt = next_state(current, action, tier_requires_plan=requires_plan[tier], plan=plan, reason=reason)
            history.append({"action": action, "from": current, "to": nxt, "at": at_time, "reason": reason})
            current = nxt
        assert current == state

        facts = HazardFacts(state=state, tier=tier, deadline=deadline)
        applied: list[str] = []
        overdue = False
        supervision = None
        for step in evaluate(facts, now):
            applied.append(step.key)
            if step.kind == "mark_overdue":
                overdue = True
            elif step.kind == "list_county":
                supervision = "county"
            elif step.kind == "list_city":
                supervision = "city"
        overdue_days = int((now - deadline) // day) if overdue and deadline is not None else None

        src_list = sources_by_unit.get(ui, [])
        source_index = int(src_list[int(rng.integers(len(src_list)))]) if src_list and rng.random() < 0.7 else None
        out.append({
            "id": f"H{k + 1:05d}",
            "index": k,
            "code": f"YH{year}{k + 1:05d}",
            "unit_index": ui,
            "unit_id": unit["id"],
            "source_index": source_index,
            "source_id": sources[source_index]["id"] if source_index is not None else None,
            "industry": unit["industry"],
            "checklist_item_code": item.code if item else None,
            "description": f"{unit['name']}：{item.text}" if item else f"{unit['name']}：存在安全隐患",
            "tier": tier,
            "tier_label": tier_label[tier],
            "state": state,
            "state_label": STATE_LABELS[state],
            "discovered_at": discovered,
            "confirmed_at": confirmed_at,
            "deadline": deadline,
            "closed_at": history[-1]["at"] if state == "closed" else None,
            "plan": plan,
            "history": history,
            "reject_count": rejects,
            "overdue": overdue,
            "overdue_days": overdue_days,
            "supervision_level": supervision,
            "applied_steps": applied,
            "township_code": unit["township_code"],
            "county_code": unit["county_code"],
            "location": unit["location"],
            "synthetic": True,
        })
