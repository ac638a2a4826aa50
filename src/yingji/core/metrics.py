"""Prometheus metrics: HTTP traffic, event relay, outbox backlog, database reachability."""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("yingji_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("yingji_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.events = Gauge("yingji_events_published_total", "domain events published to the bus",
                            registry=self.registry)
        self.outbox = Gauge("yingji_outbox_pending", "events committed but not yet published",
                            registry=self.registry)


def install(app: FastAPI) -> None:
    app.state.metrics = Metrics()

    @app.middleware("http")
    async def _measure(request: Request, call_next: Any) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        m: Metrics = request.app.state.metrics
        m.requests.labels(request.method, path, str(response.status_code)).inc()
        m.latency.labels(request.method, path).observe(time.perf_counter() - start)
        return response


def render(app: FastAPI) -> Response:
    m: Metrics = app.state.metrics
    relay = app.state.database.relay
    if relay is not None:
        m.events.set(relay.published)
        try:
            m.outbox.set(relay.pending())
        except Exception:
            m.outbox.set(float("nan"))
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
