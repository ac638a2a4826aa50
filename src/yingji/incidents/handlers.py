"""What incidents answers to others, and how it reacts to lower domains:

* ``monitoring.alarm_open_incident`` (in-transaction): an alarm opened as an incident, with a timeline
  entry naming the alarm (one incident per alarm: a repeat adds nothing);
* ``duty.handover_summary`` (read): open incidents and overdue reports for a duty hand-over;
* ``home.cards`` (read): today's incidents (slot ``incidents.today``) and overdue reports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.auth import Principal
from yingji.core.db import utcnow
from yingji.core.divisions import Division
from yingji.core.home import HOME_HOOK, count_by_county
from yingji.core.timeutil import local_date, local_midnight
from yingji.incidents import records, service
from yingji.incidents.models import Incident

ALARM_HOOK = "monitoring.alarm_open_incident"
HANDOVER_HOOK = "duty.handover_summary"


@hooks.handler(ALARM_HOOK)
def open_from_alarm(db: Session, actor: Any, *, alarm_id: Any, title: str, kind: str, level: str | None = None,
                    lon: float | None = None, lat: float | None = None, division_code: str,
                    unit_id: int | None = None, occurred_at: datetime | None = None, **_: Any) -> None:
    ref = f"alarm:{alarm_id}"
    if db.scalar(select(func.count()).select_from(Incident).where(Incident.source_ref == ref)):
        return
    code = division_code if db.get(Division, division_code) is not None else division_code[:6]
    now = utcnow()
    records.new_incident(
        db, actor, type=kind, category="事故灾难", title=title, place_text="", lon=lon, lat=lat, division_code=code,
        counts={}, hazards=[], keywords=[f"监测告警{level}" if level else "监测告警"], description="",
        occurred_at=occurred_at or now, received_at=now, source="alarm", source_ref=ref, unit_id=unit_id,
        origin_text=f"监测告警转事件（告警 {alarm_id}，{level or '级别未定'}）：{title}")


@hooks.handler(HANDOVER_HOOK)
def handover_summary(db: Session, principal: Principal, *, division_code: str) -> dict[str, Any]:
    return service.handover_summary(db, principal, division_code)


@hooks.handler(HOME_HOOK)
def incident_cards(db: Session, principal: Principal, *, division: str | None) -> list[dict[str, Any]] | None:
    if not principal.can("incidents:read") or principal.unit_id is not None:
        return None
    start = local_midnight(local_date(utcnow()))
    today = count_by_county(db, principal, Incident, Incident.received_at >= start, division=division)
    open_ = count_by_county(db, principal, Incident, Incident.status != "closed", division=division)
    overdue = service.overdue_count(db, principal, division)
    n_today, n_open, n_overdue = sum(today.values()), sum(open_.values()), sum(overdue.values())
    return [
        {"key": "incidents.today", "title": "今日事件", "count": n_today, "severity": "warning" if n_open else "info",
         "href": "/command/incidents", "by_district": today, "order": 10, "unit": "起",
         "note": f"未结事件 {n_open} 起",
         "parts": [{"label": "未结", "count": n_open, "href": "/command/incidents?open=true",
                    "severity": "warning" if n_open else "info"}]},
        {"key": "incidents.overdue_reports", "title": "逾期未报的事件信息", "count": n_overdue,
         "severity": "danger" if n_overdue else "info", "href": "/command/reports", "by_district": overdue,
         "order": 15, "unit": "份", "note": "首报 1 小时、逐级 2 小时、续报与终报时限"},
    ]
