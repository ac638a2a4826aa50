"""HTTP security headers (one pure ASGI middleware) and small address helpers.

Every response the application sends — pages, JSON, static files, 304s, error pages, even the
500 produced by Starlette's outermost error middleware — passes through
:class:`SecurityHeadersMiddleware`, which is wrapped *around* the whole middleware stack by
:func:`install`. It is a plain ASGI middleware (not ``BaseHTTPMiddleware``): it only edits the
``http.response.start`` message, so streaming responses (Server-Sent Events, Excel exports)
pass through untouched.

The Content-Security-Policy lives here and nowhere else (:data:`CSP`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from starlette.datastructures import MutableHeaders


if TYPE_CHECKING:
    from fastapi import FastAPI

    from yingji.config import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The Content-Security-Policy of every response (the one place it is written down).
#: - no inline script anywhere: pages load their code from /static and /vendor; data for a page
#:   travels in ``<script type="application/json">`` blocks, which CSP does not execute;
#: - styles from our own files only, no 'unsafe-inline': Leaflet and Swagger UI position and size
#:   elements through the CSSOM (``element.style.x = …``), which style-src does not govern, and
#:   no page or script of ours writes ``style="…"`` markup;
#: - images may be data:/blob: URIs (Leaflet's and Swagger UI's icons, generated previews);
#: - nothing may frame the platform, post forms elsewhere, or change the base URL.
CSP_DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
CSP = "; ".join(f"{name} {value}" for name, value in CSP_DIRECTIVES.items())

#: Headers every response carries (a handler may set its own value first; it is kept).
BASE_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(self), payment=(), usb=()",
}


class SecurityHeadersMiddleware:
    """Adds :data:`BASE_HEADERS`, the CSP and (over HTTPS) HSTS to every HTTP response."""

    def __init__(self, app: ASGIApp, *, csp: str | None = CSP, hsts_max_age: int = 0) -> None:
        self.app = app
        self.headers = dict(BASE_HEADERS)
        if csp:
            self.headers["Content-Security-Policy"] = csp
        self.hsts = f"max-age={hsts_max_age}" if hsts_max_age > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers.append(name, value)
                if https and self.hsts and "strict-transport-security" not in headers:
                    headers.append("Strict-Transport-Security", self.hsts)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, settings: Settings) -> None:
    """Wrap the application's whole middleware stack (error middleware included)."""
    build = app.build_middleware_stack
    csp = CSP if settings.csp_enabled else None

    def build_with_headers() -> ASGIApp:
        return SecurityHeadersMiddleware(build(), csp=csp, hsts_max_age=settings.hsts_max_age)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def address_in(host: str | None, networks: tuple[Network, ...]) -> bool:
    if not host or not networks:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def client_address(scope: Scope) -> str:
    """The client's address as the server sees it (uvicorn has already applied X-Forwarded-For
    if — and only if — the peer is one of the trusted proxies, ``YINGJI_FORWARDED_ALLOW_IPS``)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
