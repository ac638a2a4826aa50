"""Unit status (力量状态) and which changes are allowed — pure.

available 可调派 → dispatched 已调派 → en_route 出动途中 → on_scene 到场 → returning 返回途中 →
available; out_of_service 停用（维修、训练）from and to available; a dispatch can be cancelled
(dispatched/en_route → available) and a returning unit may be sent again (returning → dispatched).
"""

from __future__ import annotations

STATUSES = ("available", "dispatched", "en_route", "on_scene", "returning", "out_of_service")
STATUS_LABELS = {"available": "可调派", "dispatched": "已调派", "en_route": "出动途中", "on_scene": "到场处置",
                 "returning": "返回途中", "out_of_service": "停用"}
DISPATCHABLE = frozenset({"available", "returning"})
BUSY = frozenset({"dispatched", "en_route", "on_scene"})

_ALLOWED: dict[str, frozenset[str]] = {
    "available": frozenset({"dispatched", "out_of_service"}),
    "dispatched": frozenset({"en_route", "on_scene", "available"}),
    "en_route": frozenset({"on_scene", "available", "returning"}),
    "on_scene": frozenset({"returning"}),
    "returning": frozenset({"available", "dispatched"}),
    "out_of_service": frozenset({"available"}),
}


def allowed_next(status: str) -> list[str]:
    return [s for s in STATUSES if s in _ALLOWED.get(status, frozenset())]


def transition_refusal(current: str, new: str) -> str | None:
    """None when ``current → new`` is allowed, else the Chinese reason."""
    if new not in STATUSES:
        return f"未知的力量状态：{new}"
    if new == current:
        return f"力量已是“{STATUS_LABELS[new]}”状态"
    if new not in _ALLOWED.get(current, frozenset()):
        return f"不能从“{STATUS_LABELS.get(current, current)}”改为“{STATUS_LABELS[new]}”"
    return None


def arrival_within(dispatched_seconds: float, standard_seconds: int) -> bool:
    """Whether an arrival ``dispatched_seconds`` after the dispatch meets the standard (5 min)."""
    return dispatched_seconds <= standard_seconds
