"""Chinese labels of the dispatch package's codes (the label registry, :mod:`yingji.core.labels`)."""

from __future__ import annotations

from yingji.dispatch.grading import dispatch_config
from yingji.dispatch.status import STATUS_LABELS

FORCE_KINDS = {"station": "消防救援站", "professional": "专业救援队伍", "social": "社会救援力量",
               "volunteer": "志愿者队伍", "military": "驻军及民兵支援力量"}
SPECIALTIES = {"fire": "火灾扑救", "hazchem": "危险化学品", "mine": "矿山救援", "water": "水域救援",
               "mountain": "山岳救援", "high_rise": "高层建筑", "elevator": "电梯救援", "collapse": "建筑坍塌",
               "medical": "医疗救护", "flood": "抗洪抢险", "power": "电力抢修", "communication": "通信保障",
               "traffic": "道路交通", "geology": "地质灾害", "meteorology": "气象"}
ORDER_STATUSES = {"issued": "已下达", "closed": "已结束"}


def labels() -> dict[str, dict[str, str]]:
    cfg = dispatch_config()
    return {
        "permission_domains": {"dispatch": "救援力量调度"},
        "entity_types": {"dispatch_force": "救援力量", "dispatch_vehicle": "救援车辆（装备）",
                         "dispatch_expert": "应急专家", "dispatch_order": "调派单"},
        "dispatch_force_kinds": FORCE_KINDS,
        "dispatch_specialties": SPECIALTIES,
        "dispatch_statuses": dict(STATUS_LABELS),
        "dispatch_order_statuses": ORDER_STATUSES,
        "dispatch_unit_types": {k: v["label"] for k, v in cfg["unit_types"].items()},
        "dispatch_incident_types": {k: v["label"] for k, v in cfg["incident_types"].items()},
        "dispatch_building_types": {k: v["label"] for k, v in cfg["building_types"].items()},
        "audit_actions": {
            "dispatch.force_created": "登记救援力量", "dispatch.vehicle_created": "登记救援车辆（装备）",
            "dispatch.expert_created": "登记应急专家", "dispatch.vehicle_status": "变更力量状态",
            "dispatch.order_issued": "下达调派单", "dispatch.grade_raised": "提升火警等级",
            "dispatch.units_added": "增派力量", "dispatch.order_closed": "调派结束",
            "dispatch_force.imported": "批量导入救援力量", "dispatch_vehicle.imported": "批量导入救援车辆",
            "dispatch_expert.imported": "批量导入应急专家", "dispatch.demo_loaded": "载入演示救援力量",
        },
        "event_types": {
            "dispatch.force_created": "登记救援力量", "dispatch.vehicle_created": "登记救援车辆（装备）",
            "dispatch.expert_created": "登记应急专家", "dispatch.vehicle_status": "力量状态变化",
            "dispatch.order_issued": "下达调派单", "dispatch.grade_raised": "提升火警等级",
            "dispatch.units_added": "增派力量", "dispatch.order_closed": "调派结束",
            "dispatch.forces_imported": "批量导入救援力量", "dispatch.vehicles_imported": "批量导入救援车辆",
            "dispatch.experts_imported": "批量导入应急专家", "dispatch.demo_loaded": "载入演示救援力量",
        },
        "datasets": {"demo-dispatch-synthetic": "演示救援力量（合成）"},
        "fields": {
            "callsign": "车辆呼号", "vehicle_type": "车辆（装备）类型", "capabilities": "性能与装备", "crew": "乘员",
            "force_id": "所属力量", "station_level": "站级", "specialties": "专业领域", "personnel": "人数",
            "incident_type": "事件类型", "trapped": "被困人数", "area_m2": "燃烧（受灾）面积",
            "building_type": "建筑类型", "fire_grade": "火警等级", "grade": "火警等级", "vehicles": "调派车辆",
            "expert_ids": "专家", "organisation": "工作单位", "incident_id": "事件",
        },
    }
