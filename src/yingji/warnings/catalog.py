"""Warning templates as data (``config/templates.json``): hazard types, the four levels and the
防御指南 (defence guidance) per type and level, from the national signal tables."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed


@lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    return read_config("yingji.warnings", "templates.json")


def levels() -> list[dict[str, Any]]:
    return list(templates()["levels"])


def level(key: str) -> dict[str, Any]:
    for lv in templates()["levels"]:
        if lv["key"] == key:
            return dict(lv)
    raise ValidationFailed(f"预警级别 {key!r} 不存在（蓝、黄、橙、红）", field="level")


def hazard_type(key: str) -> dict[str, Any]:
    for t in templates()["types"]:
        if t["key"] == key:
            return dict(t)
    raise ValidationFailed(f"预警类型 {key!r} 不在模板中", field="hazard_type")


def type_keys() -> list[str]:
    return [t["key"] for t in templates()["types"]]


def level_keys() -> list[str]:
    return [lv["key"] for lv in templates()["levels"]]


def draft_text(type_key: str, level_key: str, area_name: str = "") -> dict[str, str]:
    """Headline, description and instruction a template proposes for a type and level."""
    t, lv = hazard_type(type_key), level(level_key)
    entry = t["levels"][level_key]
    where = area_name or "相关地区"
    headline = f"{where}发布{t['label']}{lv['label']}预警"
    description = f"{t['label']}{lv['label']}预警（{lv['grade']}）：{entry['criteria']}。"
    instruction = "\n".join(f"{i}. {g}" for i, g in enumerate(entry["guidance"], 1))
    return {"headline": headline, "description": description, "instruction": instruction}


def public_catalog() -> dict[str, Any]:
    """What the editor shows: types (with criteria and guidance per level) and levels."""
    return {"levels": levels(), "types": [
        {"key": t["key"], "label": t["label"], "category": t["category"],
         "levels": {k: {"criteria": v["criteria"], "guidance": v["guidance"]} for k, v in t["levels"].items()}}
        for t in templates()["types"]]}
