"""How the warnings domain takes part in others: the home card ``warnings.active`` and the monitoring
alarm that proposes a warning draft (``monitoring.alarm_propose_warning``, in the alarm's transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.auth import Principal
from yingji.core.home import HOME_HOOK, count_by_county
from yingji.warnings import actions, catalog, service
from yingji.warnings.models import EarlyWarning

ALARM_HOOK = "monitoring.alarm_propose_warning"
LEVEL_OF_ALARM = {"1": "red", "2": "orange", "3": "yellow", "4": "blue", "red": "red", "orange": "orange",
                  "yellow": "yellow", "blue": "blue", "critical": "red", "major": "orange", "high": "orange",
                  "warning": "yellow", "medium": "yellow", "minor": "blue", "low": "blue", "info": "blue"}
ALARM_RADIUS_M = 3000.0


@hooks.handler(HOME_HOOK)
def warning_cards(db: Session, principal: Principal, *, division: str | None) -> list[dict[str, Any]] | None:
    if not principal.can("warnings:read"):
        return None
    active = count_by_county(db, principal, EarlyWarning, service.in_force(), division=division)
    by_level = {lv["key"]: count_by_county(db, principal, EarlyWarning, service.in_force(),
                                           EarlyWarning.level == lv["key"], division=division)
                for lv in catalog.levels()}
    pending = count_by_county(db, principal, EarlyWarning, EarlyWarning.review == "pending", division=division)
    n_red = sum(by_level["red"].values()) + sum(by_level["orange"].values())
    n = sum(active.values())
    return [{
        "key": "warnings.active", "title": "生效预警", "count": n,
        "severity": "danger" if n_red else "warning" if n else "info",
        "href": "/monitoring/warnings?status=active", "by_district": active, "order": 15,
        "note": f"待审批 {sum(pending.values())} 条" if pending else "当前生效的红橙黄蓝预警",
        "parts": [{"label": lv["label"], "count": sum(by_level[lv["key"]].values()),
                   "severity": "danger" if lv["rank"] >= 3 and sum(by_level[lv["key"]].values()) else "info",
                   "href": f"/monitoring/warnings?status=active&level={lv['key']}"}
                  for lv in reversed(catalog.levels())],
    }]


@hooks.handler(ALARM_HOOK)
def propose_from_alarm(db: Session, actor: Principal, *, alarm_id: int, title: str, kind: str = "",
                       level: str | int | None = None, lon: float | None = None, lat: float | None = None,
                       division_code: str | None = None, unit_id: int | None = None,
                       occurred_at: datetime | None = None, hazard_type: str | None = None,
                       **_: Any) -> None:
    """An alarm from monitoring proposes a draft: its type (or the alarm's kind), its level, the
    alarm's division and a 3 km circle round it. The draft then goes through the two-person approval."""
    keys = catalog.type_keys()
    htype = hazard_type if hazard_type in keys else next((k for k in keys if k in (kind or "")), None)
    if htype is None:
        htype = actions._type_of(kind or "", title) or "hazchem"
    colour = LEVEL_OF_ALARM.get(str(level).lower() if level is not None else "", "blue")
    area: dict[str, Any] = {"divisions": [division_code] if division_code else [], "polygons": [], "circles": []}
    if lon is not None and lat is not None:
        area["circles"].append({"lon": float(lon), "lat": float(lat), "radius_m": ALARM_RADIUS_M})
    if not area["divisions"] and not area["circles"]:
        return
    text = catalog.draft_text(htype, colour)
    actions._new_warning(db, actor, hazard_type=htype, level=colour, area=area,
                         headline=f"{title[:150]}（告警生成，待审核）",
                         description=f"监测告警 #{alarm_id}：{title}。{text['description']}",
                         source="alarm", alarm_id=alarm_id)
