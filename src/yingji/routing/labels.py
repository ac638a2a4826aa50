"""Chinese labels of the routing package's audit actions and event types (the label registry, :mod:`yingji.core.labels`).

路径与通行时间.
"""

from __future__ import annotations

COMMON = {
    "routing.closure_created": "设置道路封闭",
    "routing.closure_reopened": "解除道路封闭",
    "routing.demo_loaded": "载入演示道路封闭",
}


def labels() -> dict[str, dict[str, str]]:
    return {"audit_actions": dict(COMMON), "event_types": dict(COMMON), "datasets": {'demo-routing-closures-synthetic': '演示道路封闭（合成）'}}
