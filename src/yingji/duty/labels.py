"""Chinese labels of the duty package's audit actions and event types (the label registry, :mod:`yingji.core.labels`).

值班值守.
"""

from __future__ import annotations

COMMON = {
    "duty.demo_loaded": "载入演示值班表",
    "duty.handed_over": "交接班",
    "duty.logged": "记录值班日志",
    "duty.shift_added": "排班",
}


def labels() -> dict[str, dict[str, str]]:
    return {"audit_actions": dict(COMMON), "event_types": dict(COMMON), "datasets": {'demo-duty-synthetic': '演示值班表（合成）'}}
