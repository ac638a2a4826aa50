"""The Content-Security-Policy in a real browser: every page works under it, and /docs works offline.

A ``securitypolicyviolation`` listener is installed before any page script runs (Playwright
init scripts are not subject to the page's CSP), so any inline script, inline style or
off-site load the policy blocks is recorded — together with the console and page errors.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.e2e.helpers import call_api, wait_booted

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' @' + e.sourceFile + ':' + e.lineNumber);
});
"""
STATIC_PAGES = ["/", "/supervision", "/supervision/risk-map", "/supervision/risk-stats", "/supervision/units",
                "/supervision/hazards", "/supervision/inspections/new", "/supervision/ledger",
                "/supervision/enforcement", "/monitoring", "/command", "/decision", "/admin"]


def _csp_violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__csp || []"))


def _settle(page: Any) -> None:
    """Wait until the page has loaded and its data requests are done (the live stream is cut off
    by the test, so 'network idle' is reachable)."""
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")


def test_every_page_works_under_the_csp(page: Any, live_server: str, admin_password: str, probe: Any) -> None:
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.route(re.compile(r".*/api/v1/events/stream.*"), lambda route: route.abort())
    page.goto(f"{live_server}/login")
    response = page.request.get(f"{live_server}/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert _csp_violations(page) == []
    page.fill("#login-username", "admin")
    page.fill("#login-password", admin_password)
    page.click("#login-submit")
    page.wait_for_url(f"{live_server}/")
    wait_booted(page)

    def first(path: str) -> int:
        return call_api(page, f"{path}?page_size=1")["items"][0]["id"]

    unit = first("/units")
    inspection = call_api(page, "/hazards/inspections", {
        "unit_id": unit, "kind": "department", "inspector": "CSP 检查", "inspected_at": "2026-11-01T10:00:00+08:00",
        "items": []}, "POST")
    ids = {"unit": unit, "source": first("/risk/sources"), "hazard": first("/hazards"), "inspection": inspection["id"]}
    pages = STATIC_PAGES + [f"/supervision/units/{ids['unit']}", f"/supervision/sources/{ids['source']}",
                            f"/supervision/sources/{ids['source']}/card", f"/supervision/hazards/{ids['hazard']}",
                            f"/supervision/inspections/{ids['inspection']}"]
    seen: dict[str, list[str]] = {}
    for path in pages:
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        _settle(page)
        if violations := _csp_violations(page):
            seen[path] = violations
    assert seen == {}, seen
    assert not [m for m in probe.console_errors if "Content Security Policy" in m], probe.console_errors
    assert probe.page_errors == [], probe.page_errors
    assert probe.external_requests == [], probe.external_requests


def test_risk_card_print_button_works_without_inline_script(page: Any, live_server: str, admin_password: str) -> None:
    page.context.add_init_script(RECORD_VIOLATIONS + "window.__printed = 0; window.print = function () { window.__printed++; };")
    page.goto(f"{live_server}/login")
    page.fill("#login-username", "admin")
    page.fill("#login-password", admin_password)
    page.click("#login-submit")
    page.wait_for_url(f"{live_server}/")
    wait_booted(page)
    source = call_api(page, "/risk/sources?page_size=1")["items"][0]["id"]
    page.goto(f"{live_server}/supervision/sources/{source}/card")
    wait_booted(page)
    page.click("#card-print")
    assert page.evaluate("window.__printed") == 1
    assert _csp_violations(page) == []


def test_api_docs_list_the_operations_offline(page: Any, live_server: str, probe: Any) -> None:
    page.context.add_init_script(RECORD_VIOLATIONS)
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    response = page.goto(f"{live_server}/docs")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for(timeout=30_000)
    assert page.locator(".opblock").count() > 10
    assert page.locator(".opblock-summary-path", has_text="/api/v1/auth/login").count() >= 1
    assert page.locator(".info .title").inner_text().startswith("yingji")
    server = urlparse(live_server).netloc
    assert {urlparse(u).netloc for u in loaded if not u.startswith(("data:", "blob:"))} == {server}
    assert any("/vendor/swagger-ui-dist/swagger-ui-bundle.js" in u for u in loaded)
    assert probe.external_requests == [], probe.external_requests
    assert _csp_violations(page) == []
    assert probe.page_errors == [], probe.page_errors


def test_serve_trusts_forwarded_headers_from_the_local_proxy(live_server: str, admin_password: str) -> None:
    """`yingji serve` behind a reverse proxy on the same host (127.0.0.1 is trusted by default):
    X-Forwarded-Proto makes the cookie Secure and adds HSTS; X-Forwarded-For is the client address."""
    import json
    import urllib.request

    def login(headers: dict[str, str]) -> Any:
        request = urllib.request.Request(
            f"{live_server}/api/v1/auth/login", method="POST",
            data=json.dumps({"username": "admin", "password": admin_password}).encode(),
            headers={"Content-Type": "application/json", **headers})
        return urllib.request.urlopen(request, timeout=10)

    with login({"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}) as behind_proxy:
        cookie = behind_proxy.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie
        assert behind_proxy.headers["Strict-Transport-Security"].startswith("max-age=")
        session = cookie.split(";", 1)[0]
    request = urllib.request.Request(f"{live_server}/api/v1/auth/sessions",
                                     headers={"Cookie": session, "X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=10) as listed:
        current = [s for s in json.loads(listed.read()) if s["current"]]
    assert current and current[0]["client_address"] == "203.0.113.9"
    with login({}) as direct:
        assert "Secure" not in direct.headers["Set-Cookie"]
        assert direct.headers.get("Strict-Transport-Security") is None
