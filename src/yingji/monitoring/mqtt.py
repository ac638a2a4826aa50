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

Throughput (paho-mqtt 2.2 is pure Python; :class:`_IngestClient` adapts three of its habits for a
consumer that receives tens of thousands of small messages a second): the broker's stream is read
64 KiB at a time instead of one ``recv`` per header byte, each network-loop turn handles every
packet already buffered instead of one, and a batch's acknowledgements leave as one write of
concatenated PUBACK packets instead of one queued packet (and one wake-up of the loop) each. The
acknowledgement rule is unchanged: only after the commit, only on the connection the messages
came on.
"""

from __future__ import annotations

import logging
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from yingji.core.db import Database
from yingji.monitoring.ingest import TOPIC_PREFIX, Message, store_batch

log = logging.getLogger(__name__)
TOPIC_FILTER = TOPIC_PREFIX + "+"
SESSION_EXPIRY = 7 * 24 * 3600


READ_CHUNK = 65536
READ_BURST = 5000  # packets handled per network-loop turn at most (then writes and keep-alive get their turn)
PUBACK = 0x40


class _BufferedSocket:
    """The broker's stream read in large chunks; paho asks for one byte, then the length bytes, then the rest.

    ``pending()`` (paho's hook for TLS sockets) tells its loop that bytes are already buffered, so it
    does not wait in ``select`` while a packet sits in the buffer."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self._data = b""
        self._pos = 0

    def recv(self, n: int) -> bytes:
        if self._pos >= len(self._data):
            data = self._sock.recv(max(n, READ_CHUNK))  # BlockingIOError when nothing is there: paho's "again"
            if len(data) <= n:
                self._data, self._pos = b"", 0
                return data
            self._data, self._pos = data, 0
        out = self._data[self._pos:self._pos + n]
        self._pos += len(out)
        return out

    def pending(self) -> int:
        return len(self._data) - self._pos

    def fileno(self) -> int:
        return int(self._sock.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _IngestClient(mqtt.Client):
    """paho's client with buffered reads, a read burst per loop turn and batched acknowledgements
    (see the module docstring). Relies on paho-mqtt 2.2 internals (pinned in the locks; the MQTT tests
    — crash, broker restart — exercise every path)."""

    def _create_socket(self) -> Any:
        sock = super()._create_socket()
        if self._ssl or self._transport == "websockets":
            return sock
        return _BufferedSocket(sock)

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        for _ in range(max(max_packets, READ_BURST)):
            if self._sock is None:
                return MQTTErrorCode.MQTT_ERR_NO_CONN
            rc = self._packet_read()
            if rc > 0:
                return self._loop_rc_handle(rc)
            if rc == MQTTErrorCode.MQTT_ERR_AGAIN:
                break
        return MQTTErrorCode.MQTT_ERR_SUCCESS

    on_raw_message: Callable[[str, int, int, bytes], None] | None = None

    def _handle_publish(self) -> MQTTErrorCode:
        """QoS-0/1 PUBLISH without paho's per-message objects: topic, packet id and payload are read
        straight from the packet and handed to ``on_raw_message`` (MQTT 5 properties are skipped: the
        consumer uses none, and without a Topic Alias Maximum in CONNECT the broker sends no aliases).
        Anything else — QoS 2, an empty topic, automatic acknowledgements — takes paho's own path."""
        handler = self.on_raw_message
        header, packet = self._in_packet["command"], self._in_packet["packet"]
        qos = (header & 0x06) >> 1
        if handler is None or not self._manual_ack or qos == 2 or len(packet) < 2:
            return super()._handle_publish()
        end = 2 + ((packet[0] << 8) | packet[1])
        if end == 2 or len(packet) < end + 2 * (qos > 0):
            return super()._handle_publish()
        topic = bytes(packet[2:end]).decode("utf-8", "replace")
        mid = 0
        if qos:
            mid = (packet[end] << 8) | packet[end + 1]
            end += 2
        if self._protocol == mqtt.MQTTv5:  # skip the properties: a variable-byte length, then that many bytes
            length, mult = 0, 1
            for _ in range(4):
                if end >= len(packet):
                    return super()._handle_publish()
                byte = packet[end]
                end += 1
                length += (byte & 0x7F) * mult
                mult *= 128
                if not byte & 0x80:
                    break
            end += length
            if end > len(packet):
                return super()._handle_publish()
        handler(topic, mid, qos, bytes(packet[end:]))
        return MQTTErrorCode.MQTT_ERR_SUCCESS

    def ack_many(self, mids: Iterable[int]) -> int:
        """Acknowledge QoS-1 messages (manual acks) with one write: their PUBACKs concatenated."""
        packet = b"".join(struct.pack("!BBH", PUBACK, 2, mid) for mid in mids)
        if not packet:
            return 0
        self._out_packet.append({"command": PUBACK, "mid": 0, "qos": 1, "pos": 0, "to_process": len(packet),
                                 "packet": packet, "info": None})
        if self._sockpairW is not None:
            try:
                self._sockpairW.send(b"0")  # wake the network loop (as paho's own queueing does)
            except BlockingIOError:
                pass
        self._call_socket_register_write()
        return len(packet) // 4


@dataclass
class Stats:
    received: int = 0
    stored_messages: int = 0
    acked: int = 0
    batches: int = 0
    failures: int = 0
    dead_letters: int = 0
    alarms: int = 0
    connected: bool = False  # connected and subscribed (the SUBACK came back)
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
        self._queue: deque[tuple[int, int, int, str, bytes]] = deque()
        self._arrived = threading.Event()
        self._generation = 0
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None
        self.client = _IngestClient(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                                    manual_ack=True)
        self.client.max_inflight_messages_set(1000)
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_raw_message = self._on_raw_message

    # -- network thread (paho)
    def _on_connect(self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        if reason.is_failure:
            log.warning("MQTT connect refused: %s", reason)
            return
        self._generation += 1
        client.subscribe(self.topic, qos=1)  # ``connected`` once the broker confirms it (SUBACK)

    def _on_subscribe(self, _client: mqtt.Client, _userdata: Any, _mid: int, reasons: Any, _props: Any) -> None:
        if all(not getattr(r, "is_failure", False) for r in reasons):
            self.stats.connected = True  # subscribed: from now on the broker keeps what arrives for us
        else:
            log.warning("MQTT subscription refused: %s", reasons)

    def _on_disconnect(self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        self.stats.connected = False
        self.stats.reconnects += 1
        self._generation += 1  # acks of messages received on the old connection are not sent
        if not self._stop.is_set():
            log.warning("MQTT disconnected (%s); reconnecting", reason)

    def _on_raw_message(self, topic: str, mid: int, qos: int, payload: bytes) -> None:
        self.stats.received += 1
        self._queue.append((self._generation, mid, qos, topic, payload))
        if not self._arrived.is_set():
            self._arrived.set()

    def _on_message(self, _client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        self.stats.received += 1
        self._queue.append((self._generation, msg.mid, msg.qos, msg.topic, msg.payload))
        if not self._arrived.is_set():
            self._arrived.set()

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
    def _wait_for_messages(self, timeout: float) -> bool:
        if self._queue:
            return True
        self._arrived.clear()
        if self._queue:  # arrived between the check and the clear
            return True
        return self._arrived.wait(timeout) or bool(self._queue)

    def _next_batch(self) -> list[tuple[int, int, int, str, bytes]]:
        """Up to ``batch_size`` messages: whatever is queued, topped up until ``batch_wait`` after the first."""
        if not self._wait_for_messages(0.2):
            return []
        batch: list[tuple[int, int, int, str, bytes]] = []
        pop = self._queue.popleft
        deadline = time.monotonic() + self.batch_wait
        while True:
            try:
                while len(batch) < self.batch_size:
                    batch.append(pop())
            except IndexError:
                pass
            left = deadline - time.monotonic()
            if len(batch) >= self.batch_size or left <= 0 or self._stop.is_set():
                return batch
            if not self._wait_for_messages(min(left, 0.05)):
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
            self.stats.acked += self.client.ack_many(
                mid for gen, mid, qos, _, _ in batch if qos == 1 and gen == generation)


def publish_client(host: str = "127.0.0.1", port: int = 1883, client_id: str = "") -> mqtt.Client:
    """A connected publisher (the simulator, the bench, tests); call ``loop_start`` semantics are included."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect(host, port, keepalive=30)
    client.loop_start()
    return client
