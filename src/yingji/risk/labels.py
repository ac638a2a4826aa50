"""Chinese labels of the risk domain's codes (the label registry, :mod:`yingji.core.labels`)."""

from __future__ import annotations

from yingji.risk.catalog import default_taxonomy
from yingji.risk.grading import all_levels

METHODS = {"lec": "LEC 法（作业条件危险性分析）", "ls": "风险矩阵（LS）"}


def labels() -> dict[str, dict[str, str]]:
    tax = default_taxonomy()
    return {
        "risk_levels": {lv.key: lv.label for lv in all_levels()} | {"unassessed": "未评估"},
        "risk_methods": dict(METHODS),
        "risk_classes": {c.code: c.name for c in tax.classes},
        "risk_subclasses": {s.code: s.name for s in tax.subclasses},
        "entity_types": {"risk_source": "风险源", "risk_measure": "管控措施"},
        "audit_actions": {"risk_source.created": "登记风险源", "risk_source.updated": "修改风险源",
                          "risk_source.assessed": "评估风险源", "risk_measure.created": "添加管控措施",
                          "risk_source.imported": "批量导入风险源", "risk.demo_loaded": "载入演示风险数据"},
        "event_types": {"risk.source_created": "登记风险源", "risk.source_updated": "修改风险源",
                        "risk.assessed": "评估风险源", "risk.measure_added": "添加管控措施",
                        "risk.sources_imported": "批量导入风险源", "risk.demo_loaded": "载入演示风险数据"},
        "datasets": {"demo-risk-sources-synthetic": "演示风险源与评估（合成）"},
        "fields": {
            "subclass_code": "风险小类", "class_code": "风险大类", "method": "评估方法", "score": "分值",
            "management_tier": "管控层级", "l": "可能性（L）", "e": "暴露频繁程度（E）", "c": "后果（C）",
            "s": "后果严重性（S）", "assessor": "评估人", "factors": "评估因子", "assessment_id": "评估记录",
            "measure": "管控措施", "responsible_tier": "责任层级", "responsible_person": "责任人",
            "source_id": "风险源", "unit_level": "单位风险等级", "bbox": "可视范围", "description": "描述",
        },
    }
