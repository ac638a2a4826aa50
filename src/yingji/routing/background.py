"""Warm the router when the server starts: load the network and apply the database's closures in a
thread, so the first travel-time request does not pay for it (``YINGJI_ROUTING_WARM``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def start(settings: Any, database: Any, bus: Any) -> Callable[[], None] | None:
    if not getattr(settings, "routing_warm", True):
        return None

    def warm() -> None:
        from yingji.routing.service import get_router

        try:
            with database.session() as db:
                get_router(db)
        except Exception:
            log.exception("routing: warming the router failed")

    threading.Thread(target=warm, name="routing-warm", daemon=True).start()
    return None
