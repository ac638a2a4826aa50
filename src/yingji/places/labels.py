"""Chinese labels of the places package's codes (the label registry, :mod:`yingji.core.labels`)."""

from __future__ import annotations

from yingji.places.models import KINDS


def labels() -> dict[str, dict[str, str]]:
    return {
        "place_kinds": dict(KINDS) | {"crossing": "路口", "caller": "来电定位"},
        "permission_domains": {"places": "地名地址"},
        "entity_types": {"place": "地名"},
        "audit_actions": {"place.imported": "导入地名", "places.demo_loaded": "载入地名库"},
        "event_types": {"places.imported": "导入地名", "places.demo_loaded": "载入地名库"},
        "datasets": {"places-seed-gazetteer": "地名种子（OSM/GeoNames）", "places-hospitals": "医院点位"},
        "fields": {"aliases": "别名", "source": "来源", "source_id": "来源编号", "county_code": "县（区、市）",
                   "township_code": "乡镇（街道）", "datum": "坐标系", "matched_on": "匹配方式",
                   "confidence": "置信度", "places": "地名数"},
    }
