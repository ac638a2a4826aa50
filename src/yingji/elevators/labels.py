"""Chinese labels of the elevators domain."""

from __future__ import annotations

from yingji.elevators.rules import ACTION_LABELS, RESCUE_STATES, default_config


def labels() -> dict[str, dict[str, str]]:
    common = {"elevator.registered": "登记电梯", "elevator.rescue_opened": "困人救援（已通知维保单位）",
              "elevator.rescue_acknowledge": "救援响应", "elevator.rescue_arrive": "救援人员到场",
              "elevator.rescue_release": "困人解救完成", "elevator.rescue_escalated": "困人救援升级",
              "elevator.escalation_run": "困人救援升级检查", "elevators.demo_loaded": "载入演示电梯数据"}
    return {"elevator_rescue_states": dict(RESCUE_STATES), "elevator_rescue_actions": dict(ACTION_LABELS),
            "elevator_tiers": {t["key"]: t["label"] for t in default_config().tiers},
            "entity_types": {"elevator": "电梯", "elevator_rescue": "困人救援", "elevator_rescues": "困人救援"},
            "audit_actions": common, "event_types": common,
            "datasets": {"demo-elevators-synthetic": "演示电梯与困人救援（合成）"},
            "fields": {"registration_code": "注册代码", "maintenance_company": "维保单位", "building": "楼栋",
                       "elevators": "电梯数", "terminals": "物联网终端数", "rescues": "救援数"}}
