"""A local SMS / app push gateway on loopback (tests, bench, demo): receives webhook batches.

It honours the idempotency key: a message id seen before is answered as accepted but not sent
again, and counted (``repeats``), so a test can tell the transport repeats from real duplicates.
``fail_next`` answers the next N requests with 503 (retries); ``reject`` names addresses refused.
Run it with ``yingji broadcast gateway --port 8025`` (then ``YINGJI_BROADCAST_SMS_URL=http://127.0.0.1:8025/sms``).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Gateway:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, token: str | None = None) -> None:
        self.sent: dict[str, dict[str, Any]] = {}  # id → first message (what reached the phone)
        self.received: Counter[str] = Counter()  # id → times received (transport level)
        self.first_at: dict[str, float] = {}
        self.requests = 0
        self.fail_next = 0
        self.reject: set[str] = set()
        self.token = token
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, answer = gateway.handle(self.path, self.headers.get("Authorization"), raw)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                body = json.dumps(gateway.stats()).encode()
                self.send_response(200 if self.path == "/stats" else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread: threading.Thread | None = None

    def handle(self, path: str, auth: str | None, raw: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests += 1
            if self.token and auth != f"Bearer {self.token}":
                return 401, {"error": "unauthorised"}
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503, {"error": "busy"}
            try:
                body = json.loads(raw)
                messages = body["messages"]
            except (ValueError, KeyError, TypeError):
                return 400, {"error": "bad request"}
            rejected = {}
            now = time.monotonic()
            for m in messages:
                if m.get("to") in self.reject:
                    rejected[m["id"]] = "号码无效"
                    continue
                self.received[m["id"]] += 1
                if m["id"] not in self.sent:
                    self.sent[m["id"]] = {**m, "path": path}
                    self.first_at[m["id"]] = now
            return 200, {"accepted": len(messages) - len(rejected), "rejected": rejected}

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"requests": self.requests, "received": sum(self.received.values()), "unique": len(self.sent),
                    "repeats": self.repeats}

    @property
    def repeats(self) -> int:
        return sum(n - 1 for n in self.received.values() if n > 1)

    def start(self) -> Gateway:
        self._thread = threading.Thread(target=self.server.serve_forever, name="gateway", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
