"""In-process delivery under ``yingji serve`` (``YINGJI_BROADCAST_DELIVER``, default on)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def start(settings: Any, database: Any, bus: Any) -> Callable[[], None] | None:
    if not settings.broadcast_deliver:
        return None
    from yingji.broadcast.delivery import Deliverer

    stop = threading.Event()
    holder: dict[str, Any] = {}

    def work() -> None:
        deliverer = Deliverer(database, settings)
        holder["d"] = deliverer
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
