"""Chinese labels of the monitoring domain's codes (the label registry, :mod:`yingji.core.labels`)."""

from __future__ import annotations

from yingji.monitoring.rules import (
    ACTION_LABELS,
    DEAD_LETTER_REASONS,
    KIND_LABELS,
    RECIPIENT_LABELS,
    STATE_LABELS,
    default_catalog,
)


def labels() -> dict[str, dict[str, str]]:
    cat = default_catalog()
    common = {
        "monitoring.point_created": "登记监测点", "monitoring.point_updated": "修改监测点",
        "monitoring.points_imported": "导入监测点", "monitoring_points.imported": "导入监测点",
        "monitoring.batch_ingested": "监测数据入库", "monitoring.alarm_raised": "监测告警",
        "monitoring.alarm_upgraded": "告警升级（级别提高）", "monitoring.alarm_acknowledged": "确认告警",
        "monitoring.alarm_handled": "处置告警", "monitoring.alarm_closed": "关闭告警",
        "monitoring.alarm_escalated": "告警超时未确认升级", "monitoring.checks_run": "监测巡检（升级、离线）",
        "monitoring.alarm_incident_opened": "告警转为事件", "monitoring.alarm_warning_proposed": "告警提请发布预警",
        "monitoring.history_purged": "清理监测历史", "monitoring.history_rolled_up": "监测历史按小时汇总",
        "monitoring.demo_loaded": "载入演示监测数据",
    }
    return {
        "monitoring_device_types": {t.key: t.label for t in cat.types.values()},
        "monitoring_levels": {lv["key"]: lv["label"] for lv in cat.levels},
        "monitoring_alarm_states": dict(STATE_LABELS),
        "monitoring_alarm_actions": dict(ACTION_LABELS),
        "monitoring_rule_kinds": dict(KIND_LABELS),
        "monitoring_dead_letter_reasons": dict(DEAD_LETTER_REASONS),
        "monitoring_notice_audiences": dict(RECIPIENT_LABELS),
        "permission_domains": {"monitoring": "监测预警"},
        "entity_types": {"monitoring_point": "监测点", "monitoring_alarm": "监测告警", "telemetry_batch": "监测数据批次",
                         "monitoring_checks": "监测巡检", "monitoring_readings": "监测历史数据",
                         "monitoring_hourly": "监测小时汇总", "monitoring_alarm_notice": "告警通知"},
        "audit_actions": common,
        "event_types": common,
        "datasets": {"demo-monitoring-synthetic": "演示监测设备与数据（合成）"},
        "fields": {"device_type": "设备类型", "rules_override": "规则覆盖", "risk_source_id": "所属风险源",
                   "messages": "报文", "note": "处置说明", "hazard_type": "灾种",
                   "point_id": "监测点", "rule_key": "告警规则",
                   "offline": "离线设备数", "escalated": "升级告警数", "back_online": "恢复在线数",
                   "hours": "小时数", "rows": "汇总行数", "hourly_rows_written": "汇总行数",
                   "hourly_deleted": "清理的小时汇总", "hourly_retention_days": "小时汇总保留天数",
                   "deleted": "清理条数", "retention_days": "保留天数", "from_hour": "汇总起始小时", "to_hour": "汇总截止小时",
                   "audience": "通知对象", "escalation": "升级通知", "delivered_at": "送达时间", "done_at": "办结时间",
                   "delivered": "送达人数", "open": "只看未处理", "alarm_id": "告警"},
    }
