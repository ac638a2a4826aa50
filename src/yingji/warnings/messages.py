"""The CAP message of a warning version and small helpers shared by the actions and reads (no ORM)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from yingji.config import get_settings
from yingji.warnings import cap, catalog


def label(hazard_type: str, level: str) -> str:
    """``台风红色预警``."""
    t = next((x for x in catalog.templates()["types"] if x["key"] == hazard_type), None)
    lv = next((x for x in catalog.levels() if x["key"] == level), None)
    return f"{t['label'] if t else hazard_type}{lv['label'] if lv else ''}预警"


def common_division(codes: list[str], city_code: str) -> str:
    """The narrowest division (village/township/county/city/province) containing every code."""
    if not codes:
        return city_code
    for width in (12, 9, 6):
        if all(len(c) >= width for c in codes) and len({c[:width] for c in codes}) == 1:
            return codes[0][:width]
    if len({c[:4] for c in codes}) == 1:
        return codes[0][:4] + "00"
    return codes[0][:2] + "0000"


def cap_message(w: Any, *, version: int, msg_type: str, identifier: str, sender: str, sent: datetime,
                references: list[tuple[str, str, datetime]], note: str = "") -> cap.Message:
    """The CAP message of one version of a warning (pure of the database)."""
    t, lv = catalog.hazard_type(w.hazard_type), catalog.level(w.level)
    area = w.area or {}
    areas = [cap.Area(desc=w.area_desc or "预警区域", polygons=list(area.get("polygons") or []),
                      circles=[(c["lon"], c["lat"], c["radius_m"]) for c in area.get("circles") or []],
                      geocodes=list(area.get("divisions") or []))]
    cancel = msg_type == "Cancel"
    return cap.Message(
        identifier=identifier, sender=sender, sent=sent, msg_type=msg_type, note=note or None,
        references=references, category=t["category"], event=f"{t['label']}预警",
        response_type="AllClear" if cancel else t["response"], urgency="Past" if cancel else t["urgency"],
        severity=lv["severity"], certainty=t["certainty"], event_code=("CN-WARNING-TYPE", w.hazard_type),
        effective=sent, onset=w.onset, expires=w.expires, sender_name=get_settings().warnings_sender_name,
        headline=(f"解除{label(w.hazard_type, w.level)}" if cancel else w.headline), description=w.description,
        instruction=None if cancel else w.instruction,
        parameters=[(cap.COLOUR_PARAM, w.level.upper()), (cap.GRADE_PARAM, lv["grade"]), ("COLOUR_LABEL", lv["label"]),
                    ("VERSION", str(version))],
        areas=areas)
