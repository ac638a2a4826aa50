"""Chinese labels of the enforcement domain's codes (the label registry, :mod:`yingji.core.labels`)."""

from __future__ import annotations


def labels() -> dict[str, dict[str, str]]:
    return {
        "permission_domains": {"enforcement": "执法检查"},
        "entity_types": {"inspection_plan": "年度执法检查计划", "planned_inspection": "计划检查", "penalty": "行政处罚",
                         "blacklist_entry": "失信黑名单"},
        "audit_actions": {
            "inspection_plan.generated": "生成年度执法检查计划", "inspection_plan.replaced": "重新生成年度执法检查计划",
            "planned_inspection.done": "完成计划检查", "penalty.recorded": "登记行政处罚",
            "blacklist.added": "列入黑名单", "blacklist.removed": "移出黑名单",
            "enforcement.demo_loaded": "载入演示执法数据",
        },
        "event_types": {
            "inspection_plan.generated": "生成年度执法检查计划", "planned_inspection.done": "完成计划检查",
            "penalty.recorded": "登记行政处罚", "blacklist.added": "列入黑名单", "blacklist.removed": "移出黑名单",
            "enforcement.demo_loaded": "载入演示执法数据",
        },
        "datasets": {"fuzhou-enforcement-synthetic": "演示执法检查数据（合成）"},
        "fields": {
            "year": "年度", "frequencies": "检查频次", "replace": "重新生成", "inspection_id": "检查记录",
            "decision_no": "处罚决定书文号", "amount_yuan": "罚款金额（元）", "decided_at": "决定日期",
            "listed_at": "列入日期", "removed_at": "移出日期", "removal_reason": "移出原因", "items": "检查次数",
            "month": "月份", "done": "完成", "plan_id": "检查计划", "item_id": "计划检查", "entry_id": "黑名单记录",
        },
    }
