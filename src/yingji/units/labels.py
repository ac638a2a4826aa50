"""Chinese labels of the units package's codes (the label registry, :mod:`yingji.core.labels`)."""

from __future__ import annotations

from yingji.units.catalog import default_industries


def labels() -> dict[str, dict[str, str]]:
    return {
        "industries": {i.code: i.name for i in default_industries()},
        "permission_domains": {"units": "生产经营单位"},
        "entity_types": {"unit": "生产经营单位"},
        "audit_actions": {"unit.created": "登记单位", "unit.updated": "修改单位", "unit.level_changed": "单位风险等级变化",
                          "unit.imported": "批量导入单位", "units.demo_loaded": "载入演示单位"},
        "event_types": {"unit.created": "登记单位", "unit.updated": "修改单位", "units.imported": "批量导入单位",
                        "units.demo_loaded": "载入演示单位"},
        "datasets": {"demo-units-synthetic": "演示生产经营单位（合成）"},
        "fields": {
            "credit_code": "统一社会信用代码", "industry": "行业", "address": "地址", "lon": "经度", "lat": "纬度",
            "scale": "规模", "standardisation_level": "标准化等级", "legal_person": "法定代表人",
            "safety_manager": "安全管理负责人", "phone": "联系电话", "supervising_department": "监管部门",
            "risk_level": "风险等级", "notes": "备注", "units": "单位数",
        },
    }
