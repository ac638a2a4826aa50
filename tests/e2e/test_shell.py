"""The web shell in a real browser: login, navigation, the jurisdiction map and administration."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

DOMAINS = ["监督管理", "监测预警", "指挥救援", "决策支持", "政务管理"]
SCREENSHOT = "/tmp/yingji-home.png"


def login(page: Any, base_url: str, username: str, password: str, path: str = "/") -> None:
    page.goto(f"{base_url}{path}")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")


def test_unauthenticated_visit_redirects_to_login_and_back(
        page: Any, live_server: str, admin_password: str) -> None:
    page.goto(f"{live_server}/command?x=1")
    assert re.search(r"/login\?next=/command%3Fx%3D1$", page.url), page.url
    assert page.locator("#login-form").is_visible()
    page.fill("#login-username", "admin")
    page.fill("#login-password", admin_password)
    page.click("#login-submit")
    page.wait_for_url(f"{live_server}/command?x=1")
    assert page.locator("h1.page-title").inner_text() == "指挥救援"
    assert page.locator(".cap-card").count() >= 3


def test_login_page_refuses_offsite_next(page: Any, live_server: str, admin_password: str) -> None:
    page.goto(f"{live_server}/login?next=//evil.example/x")
    page.fill("#login-username", "admin")
    page.fill("#login-password", admin_password)
    page.click("#login-submit")
    page.wait_for_url(f"{live_server}/")


def test_wrong_password_shows_chinese_error(page: Any, live_server: str) -> None:
    login(page, live_server, "admin", "not-the-password")
    error = page.locator("#login-error")
    error.wait_for(state="visible")
    text = error.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert "密码" in text or "用户" in text, text
    assert "/login" in page.url


def test_home_map_shows_the_13_counties(page: Any, live_server: str, admin_password: str, probe: Any) -> None:
    login(page, live_server, "admin", admin_password)
    page.wait_for_url(f"{live_server}/")

    # navigation: home + the five business domains, in Chinese
    nav = page.locator("nav.main-nav a")
    assert nav.all_inner_texts() == ["首页", *DOMAINS]
    assert page.locator("nav.main-nav a.active").inner_text() == "首页"
    assert "福州市应急管理综合应用平台" in page.locator(".brand-name").inner_text()
    badge = page.locator(".user-badge").inner_text()
    assert "系统管理员" in badge and "福州市" in badge

    # the map: exactly 13 county polygons, named, no tiles
    page.wait_for_function("() => document.querySelectorAll('#map path.division-county').length === 13")
    assert page.locator("#map path.division-county[data-code]").count() == 13
    assert page.locator("#map path.division-county[data-code='350102']").count() == 1
    page.locator("#map .division-label", has_text="鼓楼区").wait_for()
    assert "鼓楼区" in page.locator("#map").inner_text()
    assert page.locator("#map .leaflet-tile").count() == 0

    # division picker lists the 13 counties of the admin's (city) jurisdiction
    page.wait_for_function("() => document.querySelectorAll('#division-county option').length === 14")

    # provenance: attribution on the map and the 数据来源 panel
    page.wait_for_function("() => document.querySelectorAll('#source-list .source-item').length > 0")
    assert "数据来源" in page.locator(".leaflet-control-attribution").inner_text()

    # click a county: the side panel shows its census population and area
    page.dispatch_event("#map path.division-county[data-code='350102']", "click")
    info = page.locator("#division-info")
    info.locator(".info-name", has_text="鼓楼区").wait_for()
    assert "350102" in info.inner_text()
    assert "669,090" in info.inner_text()
    assert "km²" in info.inner_text()

    page.wait_for_timeout(800)  # let the fly-to animation settle
    page.screenshot(path=SCREENSHOT)

    assert probe.external_requests == [], probe.external_requests
    assert probe.page_errors == [], probe.page_errors


def test_township_layer_is_labelled_synthetic(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password)
    page.wait_for_url(f"{live_server}/")
    page.wait_for_function("() => document.querySelectorAll('#map path.division-county').length === 13")
    page.check("#toggle-townships")
    page.wait_for_function("() => document.querySelectorAll('#map path.division-township').length > 100")
    if page.locator("#map path.division-township.synthetic").count():
        note = page.locator("#township-synthetic-note")
        note.wait_for(state="visible")
        assert "乡镇边界为合成数据（非真实边界）" in note.inner_text()
        code = page.evaluate("document.querySelector('#map path.division-township.synthetic').dataset.code")
        page.dispatch_event(f"#map path.division-township[data-code='{code}']", "click")
        page.locator("#division-info .synthetic-warning").wait_for()
        assert "乡镇边界为合成数据（非真实边界）" in page.locator("#division-info").inner_text()


def test_division_picker_choice_is_remembered(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password)
    page.wait_for_url(f"{live_server}/")
    page.wait_for_function("() => document.querySelectorAll('#division-county option').length === 14")
    page.select_option("#division-county", "350181")
    page.wait_for_function("() => document.getElementById('division-picker').dataset.division === '350181'")
    page.locator("#division-info .info-name", has_text="福清市").wait_for()
    page.wait_for_function("() => document.querySelectorAll('#division-township option').length > 1")
    page.goto(f"{live_server}/supervision")
    page.wait_for_function("() => document.getElementById('division-picker').dataset.division === '350181'")
    assert page.locator("#division-county").input_value() == "350181"


def test_domain_pages_are_honest_about_what_is_built(
        page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password, path="/monitoring")
    page.wait_for_url(f"{live_server}/monitoring")
    for href, title in [("/monitoring", "监测预警"), ("/command", "指挥救援"), ("/decision", "决策支持")]:
        page.goto(f"{live_server}{href}")
        assert page.locator("h1.page-title").inner_text() == title
        assert page.locator("nav.main-nav a.active").inner_text() == title
        assert page.locator(".cap-card").count() >= 3
        cards = page.locator(".cap-card").count()
        planned = page.locator(".cap-card .badge-planned", has_text="建设中").count()
        if href == "/decision":  # nothing of it is built yet: every capability says so
            assert planned == cards
        else:  # built capabilities link to their pages, the rest say 建设中
            assert planned < cards


def test_admin_adds_a_user_who_appears_in_the_list(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password, path="/admin")
    page.wait_for_url(f"{live_server}/admin")
    page.wait_for_function("() => document.querySelectorAll('#user-role option').length > 1")
    page.wait_for_function("() => document.querySelectorAll('#user-scope option').length > 13")
    page.locator("#users-table tbody tr[data-username='admin']").wait_for()

    username = f"e2e_{int(time.time() * 1000) % 10**8}"
    page.fill("#user-username", username)
    page.fill("#user-display-name", "测试值班员")
    page.select_option("#user-role", "county_officer")
    page.select_option("#user-scope", "350102")
    page.fill("#user-password", "short")
    page.click("#user-submit")
    error = page.locator("#user-form-error")
    error.wait_for(state="visible")  # the API refuses a 5-character password, in Chinese
    assert re.search(r"[\u4e00-\u9fff]", error.inner_text()), error.inner_text()

    page.fill("#user-password", "Valid-password-123")
    page.click("#user-submit")
    row = page.locator(f"#users-table tbody tr[data-username='{username}']")
    row.wait_for()
    text = row.inner_text()
    assert "测试值班员" in text and "区县应急管理人员" in text and "鼓楼区" in text

    # the creation reaches the live event ticker through the SSE stream
    page.locator("#ticker-list .ticker-item", has_text="测试值班员").wait_for()

    # the creation is in the audit log, and the chain verifies
    page.locator("#audit-table tbody tr[data-seq]").first.wait_for()
    page.click("#audit-verify")
    result = page.locator("#audit-verify-result.verify-ok")
    result.wait_for()
    assert "审计链完整" in result.inner_text()


def test_logout_ends_the_session(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password)
    page.wait_for_url(f"{live_server}/")
    page.click("#logout-button")
    page.wait_for_url(re.compile(r"/login"))
    page.goto(f"{live_server}/admin")
    assert re.search(r"/login\?next=/admin$", page.url), page.url
