"""Chinese everywhere users look: no English identifier — snake_case, dotted codes such as
``hazard.escalated``, permission strings such as ``hazards:write``, or any code of the label registry
(``elderly_care``, ``general``…) — in the visible text of the main pages, as each kind of user, with the
live ticker's panel, an audit record's before/after and a hazard's timeline open. Allowed where intended:
code-like elements (``<code>``: usernames, hashes, credit codes), form controls, a dataset's reproducible
method (``data-allow-code``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import call_api, login
from tests.e2e.ux_helpers import TOWN, english_in, make_user, signed_in

pytestmark = pytest.mark.e2e

MAIN_PAGES = ["/", "/supervision", "/supervision/hazards", "/supervision/hazards?todo=true", "/supervision/ledger",
              "/supervision/units", "/supervision/risk-map", "/supervision/risk-stats", "/supervision/enforcement",
              "/supervision/inspections/new", "/supervision/hazards/new", "/admin", "/monitoring", "/command",
              "/decision", "/no-such-page"]


# a page has settled: its list tables loaded, nothing busy, its map (if any) ready
SETTLED = """() => document.documentElement.dataset.booted
  && !document.querySelector('[aria-busy=true]')
  && [...document.querySelectorAll('table')].filter(t => t.querySelector('th[aria-sort]')).every(t => t.dataset.loaded)
  && !document.querySelector('#map[data-state=loading]')"""


def _sweep(page: Any, base: str, paths: list[str]) -> dict[str, list[tuple[str, str]]]:
    leaks = {}
    for path in paths:
        page.goto(f"{base}{path}")
        page.wait_for_function(SETTLED)
        if path == "/":
            page.wait_for_selector("#home-cards[data-loaded]")
            page.click("#ticker-more")  # the live ticker's panel
        if path == "/admin" and page.locator("#audit-table").count():
            page.locator("#audit-table tr.audit-row").first.click()  # an audit record's before/after
            page.locator("#audit-table tr.audit-detail").first.wait_for()
        if path.startswith("/supervision/hazards/") and path[-1].isdigit():
            page.locator("#hz-timeline li").first.wait_for()
        found = english_in(page)
        if found:
            leaks[path] = found[:5]
    return leaks


def test_no_english_identifier_reaches_the_main_pages(browser: Any, live_server: str, admin_password: str,
                                                      page: Any) -> None:
    login(page, live_server, "admin", admin_password)
    unit = call_api(page, f"/units?division={TOWN}&page_size=1")["items"][0]
    hazard = call_api(page, "/hazards", {"unit_id": unit["id"], "title": "中文检查样例", "tier": "major"}, "POST")
    call_api(page, f"/hazards/{hazard['id']}/transitions", {"action": "confirm"}, "POST")
    # the records of several kinds, as the administrator (the widest view) …
    source = call_api(page, "/risk/sources", {"unit_id": unit["id"], "name": "中文检查风险点", "subclass_code": "A01"}, "POST")
    details = [f"/supervision/hazards/{hazard['id']}", f"/supervision/units/{unit['id']}",
               f"/supervision/sources/{source['id']}"]
    leaks = _sweep(page, live_server, MAIN_PAGES + details)
    # … and as the others: a county officer, an enterprise manager (its own unit), the read-only leader
    for role in ("county_officer", "enterprise_manager", "leader"):
        user = make_user(page, role, unit_id=unit["id"] if role == "enterprise_manager" else None)
        other = signed_in(browser, live_server, user["username"])
        try:
            leaks |= {f"{role} {k}": v for k, v in _sweep(other, live_server, MAIN_PAGES[:9] + details[:1]).items()}
        finally:
            other.context.close()
    assert not leaks, f"English identifiers in the visible text: {leaks}"
