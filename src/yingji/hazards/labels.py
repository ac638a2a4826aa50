"""Chinese labels of the hazards domain's codes (the label registry, :mod:`yingji.core.labels`)."""

from __future__ import annotations

from yingji.hazards.catalog import default_tier_config
from yingji.hazards.escalation import SUPERVISION_LABELS
from yingji.hazards.lifecycle import ACTION_LABELS, STATE_LABELS

INSPECTION_KINDS = {"department": "部门检查", "self": "企业自查"}
ITEM_RESULTS = {"pass": "合格", "fail": "不合格", "na": "不适用"}
NOTICE_KINDS = {"overdue": "逾期提醒", "listing": "挂牌督办通知", "lifted": "摘牌通知", "todo": "待办提醒"}
AUDIENCES = {"unit": "生产经营单位", "government": "监管部门"}


def labels() -> dict[str, dict[str, str]]:
    cfg = default_tier_config()
    actions = {f"hazard.{k}": v for k, v in ACTION_LABELS.items()}
    common = {
        "hazard.reported": "上报隐患", **actions, "hazard.plan_updated": "更新整改方案", "hazard.listed": "挂牌督办",
        "hazard.listing_lifted": "摘牌", "hazard.escalated": "逾期升级", "hazard.attachment_added": "上传附件",
        "inspection.recorded": "登记检查记录", "hazards.demo_loaded": "载入演示隐患数据",
    }
    return {
        "hazard_states": dict(STATE_LABELS),
        "hazard_actions": {"report": "上报", **ACTION_LABELS},
        "hazard_tiers": {t.key: t.label for t in cfg.tiers},
        "supervision_levels": {k: v for k, v in SUPERVISION_LABELS.items() if k} | {"none": "未挂牌"},
        "inspection_kinds": dict(INSPECTION_KINDS),
        "inspection_results": dict(ITEM_RESULTS),
        "notice_kinds": dict(NOTICE_KINDS),
        "notice_audiences": dict(AUDIENCES),
        "permission_domains": {"hazards": "隐患排查治理", "supervision": "安全风险"},
        "entity_types": {"hazard": "隐患", "inspection": "检查记录"},
        "audit_actions": common,
        "event_types": common | {"hazard.overdue": "隐患逾期", "hazard.overdue_notified": "逾期提醒"},
        "datasets": {"demo-hazards-synthetic": "演示隐患排查治理数据（合成）"},
        "fields": {f.key: f.label for f in cfg.plan_fields} | {
            "title": "名称", "description": "描述", "tier": "隐患分级", "state": "状态", "plan": "整改方案",
            "goal": "整改目标", "funds_unit": "资金单位", "materials": "整改物资", "responsible_phone": "责任人电话",
            "safety_measures": "整改期间安全措施", "deadline": "整改期限", "overdue": "是否逾期",
            "supervision_level": "督办级别", "listed_by": "挂牌督办单位", "notice_no": "限期整改通知文号",
            "listing_id": "挂牌督办记录", "inspection_id": "检查记录", "checklist_item_code": "检查项",
            "discovered_at": "发现时间", "inspector": "检查人员", "department": "检查部门", "inspected_at": "检查时间",
            "result": "检查结果", "note": "说明", "create_hazard": "登记为隐患", "failed": "不合格项数",
            "planned_inspection_id": "年度计划检查", "now": "当前时间", "steps": "升级步骤", "hazard_id": "隐患",
            "filename": "文件名", "content_type": "文件类型", "size": "大小", "uploaded_at": "上传时间",
            "uploaded_by": "上传人", "attachment_id": "附件", "id": "编号", "quarter": "季度", "todo": "待我处理",
        },
    }
