"""Supervision / risk in a real browser: a county officer registers a risk source, assesses it
to 重大 and sees its marker on the risk map turn red (live, then after a reload)."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from tests.e2e.helpers import call_api, wait_booted

pytestmark = pytest.mark.e2e

OFFICER_PASSWORD = "Officer-Pass-2026"


def _login(page: Any, base: str, username: str, password: str, path: str) -> None:
    page.goto(f"{base}{path}")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_url(f"{base}{path}")
    wait_booted(page)


def test_officer_assesses_source_to_major_and_map_marker_turns_red(
        page: Any, live_server: str, admin_password: str, probe: Any) -> None:
    # the administrator creates a county officer of 鼓楼区
    username = "e2e_gulou_" + secrets.token_hex(3)
    _login(page, live_server, "admin", admin_password, "/supervision")
    created = call_api(page, "/users", {"username": username, "display_name": "鼓楼区应急局（E2E）",
                                        "role": "county_officer", "scope_code": "350102", "password": OFFICER_PASSWORD})
    assert created["username"] == username
    page.context.clear_cookies()

    # the officer registers a unit and a risk source through the forms
    _login(page, live_server, username, OFFICER_PASSWORD, "/supervision/units")
    credit = ("91350102E2E" + secrets.token_hex(4).upper())[:18]
    page.fill("#unit-form [name=name]", "E2E 测试化工有限公司" + credit[-4:])
    page.fill("#unit-form [name=credit_code]", credit)
    page.select_option("#unit-form [name=industry]", "hazchem")
    page.wait_for_function("() => document.querySelectorAll('#unit-division option').length > 1")
    page.select_option("#unit-form [name=division_code]", "350102001")  # the township by name
    page.fill("#unit-form [name=lon]", "119.3020")
    page.fill("#unit-form [name=lat]", "26.0850")
    page.click("#unit-submit")
    page.wait_for_url(re.compile(r"/supervision/units/\d+$"))
    wait_booted(page)
    assert "未评估" in page.locator("#unit-level").inner_text()
    page.fill("#source-form [name=name]", "液氨储罐区")
    page.select_option("#source-form [name=subclass_code]", "A01")
    page.click("#source-submit")
    page.wait_for_url(re.compile(r"/supervision/sources/\d+$"))
    wait_booted(page)
    source_id = int(page.url.rsplit("/", 1)[1])

    # the risk map, focused on the new source: a grey "未评估" marker
    map_page = page.context.new_page()
    map_page.goto(f"{live_server}/supervision/risk-map?focus={source_id}")
    map_page.wait_for_selector(f"#map[data-focused='{source_id}']", timeout=30_000)
    marker = map_page.locator(f".risk-marker [data-source-id='{source_id}']")
    assert marker.get_attribute("data-level") == ""
    legend = map_page.locator("#risk-legend").inner_text()
    assert "红 · 重大风险" in legend and "蓝 · 低风险" in legend

    # assess with LEC: L=10 完全可以预料, E=6, C=15 → D = 900 → 重大
    page.check("#assess-form input[value=lec]")
    page.select_option("#lec-l", "10.0")
    page.select_option("#lec-e", "6.0")
    page.select_option("#lec-c", "15.0")
    assert "重大风险" in page.locator("#assess-preview").inner_text()
    page.click("#assess-submit")
    page.wait_for_function("() => document.querySelector('#source-level').innerText.includes('重大')")

    # live: the "risk.assessed" event recolours the marker on the open map
    map_page.wait_for_selector(f".risk-marker.risk-major [data-source-id='{source_id}'][data-level='major']",
                               timeout=20_000)
    # and after a reload the map still shows it red, with its text
    map_page.goto(f"{live_server}/supervision/risk-map?focus={source_id}")
    map_page.wait_for_selector(f"#map[data-focused='{source_id}']", timeout=30_000)
    red = map_page.locator(f".risk-marker.risk-major [data-source-id='{source_id}']")
    assert red.get_attribute("data-level") == "major"
    assert red.get_attribute("title") == "红 · 重大风险"
    assert map_page.locator("#district-table tbody tr[data-county='350102']").count() == 1
    assert not probe.page_errors, probe.page_errors
    assert not probe.external_requests, probe.external_requests
