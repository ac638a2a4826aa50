"""The plan lifecycle — pure: draft → approved → filed (备案) → revised → approved …

* ``approve`` (审批): a draft or a revision becomes the approved text (a version is kept);
* ``file`` (备案): an approved plan is filed with the supervising government (a filing number);
* ``revise`` (修订): an approved or filed plan is opened for revision (its text editable again);
* content may be edited only in ``draft`` and ``revised``; plans are activated when approved or filed.
"""

from __future__ import annotations

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({"draft", "revised"}), "approved"),
    "file": (frozenset({"approved"}), "filed"),
    "revise": (frozenset({"approved", "filed"}), "revised"),
}
ACTION_LABELS = {"approve": "审批通过", "file": "备案", "revise": "启动修订"}
EDITABLE = frozenset({"draft", "revised"})
ACTIVATABLE = frozenset({"approved", "filed"})
# the statuses whose triggers dispatch may rely on
IN_FORCE = ACTIVATABLE


class LifecycleError(ValueError):
    pass


def allowed_actions(state: str) -> list[str]:
    return [a for a, (sources, _) in TRANSITIONS.items() if state in sources]


def next_state(state: str, action: str) -> str:
    if action not in TRANSITIONS:
        raise LifecycleError(f"未知的操作“{action}”")
    sources, target = TRANSITIONS[action]
    if state not in sources:
        from yingji.plans.catalog import STATES

        allowed = "、".join(ACTION_LABELS[a] for a in allowed_actions(state)) or "无"
        raise LifecycleError(f"预案当前为“{STATES.get(state, state)}”，不能{ACTION_LABELS[action]}（可执行：{allowed}）")
    return target
