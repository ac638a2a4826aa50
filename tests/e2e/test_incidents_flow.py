"""A duty officer takes a call through to a submitted first report in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.helpers import login, wait_booted
from tests.integration.samples_incidents import wav_bytes

pytestmark = pytest.mark.e2e

TRANSCRIPT = "喂，鼓楼区东街口这边一栋居民楼着火了，烟很大，三楼好像有两个人被困，里面有个老人"


def test_call_to_first_report(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password, "/command/calls")
    wait_booted(page)
    page.fill("#call-transcript", TRANSCRIPT)
    page.fill("input[name=caller_number]", "13800000000")
    page.click("#call-extract")
    form = page.locator("#incident-form")
    form.wait_for(state="visible", timeout=60_000)
    assert page.input_value("#incident-form input[name=type]") == "建筑火灾"
    assert page.input_value("#incident-form input[name=trapped]") == "2"
    assert "置信度" in page.text_content("[data-conf=type]")
    assert page.input_value("#incident-form input[name=division_code]").startswith("350102")
    assert "初判" in page.text_content("#grade-line")
    page.click("#incident-create")
    page.wait_for_url(re.compile(r"/command/incidents/\d+$"))
    wait_booted(page)
    page.locator("#inc-schedule button[data-kind=first][data-level=county]").click()
    report = page.locator(".inc-report[data-kind=first]")
    report.wait_for()
    text = report.locator("textarea").input_value()
    assert "【首报】" in text
    report.locator("textarea").fill(text + "\n已疏散周边群众。")
    report.locator("button[data-action=save-draft]").click()
    page.locator("#inc-timeline li", has_text="修改首报草稿").wait_for()
    page.reload()
    wait_booted(page)
    report.wait_for()
    assert report.locator("textarea").input_value().endswith("已疏散周边群众。")  # the draft was kept
    report.locator("button", has_text="报送").click()
    page.locator(".inc-report[data-kind=first]", has_text="已报送").wait_for()
    page.locator("#inc-timeline li", has_text="报送首报").wait_for()
    page.goto(f"{live_server}/command/incidents")
    wait_booted(page)
    page.locator("#board-table tbody tr").first.wait_for()


def test_a_recording_without_a_speech_engine_is_kept_and_the_text_typed(page: Any, live_server: str,
                                                                        admin_password: str) -> None:
    login(page, live_server, "admin", admin_password, "/command/calls")
    wait_booted(page)
    page.fill("input[name=caller_number]", "13800000009")
    page.set_input_files("#call-audio", files=[{"name": "来电.wav", "mimeType": "audio/wav", "buffer": wav_bytes()}])
    page.click("#call-audio-upload")
    note = page.locator("#call-speech")
    note.wait_for(state="visible")
    assert "未配置语音识别引擎" in note.text_content() and "录音已保存" in note.text_content()
    assert page.locator("#incident-form").is_hidden()
    page.fill("#call-transcript", TRANSCRIPT)
    page.click("#call-extract")
    page.locator("#incident-form").wait_for(state="visible", timeout=60_000)
    assert page.input_value("#incident-form input[name=type]") == "建筑火灾"
    assert note.is_hidden()
