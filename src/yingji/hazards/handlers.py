"""What the hazards domain shows on the duty officer's home page (the ``home.cards`` read hook).

Three cards, each counted per county in the user's jurisdiction (and the chosen division) and
linking to the list it stands for: open hazards due within 7 days or overdue, active 挂牌督办 by
level (县级 / 市级), and the hazards whose next step is the user's (待我处理, see the to-dos in
:mod:`yingji.hazards.actions`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.auth import Principal
from yingji.core.home import HOME_HOOK, count_by_county
from yingji.hazards import permissions, service
from yingji.hazards.escalation import SUPERVISION_LABELS, default_escalation_config
from yingji.hazards.models import Hazard, SupervisionListing

DUE_DAYS = 7


def _severity(danger: int, warning: int) -> str:
    return "danger" if danger else "warning" if warning else "info"


@hooks.handler(HOME_HOOK)
def hazard_cards(db: Session, principal: Principal, *, division: str | None) -> list[dict[str, Any]] | None:
    if not principal.can("hazards:read"):
        return None
    states = sorted(default_escalation_config().escalating_states)
    overdue = count_by_county(db, principal, Hazard, Hazard.state.in_(states), Hazard.overdue.is_(True),
                              division=division)
    due = count_by_county(db, principal, Hazard, service.due_within(DUE_DAYS), division=division)
    n_overdue, n_due = sum(overdue.values()), sum(due.values())
    cards: list[dict[str, Any]] = [{
        "key": "hazards.due", "title": f"{DUE_DAYS} 日内到期、已逾期的隐患", "count": n_due,
        "severity": _severity(n_overdue, n_due), "href": f"/supervision/hazards?due_within_days={DUE_DAYS}",
        "by_district": due, "order": 20,
        "note": f"其中已逾期 {n_overdue} 条" if n_overdue else "未整改完成且整改期限将到",
        "parts": [{"label": "已逾期", "count": n_overdue, "severity": "danger" if n_overdue else "info",
                   "href": "/supervision/hazards?overdue=true&sort=deadline"},
                  {"label": f"{DUE_DAYS} 日内到期", "count": max(0, n_due - n_overdue),
                   "href": f"/supervision/hazards?due_within_days={DUE_DAYS}&overdue=false&sort=deadline"}],
    }]
    active = SupervisionListing.lifted_at.is_(None)
    by_level = {lv: count_by_county(db, principal, SupervisionListing, active, SupervisionListing.level == lv,
                                    division=division) for lv in ("county", "city")}
    listed: dict[str, int] = {}
    for counts in by_level.values():
        for code, n in counts.items():
            listed[code] = listed.get(code, 0) + n
    n_city = sum(by_level["city"].values())
    cards.append({
        "key": "hazards.listed", "title": "挂牌督办中的隐患", "count": sum(listed.values()),
        "severity": _severity(n_city, sum(listed.values())), "href": "/supervision/ledger?active=true",
        "by_district": listed, "order": 30, "note": "按督办级别",
        "parts": [{"label": SUPERVISION_LABELS[lv], "count": sum(by_level[lv].values()),
                   "severity": "danger" if lv == "city" and n_city else "info",
                   "href": f"/supervision/ledger?active=true&level={lv}"} for lv in ("city", "county")],
    })
    if permissions.page_flags(principal)["gets_todos"]:
        mine = service.todo_counts(db, principal, division)
        cards.append({
            "key": "hazards.todo", "title": "待我处理的隐患", "count": sum(mine.values()),
            "severity": "warning" if mine else "info", "href": "/supervision/hazards?todo=true",
            "by_district": mine, "order": 10,
            "note": "下一步由本单位办理" if principal.unit_id is not None else "下一步由我所在的监管部门办理",
        })
    return cards
