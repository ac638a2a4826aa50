"""Hidden-hazard lifecycle (隐患排查治理闭环) as an explicit state machine.

::

    reported 已上报 --confirm--> confirmed 已确认 --start_rectification--> rectifying 整改中
    rectifying --submit_acceptance--> submitted 待验收 --accept--> accepted 已验收 --close--> closed 已销号
    submitted --reject (reason required)--> rectifying          (验收不通过，退回整改)

Guards (checked after the transition itself is known to be legal):

* entering ``rectifying`` (``start_rectification`` or ``reject``) for a tier that requires
  a plan (default: 重大事故隐患) needs every 五到位 field filled: measures 整改措施,
  funds 整改资金, deadline 整改期限, responsible_person 责任人, contingency_plan 应急预案
  (the list comes from ``hazards/config/tiers.json``);
* ``reject`` needs a non-blank ``reason``.

Pure: the caller (``hazards/actions.py``) loads the hazard, calls :func:`next_state`,
then persists the returned state and the audit record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from yingji.core.errors import Conflict, ValidationFailed
from yingji.hazards.catalog import PlanField, default_tier_config

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "STATES",
    "STATE_LABELS",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "NextStep",
    "allowed_actions",
    "missing_plan_fields",
    "next_state",
    "next_step",
]

STATES: tuple[str, ...] = ("reported", "confirmed", "rectifying", "submitted", "accepted", "closed")
ACTIONS: tuple[str, ...] = ("confirm", "start_rectification", "submit_acceptance", "accept", "reject", "close")

STATE_LABELS: Mapping[str, str] = MappingProxyType({
    "reported": "已上报",
    "confirmed": "已确认",
    "rectifying": "整改中",
    "submitted": "待验收",
    "accepted": "已验收",
    "closed": "已销号",
})

ACTION_LABELS: Mapping[str, str] = MappingProxyType({
    "confirm": "确认隐患",
    "start_rectification": "开始整改",
    "submit_acceptance": "提交验收",
    "accept": "验收通过",
    "reject": "验收不通过（退回整改）",
    "close": "销号",
})

#: state -> {action: target state}. States absent from an inner mapping have no such action.
TRANSITIONS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "reported": MappingProxyType({"confirm": "confirmed"}),
    "confirmed": MappingProxyType({"start_rectification": "rectifying"}),
    "rectifying": MappingProxyType({"submit_acceptance": "submitted"}),
    "submitted": MappingProxyType({"accept": "accepted", "reject": "rectifying"}),
    "accepted": MappingProxyType({"close": "closed"}),
    "closed": MappingProxyType({}),
})

TERMINAL_STATES: frozenset[str] = frozenset(s for s, acts in TRANSITIONS.items() if not acts)


@dataclass(frozen=True, slots=True)
class NextStep:
    """Who must act next on a hazard, and what: the supervising government (at ``level``) or the unit."""

    audience: str  # "government" | "unit"
    action: str  # the step expected (for reject/accept: "accept")
    level: str | None  # government: "county" | "city" (the supervising level); unit: None
    message: str  # what the notice asks, in Chinese


#: state -> (audience, expected action, request) — whose turn it is after a hazard reaches the state
_NEXT: Mapping[str, tuple[str, str, str]] = MappingProxyType({
    "reported": ("government", "confirm", "已上报，请核实并确认隐患（设定整改期限）"),
    "confirmed": ("unit", "start_rectification", "已确认，请制定整改方案并开始整改"),
    "rectifying": ("unit", "submit_acceptance", "正在整改，整改完成后请提交验收"),
    "submitted": ("government", "accept", "已提交验收，请组织验收（通过或退回整改）"),
    "accepted": ("government", "close", "已验收，请办理销号"),
})


def next_step(state: str, supervision_level: str | None = None, *, rejected: bool = False) -> NextStep | None:
    """Whose turn it is once a hazard is in ``state`` (None when the process has ended).

    Government steps are addressed to the county (县级) unless the hazard is under city-level
    supervision (市级挂牌督办); ``rejected`` words the unit's notice after a failed acceptance.
    """
    _check_state(state)
    if state not in _NEXT:
        return None
    audience, action, message = _NEXT[state]
    if rejected and state == "rectifying":
        message = "验收不通过，已退回整改，请按退回意见整改后重新提交验收"
    level = ("city" if supervision_level == "city" else "county") if audience == "government" else None
    return NextStep(audience, action, level, message)


def _check_state(state: str) -> None:
    if state not in TRANSITIONS:
        raise ValidationFailed(
            f"隐患状态“{state}”无效，可选：{'、'.join(f'{s}（{STATE_LABELS[s]}）' for s in STATES)}",
            field="state",
            code="unknown_state",
        )


def allowed_actions(state: str) -> tuple[str, ...]:
    """Actions allowed in ``state``, in the canonical order of :data:`ACTIONS`."""
    _check_state(state)
    return tuple(a for a in ACTIONS if a in TRANSITIONS[state])


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, set, dict)):
        return len(value) == 0
    return False


def missing_plan_fields(
    plan: Mapping[str, Any] | None, fields: Sequence[PlanField] | None = None
) -> list[PlanField]:
    """The 五到位 fields absent or blank in ``plan`` (None, "", whitespace, empty list)."""
    fields = default_tier_config().plan_fields if fields is None else fields
    plan = plan or {}
    return [f for f in fields if _is_blank(plan.get(f.key))]


def next_state(
    state: str,
    action: str,
    *,
    tier_requires_plan: bool,
    plan: Mapping[str, Any] | None = None,
    reason: str | None = None,
    plan_fields: Sequence[PlanField] | None = None,
) -> str:
    """Return the state reached by doing ``action`` in ``state``.

    Raises:
        ValidationFailed: unknown state/action (field ``state``/``action``); a plan-requiring
            hazard entering 整改中 with 五到位 fields missing (code ``plan_incomplete``,
            field ``plan.<first missing>``, ``details`` lists every missing field);
            ``reject`` without reason (field ``reason``).
        Conflict: the action is not allowed in this state (code ``illegal_transition``).
    """
    _check_state(state)
    if action not in ACTION_LABELS:
        raise ValidationFailed(
            f"操作“{action}”无效，可选：{'、'.join(f'{a}（{ACTION_LABELS[a]}）' for a in ACTIONS)}",
            field="action",
            code="unknown_action",
        )
    target = TRANSITIONS[state].get(action)
    if target is None:
        allowed = allowed_actions(state)
        allowed_text = "、".join(ACTION_LABELS[a] for a in allowed) if allowed else "无（流程已结束）"
        raise Conflict(
            f"隐患当前状态为“{STATE_LABELS[state]}”，不能执行“{ACTION_LABELS[action]}”操作；"
            f"当前可执行的操作：{allowed_text}",
            field="action",
            code="illegal_transition",
        )
    if action == "reject" and _is_blank(reason):
        raise ValidationFailed("验收不通过退回整改时必须填写退回原因", field="reason", code="reason_required")
    if target == "rectifying" and tier_requires_plan:
        missing = missing_plan_fields(plan, plan_fields)
        if missing:
            names = "、".join(f.label for f in missing)
            raise ValidationFailed(
                f"该隐患须落实“五到位”整改方案后方可进入整改，缺少：{names}",
                field=f"plan.{missing[0].key}",
                code="plan_incomplete",
                details=[{"field": f"plan.{f.key}", "message": f"请填写{f.label}"} for f in missing],
            )
    return target
