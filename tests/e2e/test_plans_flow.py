"""The duty officer opens the plan library, starts the typhoon plan and ticks a task on its board;
another user's change arrives live (platform events)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.helpers import call_api, login, wait_booted

pytestmark = pytest.mark.e2e


def test_library_to_activation_board_and_tick_a_task(page: Any, live_server: str, admin_password: str) -> None:
    login(page, live_server, "admin", admin_password, "/command/plans")
    page.locator("#pl-table tbody tr[data-plan-id]").first.wait_for()
    page.select_option("#pl-filters select[name=incident_type]", "typhoon")
    page.click("#pl-filters button[type=submit]")
    link = page.locator("#pl-table tbody a", has_text="防台风应急预案").first
    link.wait_for()
    assert page.locator("#pl-table tbody tr").count() >= 1
    link.click()
    page.wait_for_url(re.compile(r"/command/plans/\d+$"))
    wait_booted(page)
    assert "已备案" in page.locator("#pl-badges").inner_text()
    page.locator("#pl-sec-tasks tbody tr").first.wait_for()  # the structured form shows the plan's tasks

    # start the plan for a Ⅱ-grade typhoon (no incident record: a type and grade)
    page.locator("#pl-activate-card").wait_for()
    page.select_option("#pl-act-type", "typhoon")
    page.select_option("#pl-act-grade", "2")
    page.fill("#pl-act-title", "台风“海葵”（浏览器测试）")
    page.click("#pl-activate")
    page.wait_for_url(re.compile(r"/command/plans/activations/\d+$"))
    wait_booted(page)
    activation_id = int(page.url.rsplit("/", 1)[1])
    page.locator("#bd-todo li.pl-task").first.wait_for()
    assert "Ⅱ级响应" in page.locator("#bd-meta").inner_text()
    assert "剩余" in page.locator("#bd-todo .pl-timer").first.inner_text()  # a live countdown

    # name the person responsible, then tick the first task done: it moves to the 完成 column
    first = page.locator("#bd-todo li.pl-task").first
    title = first.locator(".pl-task-title").inner_text()
    first.locator("button[data-assign]").click()
    page.fill("#bd-person", "陈建华")
    page.click("#bd-person-confirm")
    page.locator("#bd-todo li.pl-task", has_text="陈建华").wait_for()
    first = page.locator("#bd-todo li.pl-task", has_text=title).first
    first.locator("button[data-move=done]").click()
    page.locator("#bd-done li.pl-task", has_text=title).wait_for()
    assert page.locator("#bd-progress").inner_text().startswith("完成 1 /")

    # another user (here: the API) starts a task; the board follows through the event stream
    board = call_api(page, f"/plans/activations/{activation_id}")
    other = next(t for t in board["tasks"] if t["status"] == "todo")
    call_api(page, f"/plans/tasks/{other['id']}", {"status": "doing", "person": "林志强"}, "PATCH")
    page.locator("#bd-doing li.pl-task", has_text=other["title"]).wait_for(timeout=20_000)
