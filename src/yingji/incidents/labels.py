"""Chinese labels of the incidents package's audit actions and event types (the label registry, :mod:`yingji.core.labels`).

事件接报与信息报送.
"""

from __future__ import annotations

COMMON = {
    "incident.call_merged": "来电并入事件",
    "incident.counts_updated": "核报伤亡并重新定级",
    "incident.created": "新建事件",
    "incident.status_changed": "变更事件状态",
    "incident.updated": "更新事件",
    "incident_call.audio_stored": "录音接警（待补录来电内容）",
    "incident_call.taken": "接警登记",
    "incident_call.transcript_entered": "补录来电内容并识别",
    "incident_report.draft_saved": "保存报告草稿",
    "incident_report.generated": "生成报告",
    "incident_report.received": "接收报告",
    "incident_report.submitted": "报送报告",
    "incidents.demo_loaded": "载入演示事件数据",
}


def labels() -> dict[str, dict[str, str]]:
    return {"audit_actions": dict(COMMON), "event_types": dict(COMMON), "datasets": {'demo-incidents-synthetic': '演示来电与事件（合成）'}}
