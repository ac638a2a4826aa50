"""In-process monitoring work under ``yingji serve`` (``YINGJI_MONITORING_INGEST``, default on): the MQTT
consumer, the periodic checks (escalation of unacknowledged alarms, offline devices) and the hourly
rollup of the history. Run
``yingji monitoring ingest`` instead for a separate ingest process (then switch this off)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from yingji.core.db import Database

log = logging.getLogger(__name__)


ROLLUP_EVERY_S = 3600.0


def start_checks(settings: Any, database: Database) -> Callable[[], None]:
    """The periodic checks (every ``monitoring_check_interval`` s) and, once an hour, the hourly rollup."""
    import time

    from yingji.core.auth import system_principal
    from yingji.monitoring.actions import rollup_history, run_checks

    stop = threading.Event()

    def loop() -> None:
        last_rollup = time.monotonic() - ROLLUP_EVERY_S  # the first pass rolls up at once
        while not stop.wait(settings.monitoring_check_interval):
            try:
                with database.session() as db:
                    run_checks(db, system_principal(settings.city_code, "监测巡检"))
            except Exception:
                log.exception("monitoring checks failed")
            if time.monotonic() - last_rollup >= ROLLUP_EVERY_S:
                last_rollup = time.monotonic()
                try:
                    with database.session() as db:
                        rollup_history(db, system_principal(settings.city_code, "monitoring-rollup"),
                                       lookback_hours=settings.monitoring_rollup_lookback_hours)
                except Exception:
                    log.exception("monitoring rollup failed")

    thread = threading.Thread(target=loop, name="monitoring-checks", daemon=True)
    thread.start()
    def halt() -> None:
        stop.set()
        thread.join(10)

    return halt


def client_id(settings: Any) -> str:
    """One persistent session per installation (two servers on one broker must not share it)."""
    import hashlib

    if settings.monitoring_mqtt_client_id:
        return str(settings.monitoring_mqtt_client_id)
    return "yingji-ingest-" + hashlib.sha256(settings.sqlalchemy_url.encode()).hexdigest()[:10]


def start(settings: Any, database: Database, bus: Any) -> Callable[[], None] | None:
    if not settings.monitoring_ingest:
        return None
    from yingji.monitoring.mqtt import Consumer

    consumer = Consumer(database, host=settings.monitoring_mqtt_host, port=settings.monitoring_mqtt_port,
                        client_id=client_id(settings), batch_size=settings.monitoring_batch_size,
                        batch_wait_ms=settings.monitoring_batch_wait_ms).start()
    stop_checks = start_checks(settings, database)

    def stop() -> None:
        stop_checks()
        consumer.stop()

    return stop
