"""The duty officer's home page: what needs attention now, contributed by every package.

A package registers a *read* hook handler for :data:`HOME_HOOK` (in its ``handlers.py``) that
answers one card or a list of cards for the signed-in user, inside their jurisdiction and, when
given, inside ``division``::

    @hooks.handler("home.cards")
    def hazard_cards(db, principal, *, division):
        return {"key": "hazards.due", "title": "7 日内到期、逾期的隐患", "count": 12, "severity": "warning",
                "href": "/supervision/hazards?overdue=true", "by_district": {"350102": 5, "350121": 7}}

``by_district`` counts per county (GB/T 2260 code); the page links each to ``href`` filtered to that
county. The page keeps a slot for each of :data:`SLOTS` (alarms, incidents, warnings, the on-duty
roster) showing “暂无（模块建设中）” until a package answers a card with that key — the domains
that build them register exactly these keys. A failing handler costs its own card only (logged),
never the page.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.auth import Principal
from yingji.core.scope import scope_clause, within

log = logging.getLogger(__name__)

HOME_HOOK = "home.cards"

#: the cards every duty officer expects, in this order, before the others: (key, title, domain page)
SLOTS: tuple[tuple[str, str, str], ...] = (
    ("monitoring.alarms", "今日告警", "/monitoring"),
    ("incidents.today", "今日事件", "/command"),
    ("warnings.active", "生效预警", "/monitoring"),
    ("duty.on_duty", "今日值班", "/command"),
)


class CardPart(BaseModel):
    """A sub-count of a card (e.g. 县级 / 市级 挂牌督办), with the list it stands for."""

    label: str
    count: int = Field(ge=0)
    href: str | None = None
    severity: Literal["info", "warning", "danger"] = "info"


class HomeCard(BaseModel):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", description="<package>.<what>")
    title: str
    count: int = Field(ge=0)
    severity: Literal["info", "warning", "danger"] = "info"
    href: str = Field(pattern=r"^/", description="the (filtered) list the count stands for")
    by_district: dict[str, int] = Field(default_factory=dict, description="county code → count")
    unit: str = Field(default="条", description="what is counted: 条, 家, 人…")
    note: str = ""
    parts: list[CardPart] = Field(default_factory=list)
    order: int = 100
    items: list[dict[str, Any]] = Field(default_factory=list, description="a few rows to show (e.g. who is on duty)")


class SlotOut(BaseModel):
    key: str
    title: str
    href: str
    provided: bool


class HomeOut(BaseModel):
    division: str
    cards: list[HomeCard]
    slots: list[SlotOut]
    failed: list[str] = Field(default_factory=list, description="cards that could not be computed")


def count_by_county(db: Session, principal: Principal, model: Any, *conditions: Any,
                    division: str | None = None, column: Any = None) -> dict[str, int]:
    """``{county code: n}`` of ``model`` rows matching ``conditions`` in the principal's jurisdiction
    (and unit), inside ``division`` when given — one SQL ``GROUP BY`` (what a card's ``by_district`` needs).
    ``column``: the division code column (default: the model's ``__scope__`` division)."""
    column = column if column is not None else getattr(model, model.__scope__.division)
    county = func.substr(column, 1, 6).label("county")
    stmt = select(county, func.count()).where(scope_clause(principal, model), *conditions).group_by(county)
    if division:
        stmt = stmt.where(within(column, division))
    return {code: int(n) for code, n in db.execute(stmt).all()}


def home_cards(db: Session, principal: Principal, division: str | None = None) -> dict[str, Any]:
    cards: list[HomeCard] = []
    failed: list[str] = []
    for handler in hooks.handlers(HOME_HOOK):
        try:
            answer = handler(db, principal, division=division)
        except Exception:  # one package's card must not take the home page down
            log.exception("home card handler %s failed", getattr(handler, "__qualname__", handler))
            failed.append(getattr(handler, "__module__", "?").split(".")[1] if "." in getattr(
                handler, "__module__", "") else "?")
            continue
        for raw in answer if isinstance(answer, list) else [answer] if answer is not None else []:
            try:
                cards.append(HomeCard.model_validate(raw))
            except ValidationError:
                log.exception("home card of %s is malformed: %r", getattr(handler, "__module__", "?"), raw)
                failed.append(str(raw.get("key", "?")) if isinstance(raw, dict) else "?")
    slot_keys = [key for key, _, _ in SLOTS]
    provided = {c.key for c in cards}
    cards.sort(key=lambda c: (slot_keys.index(c.key) if c.key in slot_keys else len(slot_keys), c.order, c.key))
    slots = [SlotOut(key=k, title=t, href=h, provided=k in provided) for k, t, h in SLOTS]
    return {"division": division or principal.scope_code, "cards": cards, "slots": slots, "failed": failed}
