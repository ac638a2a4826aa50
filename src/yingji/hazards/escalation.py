"""Overdue evaluation and escalation of hidden hazards (逾期升级、挂牌督办).

Pure, with an injected clock: give the plain facts of one hazard and ``now``; get back the
escalation steps that are due *and not yet applied*. The caller applies them (sets the
overdue flag, sends notices, raises the supervision level) in one action and records each
applied step's ``key`` so the next evaluation does not return it again.

Rules come from ``hazards/config/escalation.json``. Defaults: once the deadline has passed,
mark overdue and notify the unit and its supervisor; a 重大事故隐患 is listed for county
supervision (县级挂牌督办) at once and for city supervision after 30 overdue days; a
一般事故隐患 is listed at county level after 30 overdue days and never at city level.

Days overdue = whole days elapsed since the deadline (0 during the first 24 h after it).
A hazard is overdue only when ``now`` is strictly after the deadline. Hazards in states
outside ``escalating_states`` (default: 待验收, 已验收, 已销号) never escalate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed
from yingji.core.timeutil import fmt_local
from yingji.hazards.catalog import TierConfig, default_tier_config
from yingji.hazards.lifecycle import STATES

__all__ = [
    "STEP_KINDS",
    "SUPERVISION_LEVELS",
    "EscalationConfig",
    "EscalationRule",
    "EscalationStep",
    "HazardFacts",
    "evaluate",
    "load_escalation_config",
    "overdue_days",
]

STEP_KINDS: tuple[str, ...] = ("mark_overdue", "notify", "list_county", "list_city")
SUPERVISION_LEVELS: tuple[str | None, ...] = (None, "county", "city")
SUPERVISION_LABELS = {None: "未挂牌", "county": "县级挂牌督办", "city": "市级挂牌督办"}


@dataclass(frozen=True, slots=True)
class HazardFacts:
    """What the evaluator needs to know about one hazard.

    ``applied`` holds the ``key`` of every step already applied (e.g. ``"mark_overdue"``,
    ``"notify_overdue"``). ``supervision_level`` and ``overdue_marked`` also count as
    applied steps (a hazard listed at city level is implicitly listed at county level).
    """

    state: str
    tier: str
    deadline: datetime | None
    supervision_level: str | None = None
    overdue_marked: bool = False
    applied: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class EscalationStep:
    kind: str  # mark_overdue | notify | list_county | list_city
    key: str  # rule key: record it once applied
    message: str  # Chinese text for the notice / ledger
    recipients: tuple[str, ...]  # unit | supervisor | county_safety_office | city_safety_office
    days_overdue: int


@dataclass(frozen=True, slots=True)
class EscalationRule:
    key: str
    kind: str
    after_days: Mapping[str, int | None]  # tier key (or "default") -> days, None = never
    recipients: tuple[str, ...]
    message: str

    def threshold(self, tier: str) -> int | None:
        if tier in self.after_days:
            return self.after_days[tier]
        return self.after_days.get("default")


@dataclass(frozen=True, slots=True)
class EscalationConfig:
    escalating_states: frozenset[str]
    rules: tuple[EscalationRule, ...]
    enterprise_max_deadline_days: int = 365  # how far ahead an enterprise may propose a first deadline
    automatic_listing_days: int = 30  # time limit of an automatic 挂牌督办 notice


def _bad(msg: str) -> ValidationFailed:
    return ValidationFailed(f"隐患升级配置有误：{msg}", field="escalation", code="bad_config")


def load_escalation_config(path: str | Path | None = None) -> EscalationConfig:
    raw = read_config("yingji.hazards", "escalation.json", path)
    states = frozenset(str(s) for s in raw.get("escalating_states", []))
    if not states <= set(STATES):
        raise _bad(f"未知状态 {'、'.join(sorted(states - set(STATES)))}")
    rules = []
    for r in raw.get("rules", []):
        kind = r.get("kind")
        if kind not in STEP_KINDS:
            raise _bad(f"步骤类型“{kind}”无效")
        after: dict[str, int | None] = {}
        for tier, days in dict(r.get("after_days", {})).items():
            if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
                raise _bad(f"规则 {r.get('key')} 的天数必须是非负整数或 null")
            after[str(tier)] = days
        rules.append(EscalationRule(str(r.get("key", kind)), kind, after,
                                    tuple(str(x) for x in r.get("recipients", [])), str(r.get("message", ""))))
    if len({r.key for r in rules}) != len(rules):
        raise _bad("规则 key 重复")
    limits = {}
    for name, default in (("enterprise_max_deadline_days", 365), ("automatic_listing_days", 30)):
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _bad(f"{name} 必须是正整数")
        limits[name] = value
    return EscalationConfig(states, tuple(rules), **limits)


@lru_cache(maxsize=1)
def default_escalation_config() -> EscalationConfig:
    return load_escalation_config()


def _aware(value: Any, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationFailed(f"{name}必须是日期时间", field=name, code="invalid_datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{name}必须带时区（不接受无时区的时间）", field=name, code="naive_datetime")
    return value


def overdue_days(deadline: datetime, now: datetime) -> int | None:
    """Whole days overdue, or ``None`` when ``now`` is not after ``deadline``."""
    _aware(deadline, "deadline")
    _aware(now, "now")
    if now <= deadline:
        return None
    return int((now - deadline) // timedelta(days=1))


def _facts(facts: HazardFacts | Mapping[str, Any]) -> HazardFacts:
    if isinstance(facts, HazardFacts):
        return facts
    return HazardFacts(
        state=facts["state"],
        tier=facts["tier"],
        deadline=facts.get("deadline"),
        supervision_level=facts.get("supervision_level"),
        overdue_marked=bool(facts.get("overdue_marked", False)),
        applied=frozenset(facts.get("applied") or ()),
    )


def evaluate(
    facts: HazardFacts | Mapping[str, Any],
    now: datetime,
    *,
    config: EscalationConfig | None = None,
    tiers: TierConfig | None = None,
) -> list[EscalationStep]:
    """Escalation steps due for one hazard at ``now``, in rule order, excluding applied ones.

    ``facts`` is a :class:`HazardFacts` or a mapping with the same keys. Naive datetimes
    raise :class:`ValidationFailed` (field ``now`` or ``deadline``).
    """
    f = _facts(facts)
    cfg = config or default_escalation_config()
    tier_cfg = tiers or default_tier_config()
    _aware(now, "now")
    if f.state not in STATES:
        raise ValidationFailed(f"隐患状态“{f.state}”无效", field="state", code="unknown_state")
    tier = tier_cfg.tier(f.tier)
    if f.supervision_level not in SUPERVISION_LEVELS:
        raise ValidationFailed(
            f"督办级别“{f.supervision_level}”无效，可选：无、county（县级）、city（市级）",
            field="supervision_level",
            code="invalid_supervision_level",
        )
    if f.deadline is None or f.state not in cfg.escalating_states:
        return []
    days = overdue_days(_aware(f.deadline, "deadline"), now)
    if days is None:
        return []

    done = set(f.applied)
    if f.overdue_marked:
        done.add("kind:mark_overdue")
    if f.supervision_level in ("county", "city"):
        done.add("kind:list_county")
    if f.supervision_level == "city":
        done.add("kind:list_city")

    deadline_text = fmt_local(f.deadline)
    steps: list[EscalationStep] = []
    for rule in cfg.rules:
        threshold = rule.threshold(tier.key)
        if threshold is None or days < threshold:
            continue
        if rule.key in done or (rule.kind != "notify" and f"kind:{rule.kind}" in done):
            continue
        message = rule.message.format(tier_label=tier.label, deadline=deadline_text, days=days)
        steps.append(EscalationStep(rule.kind, rule.key, message, rule.recipients, days))
    return steps
