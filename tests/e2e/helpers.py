"""Helpers of the browser tests: sign in, call the API from the page (with its session and CSRF token)."""

from __future__ import annotations

import re
from typing import Any

_API = """async ([path, body, method]) => {
  const ctx = JSON.parse(document.getElementById('yingji-context').textContent);
  const headers = {Accept: 'application/json'};
  if (body !== null) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = ctx.user.csrf_token;
  const resp = await fetch(`${ctx.root}/api/v1${path}`, {method, headers, credentials: 'same-origin',
                                                       body: body === null ? undefined : JSON.stringify(body)});
  const data = resp.status === 204 ? null : await resp.json();
  if (!resp.ok) throw new Error(`${method} ${path}: HTTP ${resp.status} ${JSON.stringify(data)}`);
  return data;
}"""


def call_api(page: Any, path: str, body: Any = None, method: str | None = None) -> Any:
    """The API as the page's user: ``call_api(page, '/users', {...}, 'POST')``."""
    return page.evaluate(_API, [path, body, method or ("GET" if body is None else "POST")])


def wait_booted(page: Any) -> None:
    """Until the page bootstrap has started the page's module (``<html data-booted>``)."""
    page.wait_for_function("() => document.documentElement.dataset.booted === 'true'")


def login(page: Any, base_url: str, username: str, password: str, path: str = "/") -> None:
    """Open ``path``, be sent to the login page, sign in and land on ``path`` with its scripts running."""
    page.goto(f"{base_url}{path}")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url)
    wait_booted(page)
