"""What duty answers to others: the home card ``duty.on_duty`` and the read hook ``warnings.officials``
(the people on duty now — whom a warning must reach)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.auth import Principal
from yingji.core.home import HOME_HOOK
from yingji.duty import service

OFFICIALS_HOOK = "warnings.officials"


@hooks.handler(HOME_HOOK)
def on_duty_card(db: Session, principal: Principal, *, division: str | None) -> dict[str, Any] | None:
    if not principal.can("duty:read") or principal.unit_id is not None:
        return None
    people = service.on_duty(db, principal, division)
    by: dict[str, int] = {}
    for p in people:
        by[p["division_code"][:6]] = by.get(p["division_code"][:6], 0) + 1
    leaders = [p for p in people if p["role"] == "leader"]
    return {"key": "duty.on_duty", "title": "今日值班", "count": len(people), "unit": "人",
            "severity": "info" if leaders else "warning", "href": "/command/duty", "by_district": by, "order": 40,
            "note": "带班领导：" + "、".join(p["name"] for p in leaders[:4]) if leaders else "未排带班领导",
            "items": [{"name": p["name"], "role": p["role_label"], "phone": p["phone"],
                       "division": p["division_name"]} for p in people[:8]]}


@hooks.handler(OFFICIALS_HOOK)
def officials_on_duty(db: Session, principal: Principal, *, division_code: str | None = None,
                      **_: Any) -> list[dict[str, Any]]:
    """``[{"name", "phone", "division_code", "role"}]`` of the people on duty now (inside ``division_code``)."""
    return [{"name": p["name"], "phone": p["phone"], "division_code": p["division_code"], "role": p["role"]}
            for p in service.on_duty(db, principal, division_code)]
