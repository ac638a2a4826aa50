"""In-process delivery under ``yingji serve`` (``YINGJI_BROADCAST_DELIVER``, default on)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def start(settings: Any, database: Any, bus: Any) -> Callable[[], None] | None:
    if not settings.broadcast_deliver:
        return None
    from yingji.broadcast.delivery import Deliverer

    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            try:
                deliverer = Deliverer(database, settings)
            except Exception:  # the database not reachable (or not migrated) yet: try again shortly
                log.exception("broadcast delivery worker could not start; retrying")
                stop.wait(max(settings.broadcast_poll * 20, 5.0))
                continue
            try:
                deliverer.run(stop)
            finally:
                deliverer.close()

    thread = threading.Thread(target=work, name="broadcast-deliver", daemon=True)
    thread.start()

    def stopper() -> None:
        stop.set()
        thread.join(timeout=10)

    return stopper
