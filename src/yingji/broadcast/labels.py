"""Chinese labels of the broadcast package's codes."""

from __future__ import annotations

from yingji.broadcast.targeting import KIND_LABELS

STATES = {"targeting": "圈定对象中", "delivering": "投递中", "done": "投递完成"}
DELIVERY_STATES = {"pending": "待投递", "delivered": "已送达", "failed": "投递失败"}
CHANNELS = {"mqtt": "应急广播（MQTT）", "sms": "短信", "app": "APP 推送"}
TERMINAL_LEVELS = {"city": "市级", "county": "县级", "township": "乡镇级", "village": "村级"}
COLOURS = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}

_ACTIONS = {"broadcast.recipient_registered": "登记预警接收对象", "broadcast.recipient_deactivated": "停用预警接收对象",
            "broadcast.drill_sent": "发送预警演练消息", "broadcast.demo_loaded": "载入演示接收对象（合成）"}


def labels() -> dict[str, dict[str, str]]:
    return {
        "broadcast_kinds": dict(KIND_LABELS),
        "broadcast_states": dict(STATES),
        "broadcast_delivery_states": dict(DELIVERY_STATES),
        "broadcast_channels": dict(CHANNELS),
        "broadcast_terminal_levels": dict(TERMINAL_LEVELS),
        "broadcast_colours": dict(COLOURS),
        "permission_domains": {"broadcast": "预警发布渠道"},
        "entity_types": {"broadcast_recipient": "预警接收对象", "broadcast_campaign": "预警发布任务"},
        "audit_actions": dict(_ACTIONS),
        "event_types": dict(_ACTIONS),
        "datasets": {"demo-broadcast-synthetic": "演示预警接收对象（合成）"},
        "fields": {"area": "发布范围", "area.divisions": "目标区划", "area.polygons": "多边形", "area.circles": "圆形区域",
                   "kind": "类别", "level": "终端级别", "address": "终端编号 / 号码 / 设备标识", "population": "覆盖人口",
                   "severity_colour": "预警颜色", "text": "内容", "campaign_id": "发布任务"},
    }
