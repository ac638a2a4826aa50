"""The MQTT telemetry consumer: Mosquitto → batches → :func:`yingji.monitoring.ingest.store_batch`.

* Topic ``yingji/telemetry/<device_code>``, QoS 1, MQTT 5 with a persistent session
  (``clean_start=False`` + a session expiry): while the consumer is away the broker keeps its
  messages; ``Receive Maximum`` lets many messages be in flight so batches can fill.
* **A message counts as received only once stored**: paho's ``manual_ack`` — the PUBACK for every
  message of a batch is sent after the batch's transaction committed. A crash before that and the
  broker delivers the messages again; the store is idempotent on (device, metric, ts), so a
  redelivery stores nothing twice.
* Acks are tied to the connection they came on: after a reconnect the broker redelivers what was
  not acknowledged, so the acks of older connections are dropped (never an ack for a reused id).
* A batch that cannot be stored (database down) is retried until it is; bad messages never stop
  the consumer (they are dead letters inside the batch).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from yingji.core.db import Database
from yingji.monitoring.ingest import TOPIC_PREFIX, Message, store_batch

log = logging.getLogger(__name__)
TOPIC_FILTER = TOPIC_PREFIX + "+"
SESSION_EXPIRY = 7 * 24 * 3600


@dataclass
class Stats:
    received: int = 0
    stored_messages: int = 0
    acked: int = 0
    batches: int = 0
    failures: int = 0
    dead_letters: int = 0
    alarms: int = 0
    connected: bool = False
    reconnects: int = 0
    last_batch_seconds: float = 0.0
    batch_seconds: list[float] = field(default_factory=list)


class Consumer:
    def __init__(self, database: Database, *, host: str = "127.0.0.1", port: int = 1883,
                 client_id: str = "yingji-ingest", batch_size: int = 2000, batch_wait_ms: int = 200,
                 topic: str = TOPIC_FILTER, store: Callable[..., Any] = store_batch) -> None:
        self.database, self.host, self.port = database, host, port
        self.batch_size, self.batch_wait = batch_size, batch_wait_ms / 1000
        self.topic, self.store = topic, store
        self.stats = Stats()
        self._queue: queue.Queue[tuple[int, int, int, str, bytes]] = queue.Queue()
        self._generation = 0
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                                  manual_ack=True)
        self.client.max_inflight_messages_set(1000)
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message

    # -- network thread (paho)
    def _on_connect(self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        if reason.is_failure:
            log.warning("MQTT connect refused: %s", reason)
            return
        self._generation += 1
        self.stats.connected = True
        client.subscribe(self.topic, qos=1)

    def _on_disconnect(self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        self.stats.connected = False
        self.stats.reconnects += 1
        self._generation += 1  # acks of messages received on the old connection are not sent
        if not self._stop.is_set():
            log.warning("MQTT disconnected (%s); reconnecting", reason)

    def _on_message(self, _client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        self.stats.received += 1
        self._queue.put((self._generation, msg.mid, msg.qos, msg.topic, msg.payload))

    # -- lifecycle
    def start(self) -> Consumer:
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = SESSION_EXPIRY
        props.ReceiveMaximum = 65535
        self.client.connect_async(self.host, self.port, keepalive=30, clean_start=False, properties=props)
        self.client.loop_start()
        self._worker = threading.Thread(target=self._run, name="monitoring-ingest", daemon=True)
        self._worker.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._worker is not None:
            self._worker.join(timeout)
        self.client.disconnect()
        self.client.loop_stop()

    def kill(self) -> None:
        """Stop without acknowledging anything still queued (a crash, for tests)."""
        self._stop.set()
        self.client.loop_stop()
        self.client._sock_close()
        if self._worker is not None:
            self._worker.join(10)

    # -- worker thread
    def _next_batch(self) -> list[tuple[int, int, int, str, bytes]]:
        try:
            first = self._queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.batch_wait
        while len(batch) < self.batch_size:
            left = deadline - time.monotonic()
            try:
                batch.append(self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while not self._stop.is_set():
            batch = self._next_batch()
            if not batch:
                continue
            messages = [Message(payload=payload, topic=topic, source="mqtt") for _, _, _, topic, payload in batch]
            while not self._stop.is_set():
                t0 = time.perf_counter()
                try:
                    with self.database.session() as db:
                        result = self.store(db, messages)
                    break
                except Exception:
                    self.stats.failures += 1
                    log.exception("storing a telemetry batch failed; retrying")
                    time.sleep(1)
            else:
                return  # stopped before the batch was stored: nothing is acknowledged
            took = time.perf_counter() - t0
            self.stats.batches += 1
            self.stats.stored_messages += len(batch)
            self.stats.dead_letters += sum(result.dead_letters.values())
            self.stats.alarms += result.alarms_raised
            self.stats.last_batch_seconds = took
            self.stats.batch_seconds.append(took)
            generation = self._generation
            for gen, mid, qos, _, _ in batch:
                if qos > 0 and gen == generation:
                    self.client.ack(mid, qos)
                    self.stats.acked += 1


def publish_client(host: str = "127.0.0.1", port: int = 1883, client_id: str = "") -> mqtt.Client:
    """A connected publisher (the simulator, the bench, tests); call ``loop_start`` semantics are included."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(host, port, keepalive=30)
    client.loop_start()
    return client
