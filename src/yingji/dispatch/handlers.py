"""How dispatch takes part in lower domains' pages (core.hooks read hooks).

``incidents.dispatch_orders`` (read hook, for the incidents domain's detail page): the dispatch
orders of an incident in the reader's jurisdiction, with the link to the recommendation panel for
more units. The incidents package (below dispatch) calls ``hooks.collect(db, actor,
"incidents.dispatch_orders", incident_id=…, lon=…, lat=…, incident_type=…)``.

Dispatch *sends* ``dispatch.order_issued`` (incident_id, order_id, summary) inside its order actions;
the incidents domain registers a handler to add the line to the incident timeline.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from yingji.core import hooks
from yingji.core.scope import scoped
from yingji.dispatch.grading import grade_label
from yingji.dispatch.models import DispatchOrder

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
