"""What the risk domain shows on the duty officer's home page (the ``home.cards`` read hook):
the major (重大) risk sources per county, linking to the risk map filtered to them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.auth import Principal
from yingji.core.home import HOME_HOOK, count_by_county
from yingji.risk.grading import all_levels
from yingji.risk.models import RiskSource


@hooks.handler(HOME_HOOK)
def risk_cards(db: Session, principal: Principal, *, division: str | None) -> dict[str, Any] | None:
    if not principal.can("supervision:read"):
        return None
    top = min(all_levels(), key=lambda lv: lv.rank)  # the highest level of the grading configuration
    counts = count_by_county(db, principal, RiskSource, RiskSource.level == top.key, division=division)
    return {"key": "risk.major", "title": f"{top.label}源（{top.colour_label}）", "count": sum(counts.values()),
            "severity": "info", "href": f"/supervision/risk-map?level={top.key}", "by_district": counts, "order": 40,
            "unit": "处", "note": top.management_tier}


# --- places (地名地址): risk sources as named points of the place index (read hook ``places.points``) ---

@hooks.handler("places.points")
def risk_source_points(db: Session, actor: Principal | None) -> list[dict[str, Any]]:
    """Every risk source with a position, for the place index (places filters by jurisdiction)."""
    from sqlalchemy import select

    rows = db.execute(select(RiskSource.name, RiskSource.lon, RiskSource.lat, RiskSource.division_code)
                      .where(RiskSource.lon.is_not(None), RiskSource.lat.is_not(None))).all()
    return [{"name": name, "aliases": [], "kind": "risk_source", "lon": lon, "lat": lat, "division_code": code,
             "source": "risk"} for name, lon, lat, code in rows]
