"""The web shell: base layout, login, map home page and domain landing pages.

Everything the browser needs is served by the application itself: our own assets under
``/static`` (:data:`STATIC_DIR`) and the pinned npm packages of ``frontend/`` under
``/vendor`` (``Settings.frontend_dir``; install with ``npm ci --prefix frontend``).
No CDN, no online map tiles: the platform runs on an isolated government network.
"""

from __future__ import annotations

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "WEB_DIR"]
