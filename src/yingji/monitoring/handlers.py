"""What monitoring contributes to lower packages' pages (read hooks):

* ``home.cards`` slot ``monitoring.alarms``: today's alarms per county, the open ones by level; and
  ``monitoring.notices`` 待我处理的告警: the graded notices delivered to the signed-in user and not yet
  taken up (the newest listed on the card);
* ``risk.live_alarms``: the major hazard sources with an open alarm on one of their points (worst
  level, alarm id), so the risk map (a lower package) can turn them red by asking
  ``hooks.collect(db, principal, "risk.live_alarms")`` — the monitoring map already does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.auth import Principal
from yingji.core.home import HOME_HOOK, count_by_county
from yingji.monitoring import service
from yingji.monitoring.alarming import AUDIENCE_ROLES
from yingji.monitoring.models import Alarm
from yingji.monitoring.rules import default_catalog

LIVE_ALARMS_HOOK = "risk.live_alarms"


@hooks.handler(HOME_HOOK)
def alarm_card(db: Session, principal: Principal, *, division: str | None) -> list[dict[str, Any]] | None:
    if not principal.can("monitoring:read"):
        return None
    today = service.alarm_counts_today(db, principal, division)
    cat = default_catalog()
    open_by_level = {lv["key"]: sum(count_by_county(db, principal, Alarm, Alarm.state != "closed",
                                                    Alarm.level == lv["key"], division=division).values())
                     for lv in cat.levels}
    n_open = sum(open_by_level.values())
    severe = open_by_level.get("red", 0) + open_by_level.get("orange", 0)
    return [{
        "key": "monitoring.alarms", "title": "今日告警", "count": sum(today.values()),
        "severity": "danger" if severe else "warning" if n_open else "info", "href": "/monitoring/alarms",
        "by_district": today, "order": 5, "note": f"未关闭 {n_open} 条",
        "parts": [{"label": lv["label"], "count": open_by_level[lv["key"]],
                   "severity": "danger" if lv["key"] in ("red", "orange") and open_by_level[lv["key"]] else "info",
                   "href": f"/monitoring/alarms?open=true&level={lv['key']}"} for lv in cat.levels],
    }]


@hooks.handler(HOME_HOOK)
def notice_card(db: Session, principal: Principal, *, division: str | None) -> dict[str, Any] | None:
    """The user's own alarm notices (only for the addressed roles: a user who never gets one sees no card)."""
    if not principal.can("monitoring:read") or principal.role not in AUDIENCE_ROLES.values():
        return None
    by = service.open_notice_counts(db, principal, division)
    mine = service.my_notices(db, principal, limit=6)["items"] if by else []
    cat = default_catalog()
    severe = any(n.level in ("red", "orange") for n in mine)
    return {
        "key": "monitoring.notices", "title": "待我处理的告警", "count": sum(by.values()),
        "severity": "danger" if severe else "warning" if by else "info", "href": "/monitoring/alarms?open=true",
        "by_district": by, "order": 6, "note": "告警确认后通知即办结",
        "items": [{"label": n.message, "value": cat.level_label(n.level)} for n in mine],
    }


@hooks.handler(LIVE_ALARMS_HOOK)
def live_alarms(db: Session, principal: Principal, **_: Any) -> list[dict[str, Any]]:
    return service.source_alarms(db, principal)
