"""Channel adapters: broadcast terminals over MQTT, SMS and app push over HTTP webhooks; rate limits.

**MQTT topic scheme** (terminals subscribe to their own topic; a county's or a township's
monitoring subscribes to a wildcard)::

    <prefix>/<county 6>/<township 9>/<village 12 | "-">/<terminal id>      e.g.
    yingji/broadcast/350102/350102001/350102001003/T350102001003-1
    yingji/broadcast/350102/#                                               (every terminal of 鼓楼区)

Payload (UTF-8 JSON, QoS 1, not retained): ``{"id", "message_key", "version", "colour", "text"}``;
``id`` (``<message_key>:<version>:<recipient>``) lets a terminal drop a repeat after a restart.

**Webhook contract** (SMS and app gateways): ``POST <url>`` with ``{"channel": "sms"|"app",
"messages": [{"id", "to", "text", "colour", "message_key", "version"}]}`` (bearer token if set);
a 2xx answer accepts every message except those in ``{"rejected": {id: reason}}``; another status
or a network error leaves the whole batch for a retry. ``id`` is the idempotency key: a gateway
must not send the same id twice (the bundled test gateway, :mod:`yingji.broadcast.gateway`, does so).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Outgoing:
    """One message to one recipient (a claimed delivery)."""

    delivery_id: int
    key: str  # idempotency key: <message_key>:<version>:<recipient_key>
    campaign_id: int
    kind: str
    channel: str
    address: str
    division_code: str
    population: int
    message_key: str
    version: int
    colour: str
    text: str


class Channel(Protocol):
    name: str

    def send(self, messages: list[Outgoing]) -> dict[int, str | None]:
        """Send; answer per delivery id ``None`` (delivered) or the reason it was not."""

    def close(self) -> None: ...


_EPSILON = 1e-6  # of a token
_MIN_PAUSE = 1e-4  # seconds: well above a monotonic clock's resolution


class RateLimiter:
    """A token bucket: at most ``rate`` messages per second, bursts up to one second's worth."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate = rate
        self.capacity = max(rate, 1.0)
        self.tokens = self.capacity
        self.clock, self.sleep = clock, sleep
        self.last = clock()
        self.waited = 0.0
        self._lock = threading.Lock()

    def acquire(self, n: int) -> float:
        """Take ``n`` tokens, sleeping as long as needed; returns the seconds waited."""
        with self._lock:
            waited = 0.0
            remaining = float(n)
            # a float remainder (1e-14 of a token) must not spin: its sleep would not move a large clock
            while remaining > _EPSILON:
                now = self.clock()
                self.tokens = min(self.capacity, self.tokens + max(now - self.last, 0.0) * self.rate)
                self.last = now
                take = min(remaining, self.tokens)
                self.tokens -= take
                remaining -= take
                if remaining > _EPSILON:
                    pause = max(min(remaining, self.capacity) / self.rate, _MIN_PAUSE)
                    self.sleep(pause)
                    waited += pause
            self.waited += waited
            return waited


def backoff(attempts: int, base: float, ceiling: float) -> float:
    """Seconds before attempt ``attempts + 1``: base, 2·base, 4·base … at most ``ceiling``."""
    return float(min(base * (2 ** max(attempts - 1, 0)), ceiling))


class HttpChannel:
    """SMS or app push through an HTTP webhook gateway (JSON batches)."""

    def __init__(self, name: str, url: str | None, *, token: str | None = None, timeout: float = 15.0,
                 client: Any = None) -> None:
        import httpx

        self.name, self.url = name, url
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = client or httpx.Client(timeout=timeout, headers=headers)

    def send(self, messages: list[Outgoing]) -> dict[int, str | None]:
        if not self.url:
            return {m.delivery_id: f"未配置{'短信' if self.name == 'sms' else 'APP 推送'}网关" for m in messages}
        body = {"channel": self.name, "messages": [
            {"id": m.key, "to": m.address, "text": m.text, "colour": m.colour, "message_key": m.message_key,
             "version": m.version} for m in messages]}
        try:
            r = self.client.post(self.url, json=body)
        except Exception as exc:  # noqa: BLE001 - any transport error: the whole batch is retried
            return {m.delivery_id: f"网关不可达：{type(exc).__name__}" for m in messages}
        if not 200 <= r.status_code < 300:
            return {m.delivery_id: f"网关返回 {r.status_code}" for m in messages}
        try:
            rejected = (r.json() or {}).get("rejected") or {}
        except ValueError:
            rejected = {}
        return {m.delivery_id: (f"网关拒收：{rejected[m.key]}"[:200] if m.key in rejected else None) for m in messages}

    def close(self) -> None:
        self.client.close()


def terminal_topic(prefix: str, division_code: str, terminal: str) -> str:
    code = division_code.ljust(12, "0")
    village = code if not code.endswith("000") else "-"
    safe = "".join(ch for ch in terminal if ch not in "/#+") or "-"
    return f"{prefix}/{code[:6]}/{code[:9]}/{village}/{safe}"


class MqttChannel:
    """Broadcast terminals: one QoS 1 publish per terminal on its topic; delivered on PUBACK."""

    name = "mqtt"

    def __init__(self, host: str, port: int, prefix: str, *, client_id: str = "", timeout: float = 30.0) -> None:
        import paho.mqtt.client as mqtt

        self.prefix, self.timeout = prefix, timeout
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self._host, self._port = host, port
        self._connected = False

    def _connect(self) -> None:
        if not self._connected:
            self.client.connect(self._host, self._port, keepalive=30)
            self.client.loop_start()
            self._connected = True

    def send(self, messages: list[Outgoing]) -> dict[int, str | None]:
        try:
            self._connect()
        except OSError as exc:
            return {m.delivery_id: f"MQTT 服务器不可达：{exc}"[:200] for m in messages}
        infos = []
        for m in messages:
            payload = json.dumps({"id": m.key, "message_key": m.message_key, "version": m.version,
                                  "colour": m.colour, "text": m.text}, ensure_ascii=False)
            infos.append((m, self.client.publish(terminal_topic(self.prefix, m.division_code, m.address),
                                                 payload.encode(), qos=1)))
        out: dict[int, str | None] = {}
        deadline = time.monotonic() + self.timeout
        for m, info in infos:
            try:
                info.wait_for_publish(max(deadline - time.monotonic(), 0.01))
            except (RuntimeError, ValueError) as exc:
                out[m.delivery_id] = f"MQTT 发布失败：{exc}"[:200]
                continue
            out[m.delivery_id] = None if info.is_published() else "MQTT 未确认（超时）"
        return out

    def close(self) -> None:
        if self._connected:
            self.client.disconnect()
            self.client.loop_stop()
            self._connected = False


def default_channels(settings: Any, *, owner: str = "") -> dict[str, Channel]:
    return {
        "mqtt": MqttChannel(settings.broadcast_mqtt_host, settings.broadcast_mqtt_port, settings.broadcast_mqtt_prefix,
                            client_id=f"yingji-deliver-{owner}"[:60] if owner else ""),
        "sms": HttpChannel("sms", settings.broadcast_sms_url, token=settings.broadcast_gateway_token),
        "app": HttpChannel("app", settings.broadcast_app_url, token=settings.broadcast_gateway_token),
    }
