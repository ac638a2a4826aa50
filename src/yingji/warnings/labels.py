"""Chinese labels of the warnings domain's codes (the label registry, :mod:`yingji.core.labels`)."""

from __future__ import annotations

from yingji.warnings import catalog
from yingji.warnings.permissions import OP_LABELS

STATUS = {"draft": "草稿", "active": "生效中", "cancelled": "已解除", "expired": "已失效"}
REVIEW = {"editing": "编辑中", "pending": "待审批", "approved": "已批准待签发", "rejected": "已退回",
          "published": "已签发"}
OPS = {"alert": "首次发布", "update": "更新", "cancel": "解除"}
MSG_TYPES = {"Alert": "首发", "Update": "更新", "Cancel": "解除"}
REVIEW_KINDS = {"edit": "编辑", "submit": "提交审批", "approve": "审批通过", "reject": "退回", "comment": "意见",
                "publish": "签发"}
SOURCES = {"local": "本平台编制", "alarm": "监测告警生成", "import": "外部 CAP 导入"}


def labels() -> dict[str, dict[str, str]]:
    common = {
        "warning.drafted": "起草预警", "warning.edited": "修改预警", "warning.submitted": "提交预警审批",
        "warning.approved": "审批通过预警", "warning.rejected": "退回预警", "warning.commented": "预警审批意见",
        "warning.update_requested": "申请更新预警", "warning.cancel_requested": "申请解除预警",
        "warning.published": "签发预警", "warning.imported": "导入外部预警", "warnings.demo_loaded": "载入演示预警",
    }
    return {
        "warning_levels": {lv["key"]: lv["label"] for lv in catalog.levels()},
        "warning_types": {t["key"]: t["label"] for t in catalog.templates()["types"]},
        "warning_status": dict(STATUS),
        "warning_review": dict(REVIEW),
        "warning_ops": dict(OPS),
        "warning_msg_types": dict(MSG_TYPES),
        "warning_review_kinds": dict(REVIEW_KINDS),
        "warning_sources": dict(SOURCES),
        "warning_actions": dict(OP_LABELS),
        "permission_domains": {"warnings": "预警发布"},
        "entity_types": {"warning": "预警", "warning_import": "外部预警导入"},
        "audit_actions": common,
        "event_types": common,
        "datasets": {"demo-warnings-synthetic": "演示历史预警（合成）"},
        "fields": {"hazard_type": "预警类型", "level": "预警级别", "headline": "标题", "description": "预警内容",
                   "instruction": "防御指南", "area": "发布范围", "area.divisions": "发布区划",
                   "area.polygons": "绘制多边形", "area.circles": "绘制圆", "onset": "生效时间", "expires": "失效时间",
                   "note": "原因", "text": "意见", "xml": "CAP 消息", "strict": "严格模式", "warning_id": "预警",
                   "version": "版本", "queue": "待我审批", "review": "审批状态", "radius_m": "半径（米）"},
    }
