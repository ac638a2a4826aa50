"""Monitoring in a real browser: a simulated tank over-pressure at a major hazard source turns the source
red on the live monitoring map (through the SSE stream, without a reload), and a county officer
acknowledges the alarm on the alarm board; the graded notice reaches the county officer's home page
(待我处理的告警) and is done once acknowledged; the elevator board shows the demo's statistics per
company, district, building and elevator."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
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


def test_tank_alarm_turns_source_red_and_officer_acknowledges(
        page: Any, live_server: str, admin_password: str, probe: Any) -> None:
    _login(page, live_server, "admin", admin_password, "/monitoring/map")
    page.wait_for_selector("#map[data-state=ready]")
    tanks = call_api(page, "/monitoring/points?device_type=tank&page_size=1&sort=id")["items"]
    assert tanks, "the demo seed registers tanks at the major hazard sources"
    tank = tanks[0]
    source_id, county = tank["risk_source_id"], tank["division_code"][:6]
    assert not page.locator(f".mon-source [data-source-id='{source_id}'][data-level=red]").count()

    # the simulated excursion arrives (HTTP batch upload: the same ingest path as MQTT)
    now = datetime.now(UTC).isoformat()
    out = call_api(page, "/monitoring/telemetry", {"messages": [
        {"device": tank["code"], "ts": now, "values": {"pressure": 1.72, "level": 61, "temperature": 26}}]})
    assert out["stored"] == 3 and out["alarms_raised"] >= 1
    page.wait_for_selector(f".mon-source [data-source-id='{source_id}'][data-level=red]", timeout=15000)
    assert page.locator(f"#mon-sources li[data-source-id='{source_id}'][data-level=red]").count() == 1

    # the city risk map shows the same source alarming, and a second source's alarm arrives live
    page.goto(f"{live_server}/supervision/risk-map")
    wait_booted(page)
    page.wait_for_selector("#map[data-state=ready]")
    page.wait_for_selector(f".risk-alarm [data-source-id='{source_id}'][data-level=red]", timeout=15000)
    assert page.locator(f"#risk-alarms li[data-source-id='{source_id}']").count() == 1
    other = next(t for t in call_api(page, "/monitoring/points?device_type=tank&page_size=50&sort=id")["items"]
                 if t["risk_source_id"] != source_id)
    call_api(page, "/monitoring/telemetry", {"messages": [
        {"device": other["code"], "ts": datetime.now(UTC).isoformat(), "values": {"pressure": 1.75}}]})
    page.wait_for_selector(f".risk-alarm [data-source-id='{other['risk_source_id']}'][data-level=red]", timeout=15000)

    # a county officer of that county acknowledges it on the alarm board
    username = "e2e_mon_" + secrets.token_hex(3)
    call_api(page, "/users", {"username": username, "display_name": "区县应急局（监测 E2E）",
                              "role": "county_officer", "scope_code": county, "password": OFFICER_PASSWORD})
    page.context.clear_cookies()
    _login(page, live_server, username, OFFICER_PASSWORD, "/monitoring/alarms")
    row = page.locator("#alarm-table tr[data-level=red]", has_text=tank["name"]).first
    row.wait_for()
    row.locator("button[data-action=acknowledge]").click()
    page.wait_for_selector("#alarm-table tr[data-state=acknowledged]", timeout=10000)
    alarm_id = int(page.locator("#alarm-table tr[data-state=acknowledged]").first.get_attribute("data-alarm-id"))
    alarm = call_api(page, f"/monitoring/alarms/{alarm_id}")
    assert alarm["state"] == "acknowledged" and alarm["acknowledged_by"] == username
    assert not probe.page_errors, probe.page_errors


def test_graded_notice_reaches_the_county_officer_home_page(
        page: Any, live_server: str, admin_password: str, probe: Any) -> None:
    _login(page, live_server, "admin", admin_password, "/monitoring/map")
    tanks = call_api(page, "/monitoring/points?device_type=tank&page_size=5&sort=-id")["items"]
    tank = tanks[0]
    county = tank["division_code"][:6]
    username = "e2e_notice_" + secrets.token_hex(3)
    call_api(page, "/users", {"username": username, "display_name": "区县应急局（通知 E2E）",
                              "role": "county_officer", "scope_code": county, "password": OFFICER_PASSWORD})
    now = datetime.now(UTC).isoformat()
    out = call_api(page, "/monitoring/telemetry", {"messages": [
        {"device": tank["code"], "ts": now, "values": {"pressure": 1.45, "level": 61, "temperature": 26}}]})
    assert out["alarms_raised"] >= 1
    page.context.clear_cookies()
    _login(page, live_server, username, OFFICER_PASSWORD, "/")
    card = page.locator(".home-card[data-key='monitoring.notices']")
    card.wait_for(timeout=15000)
    assert card.get_attribute("data-count") not in (None, "0")
    assert tank["name"] in card.locator(".home-card-items").inner_text()
    mine = call_api(page, "/monitoring/notices")["items"]
    alarm_id = next(n["alarm_id"] for n in mine if tank["name"] in n["message"])
    assert next(n for n in mine if n["alarm_id"] == alarm_id)["audience"] == "county"
    call_api(page, f"/monitoring/alarms/{alarm_id}/actions", {"action": "acknowledge"})
    assert all(n["alarm_id"] != alarm_id for n in call_api(page, "/monitoring/notices")["items"])

    # the elevator board: the demo's elevators and their statistics, per building too
    page.goto(f"{live_server}/monitoring/elevators")
    wait_booted(page)
    assert page.locator("#stats-building tbody tr").count() >= 1
    assert "暂无" not in page.locator("#stats-building tbody").inner_text()
    assert page.locator("#stats-elevator tbody tr").count() >= 1
    assert not page.locator("#stats-district tbody td").first.inner_text().isdigit()  # counties by name
    assert not probe.page_errors, probe.page_errors
