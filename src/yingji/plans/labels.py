"""Chinese labels of the plans package's audit actions and event types (the label registry, :mod:`yingji.core.labels`).

应急预案.
"""

from __future__ import annotations

COMMON = {
    "plan.activated": "启动预案",
    "plan.activation_closed": "结束响应",
    "plan.created": "新建预案",
    "plan.drill_evaluated": "评估演练",
    "plan.drill_recorded": "登记演练",
    "plan.revised_from_drill": "据演练发现修订预案",
    "plan.task_overdue": "任务逾期",
    "plan.task_updated": "更新任务",
    "plan.updated": "修改预案",
    "plan.approve": "审批预案",
    "plan.file": "预案备案",
    "plan.revise": "修订预案",
    "plans.demo_loaded": "载入演示预案",
}


def labels() -> dict[str, dict[str, str]]:
    return {"audit_actions": dict(COMMON), "event_types": dict(COMMON), "datasets": {'demo-plans-synthetic': '演示应急预案（合成）'}}
