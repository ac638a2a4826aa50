"""A warning in a real browser: a county officer drafts it from a template (divisions + a drawn
circle, live recipient count), a second officer approves and publishes it, the delivery coverage
shows, and the public page lists it without login."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.e2e.helpers import call_api, login, wait_booted

pytestmark = pytest.mark.e2e

PASSWORD = "E2e-warning-Pass-2024"


def _officer(page: Any, name: str) -> str:
    username = f"{name}_{int(time.time() * 1000) % 10**8}"
    call_api(page, "/users", {"username": username, "display_name": f"鼓楼区值班员{name}", "role": "county_officer",
                              "scope_code": "350102", "password": PASSWORD}, "POST")
    return username


def test_draft_approve_publish_and_public_page(browser: Any, page: Any, live_server: str, admin_password: str,
                                               probe: Any) -> None:
    login(page, live_server, "admin", admin_password, "/monitoring/warnings")
    author_name, approver_name = _officer(page, "author"), _officer(page, "approver")
    contexts = []

    def user_page(username: str, path: str) -> Any:
        ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 900})
        contexts.append(ctx)
        p = ctx.new_page()
        p.set_default_timeout(20_000)
        p.on("pageerror", lambda exc: probe.page_errors.append(str(exc)))
        login(p, live_server, username, PASSWORD, path)
        return p

    try:
        author = user_page(author_name, "/monitoring/warnings/new")
        author.select_option("#wn-type", "rainstorm")
        author.select_option("#wn-level", "orange")
        assert "暴雨橙色预警" in author.input_value("#wn-headline")
        assert "停课" in author.input_value("#wn-instruction")  # 防御指南 of the template
        author.locator("#wn-division-county option[value='350102']").wait_for(state="attached")
        author.select_option("#wn-division-county", "350102")
        author.click("#wn-add-division")
        author.locator("#wn-area-list li", has_text="鼓楼区").wait_for()
        author.click("#wn-draw-circle")
        author.fill("#wn-radius", "2")
        author.locator("#wn-map").click(position={"x": 300, "y": 200})
        author.locator("#wn-area-list li", has_text="圆 1").wait_for()
        author.locator("#wn-count-recipients").wait_for()  # the live recipient count
        headline = f"鼓楼区暴雨橙色预警（浏览器测试 {int(time.time())}）"
        author.fill("#wn-headline", headline)
        author.click("#wn-save")
        author.wait_for_url(re.compile(r"/monitoring/warnings/\d+$"))
        wait_booted(author)
        author.click("#wn-submit")
        author.locator("#wn-review", has_text="待审批").wait_for()
        assert author.locator("#wn-approve").count() == 0  # the author may not approve (two-person rule)

        approver = user_page(approver_name, "/monitoring/warnings?queue=true")
        approver.locator("#wn-table a", has_text=headline).click()
        approver.wait_for_url(re.compile(r"/monitoring/warnings/\d+$"))
        wait_booted(approver)
        approver.click("#wn-approve")
        approver.locator("#wn-review", has_text="已批准待签发").wait_for()
        approver.click("#wn-publish")
        approver.locator("#wn-state", has_text="生效中").wait_for()
        approver.locator("#wn-versions tbody tr").first.wait_for()
        assert "首发" in approver.locator("#wn-versions").inner_text()
        approver.locator("#wn-coverage-rate").wait_for()  # delivery progress and coverage per district
        # the page refreshes while delivering: the coverage rises (terminals over MQTT at least)
        approver.wait_for_function(
            "() => { const t = document.getElementById('wn-coverage-rate'); "
            "return t && parseFloat(t.textContent) > 0; }", timeout=60_000)

        public_ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")  # no login
        contexts.append(public_ctx)
        public = public_ctx.new_page()
        public.on("pageerror", lambda exc: probe.page_errors.append(str(exc)))
        public.goto(f"{live_server}/public/warnings")
        wait_booted(public)
        assert "/login" not in public.url
        public.locator("#wn-public-list li", has_text=headline).wait_for()
        public.locator("#wn-public-map path.leaflet-interactive").first.wait_for()  # its area on the map
        assert not probe.page_errors, probe.page_errors
        assert not probe.external_requests, probe.external_requests
    finally:
        for c in contexts:
            c.close()
