"""Who may do what in monitoring — the one source of truth for the actions AND the pages' buttons.

* reading: ``monitoring:read`` (every role; enterprise users see their own unit's points and alarms);
* registering points, importing, uploading telemetry (device gateways with a write token): ``monitoring:write``;
* acknowledging, handling, closing alarms and turning them into incidents / warning proposals:
  ``monitoring:write`` (government users; the read-only leader cannot).
"""

from __future__ import annotations

from typing import Any

from yingji.core.auth import Principal
from yingji.monitoring.rules import ACTION_LABELS, ALARM_ACTIONS


def write_refusal(actor: Principal) -> str | None:
    if not actor.can("monitoring:write"):
        return f"您的角色（{actor.role_label}）只能查看监测数据，不能修改"
    return None


def platform_refusal(actor: Principal) -> str | None:
    """Telemetry uploads, manual check runs and the dead-letter store are platform-level (city scope)."""
    from yingji.core.scope import division_level

    if (reason := write_refusal(actor)) is not None:
        return reason
    if division_level(actor.scope_code) not in ("city", "province"):
        return "批量上传监测数据、手动巡检与死信查看须使用市级（平台）账号或令牌"
    return None


def alarm_refusal(actor: Principal, alarm: Any, action: str) -> str | None:
    if (reason := write_refusal(actor)) is not None:
        return reason
    src = ALARM_ACTIONS[action][0]
    if alarm.state != src:
        return f"告警当前状态不能{ACTION_LABELS[action]}"
    return None


def permitted_alarm_actions(actor: Principal, alarm: Any) -> list[str]:
    return [a for a in ALARM_ACTIONS if alarm_refusal(actor, alarm, a) is None]


def page_flags(actor: Principal) -> dict[str, Any]:
    return {"can_write": write_refusal(actor) is None, "can_import": write_refusal(actor) is None,
            "sees_dead_letters": platform_refusal(actor) is None}
