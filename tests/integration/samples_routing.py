"""Jurisdiction-walk samples of the routing package (a closure in county A: 鼓楼区 350102)."""

from __future__ import annotations

from typing import Any

from yingji.core.auth import system_principal
from yingji.core.db import Database

LINK = "l_0_0_f"


def _closure(db: Database, ctx: dict[str, Any]) -> int:
    if "routing_closure_id" not in ctx:
        from yingji.routing import actions

        with db.session() as s:
            ctx["routing_closure_id"] = actions.close_road(s, system_principal(), {
                "reason": "巡查样例：道路封闭", "link_ids": [LINK], "division_code": "350102001"}).id
    return ctx["routing_closure_id"]


PATH_SAMPLES = {"closure_id": _closure}

WRITE_BODIES = {
    ("POST", "/api/v1/routing/closures"): lambda ctx: {"reason": "越权封闭", "link_ids": [LINK],
                                                        "division_code": "350102001"},
    ("POST", "/api/v1/routing/closures/{closure_id}/reopen"): lambda ctx: {"reason": "越权恢复"},
}

# Travel times and routes are computations over the shared road network, not records of a
# jurisdiction (a county asks for mutual-aid times across the border): every signed-in reader
# may ask, so they answer 200 to any walker. Login is still required (test_every_api_route_
# requires_login); test_routing_api.py checks that an answer carries no records. The walk has no
# category for read-only POSTs, so they are skipped like the streams.
STREAMS = {"/api/v1/routing/travel-times", "/api/v1/routing/route"}
