"""The README's screenshots, reproducibly: a fresh demo (``yingji db upgrade``, ``yingji demo load``,
``yingji serve`` on a temporary SQLite file), a city duty officer's home page and the risk map, taken by
Chromium (readable Chinese needs ``apt-get install -y fonts-noto-cjk``) and saved, palette-reduced, as
small PNGs under docs/img/.

    .venv/bin/python scripts/screenshots.py [--out docs/img]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image
from playwright.sync_api import sync_playwright
from tests.e2e.conftest import ADMIN_PASSWORD, CHROMIUM, CHROMIUM_ARGS, serve
from tests.e2e.helpers import call_api, login, wait_booted

PASSWORD = "Shot-Pass-2026x"
SHOTS = [  # (file, path, what to wait for)
    ("home.png", "/", "#home-cards[data-loaded]"),
    ("risk-map.png", "/supervision/risk-map", "#map[data-state=ready]"),
]


def small_png(png: bytes, colours: int = 128) -> bytes:
    """The screenshot with an adaptive palette (a map and a UI need far fewer than 16 M colours)."""
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT,
                                                                 dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("YINGJI_E2E_CHROMIUM", CHROMIUM), headless=True,
                                     args=[*CHROMIUM_ARGS, "--lang=zh-CN"])
        page = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 860},
                                   device_scale_factor=1).new_page()
        login(page, base, "admin", ADMIN_PASSWORD)
        call_api(page, "/users", {"username": "duty_shot", "display_name": "市应急局值班员", "role": "city_duty",
                                  "scope_code": "350100", "password": PASSWORD}, "POST")
        page.context.clear_cookies()
        login(page, base, "duty_shot", PASSWORD)
        for name, path, ready in SHOTS:
            page.goto(f"{base}{path}")
            wait_booted(page)
            page.wait_for_selector(ready, timeout=60_000)
            page.wait_for_timeout(1500)  # let the map's fly-to and label placement settle (a picture, not a test)
            data = small_png(page.screenshot())
            (args.out / name).write_bytes(data)
            print(f"{args.out / name}: {len(data) / 1024:.0f} KB")
        browser.close()


if __name__ == "__main__":
    main()
