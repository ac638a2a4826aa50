"""Browser tests: a real `yingji serve` on a temporary SQLite database, driven by Chromium.

The server is built exactly as an operator would: ``yingji db upgrade``, ``yingji demo load``,
``yingji serve``. Chromium is the system one (``/usr/bin/chromium``, or ``YINGJI_E2E_CHROMIUM``);
every request the page makes outside the server is blocked and recorded, so a test can prove
the platform needs no CDN and no online map tiles.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("YINGJI_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_PASSWORD = "E2e-admin-Pass-2024"
STARTUP_TIMEOUT_S = 60.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _yingji_bin() -> str:
    candidate = Path(sys.executable).parent / "yingji"
    if not candidate.exists():
        pytest.fail(f"yingji console script not found next to {sys.executable} (pip install -e .)")
    return str(candidate)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:]


def _run(cmd: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        result = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[1:])} failed ({result.returncode}):\n{_tail(log)}")


@contextmanager
def serve(data_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """``yingji db upgrade``, ``yingji demo load`` and ``yingji serve`` on a temporary SQLite file;
    yields the base URL and stops the server afterwards."""
    exe = _yingji_bin()
    log = data_dir / "server.log"
    env = dict(os.environ)
    env.pop("YINGJI_DATABASE_URL", None)  # always the temporary SQLite file
    env.update(YINGJI_DATA_DIR=str(data_dir), YINGJI_ADMIN_PASSWORD=ADMIN_PASSWORD, PYTHONUNBUFFERED="1",
               YINGJI_CLOCK_OVERRIDE="1")  # a drill server: the escalation test runs the clock forward
    env.update(extra_env or {})

    _run([exe, "db", "upgrade"], env, log)
    _run([exe, "demo", "load"], env, log)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    out = log.open("ab")
    proc = subprocess.Popen([exe, "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"yingji serve exited with {proc.returncode}:\n{_tail(log)}")
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"yingji serve not healthy after {STARTUP_TIMEOUT_S:.0f} s:\n{_tail(log)}")
            time.sleep(0.25)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        out.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running server with the demo data loaded and user admin/ADMIN_PASSWORD."""
    with serve(tmp_path_factory.mktemp("yingji-e2e-data")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def admin_password() -> str:
    return ADMIN_PASSWORD


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") or os.environ.get("YINGJI_REQUIRE_SERVICES"):
            pytest.fail(f"Chromium not installed at {CHROMIUM} but the suite requires it")
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageProbe:
    """What a page did that it should not: script errors and requests leaving the server."""

    def __init__(self) -> None:
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        self.external_requests: list[str] = []


@pytest.fixture
def probe() -> PageProbe:
    return PageProbe()


@pytest.fixture
def page(browser: Any, live_server: str, probe: PageProbe) -> Iterator[Any]:
    """A fresh browser context (no cookies) in zh-CN / Asia/Shanghai, cut off from the internet."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1440, "height": 900})
    server = urlparse(live_server).netloc

    def route(r: Any) -> None:
        url = r.request.url
        if urlparse(url).netloc == server or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            probe.external_requests.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda exc: probe.page_errors.append(str(exc)))
    page.on("console", lambda msg: probe.console_errors.append(msg.text) if msg.type == "error" else None)
    try:
        yield page
    finally:
        context.close()
