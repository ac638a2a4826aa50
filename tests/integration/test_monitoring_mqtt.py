"""The MQTT consumer on a real Mosquitto: every message stored once, dead letters never stop it, a crash of
the consumer loses nothing, and a broker restart during ingest loses no message the broker acknowledged.

Each test runs its own Mosquitto (a free port, persistence in a temporary directory) so that restarting
it disturbs no one else."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.integration.samples_monitoring import make_point
from yingji.core.db import utcnow
from yingji.monitoring.ingest import store_batch
from yingji.monitoring.models import DeadLetter, Reading
from yingji.monitoring.mqtt import Consumer, publish_client

pytestmark = pytest.mark.skipif(shutil.which("mosquitto") is None, reason="Mosquitto is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.dir = tmp
        self.conf = tmp / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {tmp}/\nautosave_interval 1\nmax_queued_messages 0\nmax_inflight_messages 0\n"
            "log_dest none\n")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(["mosquitto", "-c", str(self.conf)])
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()  # SIGTERM: mosquitto saves its persistence file
            self.proc.wait(10)
            self.proc = None


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path)
    b.start()
    yield b
    b.stop()


def _stored(database, pid) -> int:
    with database.session() as s:
        return s.scalar(select(func.count()).select_from(Reading).where(Reading.point_id == pid)) or 0


def _wait(predicate, timeout=30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _payloads(code, n, start=None):
    t0 = start or utcnow() - timedelta(hours=2)
    return [json.dumps({"ts": (t0 + timedelta(seconds=i)).isoformat(), "values": {"level": 50.0 + i % 7}})
            for i in range(n)]


def _publish_all(client, code, payloads) -> int:
    infos = [client.publish(f"yingji/telemetry/{code}", p, qos=1) for p in payloads]
    for info in infos:
        info.wait_for_publish(10)
    return sum(info.is_published() for info in infos)


def test_consumer_stores_every_message_and_dead_letters_never_stop_it(database, broker):
    pid, code = make_point(database, "water_level")
    consumer = Consumer(database, port=broker.port, client_id=f"t-{uuid.uuid4().hex[:8]}", batch_size=200,
                        batch_wait_ms=50).start()
    try:
        assert _wait(lambda: consumer.stats.connected, 10)
        pub = publish_client(port=broker.port)
        with database.session() as s:
            dead_before = s.scalar(select(func.count()).select_from(DeadLetter)) or 0
        pub.publish(f"yingji/telemetry/{code}", b"{broken", qos=1).wait_for_publish(5)
        pub.publish("yingji/telemetry/NO-SUCH-DEVICE", json.dumps({"ts": 1, "values": {"level": 1}}), qos=1)
        assert _publish_all(pub, code, _payloads(code, 500)) == 500
        assert _wait(lambda: _stored(database, pid) == 500), _stored(database, pid)
        with database.session() as s:
            assert (s.scalar(select(func.count()).select_from(DeadLetter)) or 0) - dead_before == 2
        assert _wait(lambda: consumer.stats.acked == consumer.stats.received)
        pub.loop_stop()
        pub.disconnect()
    finally:
        consumer.stop()


def test_a_consumer_crash_loses_nothing(database, broker):
    """The first consumer dies with a batch received but not stored (and one stored but not acknowledged);
    the next one with the same session gets everything again and stores each reading once."""
    pid, code = make_point(database, "water_level")
    client_id = f"crash-{uuid.uuid4().hex[:8]}"
    stored_once = threading.Event()
    hold = threading.Event()

    def store_then_die(db, messages):
        if not stored_once.is_set():
            store_batch(db, messages)  # committed …
            stored_once.set()
            hold.wait(30)  # … but the process dies before acknowledging
            raise SystemExit
        hold.wait(30)
        raise SystemExit

    first = Consumer(database, port=broker.port, client_id=client_id, batch_size=100, batch_wait_ms=20,
                     store=store_then_die).start()
    assert _wait(lambda: first.stats.connected, 10)
    pub = publish_client(port=broker.port)
    assert _publish_all(pub, code, _payloads(code, 300)) == 300
    assert stored_once.wait(10)
    first.kill()
    hold.set()
    assert first.stats.acked == 0
    assert _stored(database, pid) > 0
    second = Consumer(database, port=broker.port, client_id=client_id, batch_size=100, batch_wait_ms=20).start()
    try:
        assert _wait(lambda: _stored(database, pid) == 300), _stored(database, pid)
    finally:
        second.stop()
        pub.loop_stop()
        pub.disconnect()


def test_broker_restart_during_ingest_loses_no_acknowledged_message(database, broker):
    pid, code = make_point(database, "water_level")
    consumer = Consumer(database, port=broker.port, client_id=f"rs-{uuid.uuid4().hex[:8]}", batch_size=100,
                        batch_wait_ms=20).start()
    t0 = utcnow().replace(microsecond=0) - timedelta(hours=2)
    payloads = _payloads(code, 2000, t0)
    acked: list[int] = []
    try:
        assert _wait(lambda: consumer.stats.connected, 10)
        pub = publish_client(port=broker.port)
        for i, p in enumerate(payloads):
            if i == 1000:
                broker.stop()  # restart in the middle of the stream
                broker.start()
            info = pub.publish(f"yingji/telemetry/{code}", p, qos=1)
            try:
                info.wait_for_publish(0.5)
                if info.is_published():  # the broker's PUBACK came back: this message must never be lost
                    acked.append(i)
            except (RuntimeError, ValueError):
                time.sleep(0.05)  # not connected: not acknowledged (a real device would send it again)
        pub.loop_stop()
        pub.disconnect()
        assert len(acked) >= 1000
        want = set(acked)

        def missing() -> set[int]:
            with database.session() as s:
                have = {round((ts - t0).total_seconds()) for ts in s.scalars(
                    select(Reading.ts).where(Reading.point_id == pid))}
            return want - have

        assert _wait(lambda: not missing(), 60), sorted(missing())[:20]
        assert consumer.stats.reconnects >= 1
    finally:
        consumer.stop()


def test_publish_properties_and_large_payloads_take_the_fast_decode(database, broker):
    """The consumer decodes PUBLISH itself (skipping MQTT 5 properties) and reads the stream in 64 KiB chunks:
    messages with properties, a message larger than a chunk and many small ones around it all arrive intact."""
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    pid, code = make_point(database, "water_level")
    consumer = Consumer(database, port=broker.port, client_id=f"pr-{uuid.uuid4().hex[:8]}", batch_size=500,
                        batch_wait_ms=20).start()
    t0 = utcnow().replace(microsecond=0) - timedelta(hours=3)
    try:
        assert _wait(lambda: consumer.stats.connected, 10)
        pub = publish_client(port=broker.port)
        props = Properties(PacketTypes.PUBLISH)
        props.UserProperty = [("gateway", "网关-1" * 40), ("seq", "7")]
        props.ContentType = "application/json"
        props.MessageExpiryInterval = 3600
        props.CorrelationData = b"\x00\x01" * 100
        topic = f"yingji/telemetry/{code}"
        infos = [pub.publish(topic, json.dumps({"ts": (t0 + timedelta(seconds=i)).isoformat(),
                                                "values": {"level": 40.0 + i % 5}}), qos=1, properties=props)
                 for i in range(200)]
        big = {"readings": [{"ts": (t0 + timedelta(seconds=1000 + i)).isoformat(), "values": {"level": 41.5}}
                            for i in range(2000)]}  # ≈ 128 kB: spans several reads
        assert len(json.dumps(big)) > 65536
        infos.append(pub.publish(topic, json.dumps(big), qos=1))
        infos += [pub.publish(topic, json.dumps({"ts": (t0 + timedelta(seconds=5000 + i)).isoformat(),
                                                 "values": {"level": 42.0}}), qos=0 if i % 2 else 1)
                  for i in range(300)]
        for info in infos:
            info.wait_for_publish(10)
        assert _wait(lambda: _stored(database, pid) == 2500), _stored(database, pid)
        assert _wait(lambda: consumer.stats.acked == 200 + 1 + 150)  # QoS-0 messages need no acknowledgement
        pub.loop_stop()
        pub.disconnect()
    finally:
        consumer.stop()
