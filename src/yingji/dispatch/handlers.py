"""How dispatch takes part in lower domains' pages (core.hooks read hooks).

``incidents.dispatch_orders`` (read hook, for the incidents domain's detail page): the dispatch
orders of an incident in the reader's jurisdiction, with the link to the recommendation panel for
more units. The incidents package (below dispatch) calls ``hooks.collect(db, actor,
"incidents.dispatch_orders", incident_id=…, lon=…, lat=…, incident_type=…)``.

Dispatch *sends* ``dispatch.order_issued`` (incident_id, order_id, summary) inside its order actions;
the incidents domain registers a handler to add the line to the incident timeline.

``home.cards``: the units out on a dispatch now (已调派/出动/到场) and how many remain available, per
county, linking to the status board.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.home import HOME_HOOK, count_by_county
from yingji.core.scope import scoped
from yingji.dispatch.grading import grade_label
from yingji.dispatch.models import DispatchOrder, Vehicle
from yingji.dispatch.status import BUSY

INCIDENT_ORDERS_HOOK = "incidents.dispatch_orders"


@hooks.handler(INCIDENT_ORDERS_HOOK)
def incident_orders(db: Session, actor: Any, *, incident_id: int, lon: float | None = None, lat: float | None = None,
                    incident_type: str | None = None, **_: Any) -> dict[str, Any]:
    orders = db.scalars(scoped(actor, DispatchOrder).where(DispatchOrder.incident_id == incident_id)
                        .order_by(DispatchOrder.issued_at)).all()
    query = {"incident_id": incident_id} | ({"lon": lon, "lat": lat} if lon is not None and lat is not None else {}) \
        | ({"incident_type": incident_type} if incident_type else {})
    return {"orders": [{"id": o.id, "code": o.code, "grade": o.grade, "grade_label": grade_label(o.grade),
                        "status": o.status, "issued_at": o.issued_at, "href": f"/command/dispatch/orders/{o.id}"}
                       for o in orders],
            "recommend_href": f"/command/dispatch?{urlencode(query)}"}


@hooks.handler(HOME_HOOK)
def forces_card(db: Session, principal: Any, *, division: str | None) -> dict[str, Any] | None:
    if not principal.can("dispatch:read") or principal.unit_id is not None:
        return None
    busy = count_by_county(db, principal, Vehicle, Vehicle.status.in_(sorted(BUSY)), division=division)
    free = count_by_county(db, principal, Vehicle, Vehicle.status == "available", division=division)
    n_busy, n_free = sum(busy.values()), sum(free.values())
    return {"key": "dispatch.out", "title": "救援力量出动中", "count": n_busy, "unit": "车",
            "severity": "warning" if n_busy else "info", "href": "/command/forces", "by_district": busy,
            "order": 60, "note": f"可调派 {n_free} 车",
            "parts": [{"label": "出动中", "count": n_busy, "href": "/command/forces"},
                      {"label": "可调派", "count": n_free, "href": "/command/forces"}]}
