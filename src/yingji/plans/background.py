"""Background work of the plans domain under ``yingji serve``: the task boards' overdue check.

Every ``YINGJI_PLANS_OVERDUE_INTERVAL`` seconds (0 = off) the open tasks of active boards past their
deadline are flagged (:func:`yingji.plans.actions.check_overdue`): an audit record and a
``plan.task_overdue`` event each, which the boards and the home card show at once. The boards also
compute overdue at read time, so a stopped check delays only the events and the home-card count.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def run_once(settings: Any, database: Any) -> int:
    from yingji.core.auth import system_principal
    from yingji.plans.actions import check_overdue

    with database.session() as db:
        return len(check_overdue(db, system_principal(settings.city_code, "plans-overdue")))


def start(settings: Any, database: Any, bus: Any) -> Callable[[], None] | None:
    interval = float(getattr(settings, "plans_overdue_interval", 0) or 0)
    if interval <= 0:
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                run_once(settings, database)
            except Exception:  # pragma: no cover - logged, retried at the next interval
                log.exception("plans overdue check failed")

    thread = threading.Thread(target=loop, name="plans-overdue", daemon=True)
    thread.start()

    def stopper() -> None:
        stop.set()
        thread.join(timeout=5)

    return stopper
