"""Admission control: at most ``limit`` requests of a worker are being served at once.

FastAPI runs a request's sync dependencies and its endpoint as separate steps on the thread
pool. The request's database session — opened by the first step (who is the user?) — keeps its
pooled connection while the request waits for a thread for the next step. With more requests in
flight than threads, every waiting request holds a connection, the pool runs dry and requests
fail after ``pool_timeout`` (measured: 200 officers on 2 workers with 20 threads and 35
connections each → ``QueuePool limit … reached`` on PostgreSQL). Admitting at most ``limit``
requests (the thread count) bounds the connections in use by the pool size; the others wait
here, in the event loop, holding nothing — and get a 503 in Chinese only after ``timeout``
seconds. uvicorn's ``--limit-concurrency`` would instead answer 503 at once.

Long-lived and database-free paths (the live event stream, static files) are not counted.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

BUSY = json.dumps({"error": {"code": "service_busy", "message": "系统繁忙，请稍后重试", "field": None}},
                  ensure_ascii=False).encode()
EXEMPT = ("/api/v1/events/stream", "/static/", "/vendor/")


class AdmissionLimit:
    def __init__(self, app: ASGIApp, limit: int, timeout: float = 60.0, exempt: tuple[str, ...] = EXEMPT) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout
        self.exempt = exempt
        # one semaphore per event loop (tests run several loops against one application)
        self._semaphores: weakref.WeakKeyDictionary[Any, asyncio.Semaphore] = weakref.WeakKeyDictionary()

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        sem = self._semaphores.get(loop)
        if sem is None:
            sem = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        return sem

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        sem = self._semaphore()
        try:
            await asyncio.wait_for(sem.acquire(), timeout=self.timeout)
        except TimeoutError:
            await send({"type": "http.response.start", "status": 503,
                        "headers": [(b"content-type", b"application/json"), (b"retry-after", b"5"),
                                    (b"content-length", str(len(BUSY)).encode())]})
            await send({"type": "http.response.body", "body": BUSY})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            sem.release()
