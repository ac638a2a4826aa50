"""Administration in a real browser: an enterprise account created with its unit chosen from a picker;
a user edited, its password reset (the new one works), deactivated (it no longer signs in), a never-used
account deleted while a used one may only be deactivated; the audit log filtered by what was done, its
record's before/after shown with Chinese names."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.e2e.helpers import call_api, login
from tests.e2e.ux_helpers import TOWN, signed_in

pytestmark = pytest.mark.e2e


def _row(page: Any, username: str) -> Any:
    row = page.locator(f"#users-table tbody tr[data-username='{username}']")
    row.wait_for()
    return row


def _filter_users(page: Any, text: str) -> None:
    page.fill("#user-filters [name=q]", text)
    page.click("#user-filters button[type=submit]")


def test_user_administration_end_to_end(page: Any, live_server: str, admin_password: str, browser: Any) -> None:
    login(page, live_server, "admin", admin_password, "/admin")
    page.wait_for_function("() => document.querySelectorAll('#user-role option').length > 1")
    page.wait_for_function("() => document.querySelectorAll('#user-scope option').length > 13")
    unit = call_api(page, f"/units?division={TOWN}&page_size=1")["items"][0]
    tag = secrets.token_hex(3)

    # an enterprise manager: the unit is chosen from the picker, its township becomes the jurisdiction
    username = f"ux_ent_{tag}"
    page.fill("#user-username", username)
    page.fill("#user-display-name", "企业安全员（界面）")
    page.select_option("#user-role", "enterprise_manager")
    assert page.locator("#user-unit-picker").is_visible() and not page.locator("#user-scope-field").is_visible()
    page.fill("#user-password", "Ent-Pass-2026-ok")
    page.click("#user-submit")  # no unit yet: refused, in Chinese, at the field
    page.locator("#user-form-error", has_text="所属单位").wait_for()
    page.fill("#user-unit-search", unit["credit_code"])
    page.locator(f"#user-unit-list [data-unit-id='{unit['id']}']").wait_for()
    page.press("#user-unit-search", "Enter")
    page.click("#user-submit")
    _filter_users(page, username)
    row = _row(page, username)
    row.locator(f"text={unit['name']}").wait_for()  # the unit's name is filled in once fetched
    assert "企业安全管理员" in row.inner_text()
    page.wait_for_function("() => document.getElementById('user-form-error').hidden")  # the old error is gone

    # edit, reset the password, sign in with the new one
    row.locator("button.user-edit").click()
    page.fill("#user-edit-dialog [name=display_name]", "企业安全员（已改名）")
    page.click("#user-edit-save")
    _row(page, username).locator("td", has_text="已改名").wait_for()
    _row(page, username).locator("button.user-reset").click()
    page.fill("#user-reset-password", "aaaaaaaaaaaa")
    page.click("#user-reset-save")
    page.locator("#user-reset-dialog .field-message", has_text="同一个字符").wait_for()  # the policy, at the field
    page.fill("#user-reset-password", "New-Ent-Pass-2026")
    page.click("#user-reset-save")
    page.locator("#user-reset-dialog").wait_for(state="detached")
    other = signed_in(browser, live_server, username, "New-Ent-Pass-2026")
    other.context.close()

    # it has acted (it signed in): it may be deactivated, not deleted
    _filter_users(page, username)
    page.locator(f"#users-table tr[data-username='{username}'] button.user-delete").wait_for(state="detached")
    row = _row(page, username)
    row.locator("button.user-disable").click()
    page.click("#user-active-confirm")
    page.locator(f"#users-table tr[data-username='{username}'][data-active=false]").wait_for()
    context = browser.new_context()
    refused = context.request.post(f"{live_server}/api/v1/auth/login",
                                   data={"username": username, "password": "New-Ent-Pass-2026"})
    assert refused.status == 401
    context.close()

    # a typing error: created, never used, deleted
    typo = f"ux_typo_{tag}"
    call_api(page, "/users", {"username": typo, "display_name": "误建账号", "role": "leader", "scope_code": "350100",
                              "password": "Typo-Pass-2026x"}, "POST")
    _filter_users(page, "ux_typo_")
    _row(page, typo).locator("button.user-delete").click()
    page.click("#user-delete-confirm")
    page.locator(f"#users-table tr[data-username='{typo}']").wait_for(state="detached")

    # the audit log: what was done, by whom, the before/after in Chinese
    page.select_option("#audit-action", "user.updated")
    page.click("#audit-filters button[type=submit]")
    first = page.locator("#audit-table tr.audit-row[data-action='user.updated']").first
    first.wait_for()
    assert "修改用户" in first.inner_text() and "系统管理员" in first.inner_text()
    first.click()
    detail = page.locator("#audit-table tr.audit-detail").first
    detail.wait_for()
    text = detail.inner_text()
    assert "启用" in text and "是" in text and "否" in text  # the deactivation, read as words
