"""Security headers and the Content-Security-Policy on every kind of response."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from yingji.app import create_app
from yingji.config import Settings

ALWAYS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def assert_secured(response: httpx.Response, *, csp: bool = True) -> None:
    where = f"{response.request.method} {response.request.url} -> {response.status_code}"
    for name, value in ALWAYS.items():
        assert response.headers.get(name) == value, f"{name} missing on {where}"
    assert "camera=()" in response.headers.get("permissions-policy", ""), where
    policy = response.headers.get("content-security-policy")
    if not csp:
        assert policy is None, where
        return
    assert policy, f"no CSP on {where}"
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'", where  # no inline script, no eval, no CDN
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'", where
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'", where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where


@pytest.fixture(scope="module")
def own_app(database, tmp_path_factory):  # type: ignore[no-untyped-def]
    """An app of its own, with a route that crashes (the 500 comes from Starlette's outermost
    error middleware, outside every ``add_middleware`` middleware)."""
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("hdr")), database=database, start_background=False)

    @app.get("/test-crash", include_in_schema=False)
    def crash() -> None:
        raise RuntimeError("boom")

    return app


def test_every_kind_of_response_carries_the_headers(own_app, client_for):
    with TestClient(own_app, raise_server_exceptions=False) as anon:
        assert_secured(page := anon.get("/login"))  # HTML page
        assert page.headers["content-type"].startswith("text/html")
        assert_secured(anon.get("/healthz"))  # JSON
        assert_secured(anon.get("/api/v1/auth/me"))  # JSON error (401)
        assert_secured(anon.get("/no-such-page"))  # 404
        assert_secured(anon.post("/api/v1/auth/login", json={}))  # 422
        assert_secured(anon.get("/test-crash"))  # 500 from the outermost error middleware
        assert_secured(redirect := anon.get("/supervision", follow_redirects=False))  # redirect to login
        assert redirect.status_code == 303
        static = anon.get("/static/css/yingji.css")
        assert_secured(static)
        assert_secured(anon.get("/vendor/leaflet/dist/leaflet.js"))
        not_modified = anon.get("/static/css/yingji.css", headers={"If-None-Match": static.headers["etag"]})
        assert not_modified.status_code == 304
        assert_secured(not_modified)
        assert_secured(anon.get("/docs"))
        assert_secured(anon.get("/metrics"))
    assert_secured(client_for("county_officer", "350102").get("/api/v1/risk/map"))


def test_streaming_responses_keep_streaming_and_carry_the_headers(live_url, make_user):
    _, token = make_user("city_duty", "350100")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live_url, headers=headers, timeout=10) as client, \
            client.stream("GET", "/api/v1/events/stream", params={"heartbeat": 0.05}) as stream:
        assert stream.status_code == 200
        assert_secured(stream)
        assert next(stream.iter_lines()).startswith("retry:")  # the body streams through the middleware


def test_csp_switch_leaves_the_other_headers_on(database, tmp_path):
    app = create_app(Settings(data_dir=tmp_path, csp_enabled=False), database=database, start_background=False)
    with TestClient(app) as client:
        assert_secured(client.get("/login"), csp=False)


def test_hsts_only_over_https(app):
    with TestClient(app) as plain:
        assert "strict-transport-security" not in plain.get("/login").headers
    with TestClient(app, base_url="https://testserver") as tls:
        assert tls.get("/login").headers["strict-transport-security"] == f"max-age={180 * 24 * 3600}"
