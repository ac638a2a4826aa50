"""Static assets of the shell and of every domain, served under ``/static`` with a version in the path.

The shell keeps the shared code in ``yingji/web/static`` (``css/``, ``img/``, ``js/``); each domain
package may ship its own ``yingji/<domain>/static`` folder, served under ``/static/<domain>/``
(discovered like the domains' templates, see :data:`yingji.domains.PACKAGES`).

The pages load native ES modules without a build step, so one module imports the next by a
*relative* URL (``import { el } from '../lib/dom.js'``). A ``?v=`` query on the first module
would not reach the modules it imports; the version therefore sits in the path:
``/static/v/<version>/risk/js/map.js`` imports ``../../js/lib/dom.js`` and gets
``/static/v/<version>/js/lib/dom.js`` — every file of one page comes from the same release.
The version is a hash of the names, sizes and modification times of all asset files, so any
change makes new URLs; versioned responses may be cached for a year (``immutable``), the
plain ``/static/<path>`` URLs are revalidated on every use.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import threading
import time
from pathlib import Path

from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from yingji.web import STATIC_DIR

VERSION_PREFIX = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_SHELL_FOLDERS = {"css", "img", "js", VERSION_PREFIX}


def domain_static_dirs() -> dict[str, Path]:
    """``{domain: folder}`` for every domain package that ships a ``static/`` folder."""
    # the composition root lists the packages; imported by name because the shell lies below them
    packages = importlib.import_module("yingji.domains").PACKAGES
    found: dict[str, Path] = {}
    for domain in packages:
        spec = importlib.util.find_spec(f"yingji.{domain}")
        for location in (spec.submodule_search_locations or []) if spec else []:
            folder = Path(location) / "static"
            if folder.is_dir():
                if domain in _SHELL_FOLDERS:  # pragma: no cover - a naming mistake, caught at start-up
                    raise RuntimeError(f"domain {domain!r} clashes with the shell's /static/{domain}/ folder")
                found[domain] = folder
                break
    return found


def static_roots() -> dict[str, Path]:
    """Every asset folder: ``""`` is the shell, the other keys are domain names."""
    return {"": STATIC_DIR, **domain_static_dirs()}


class _Version:
    """Hash of every asset file's name, size and mtime, recomputed at most every ``ttl`` seconds."""

    def __init__(self, ttl: float = 2.0) -> None:
        self.ttl = ttl
        self._value = ""
        self._at = -1e9
        self._lock = threading.Lock()

    def get(self) -> str:
        now = time.monotonic()
        if now - self._at > self.ttl:
            with self._lock:
                if now - self._at > self.ttl:
                    self._value = self.compute()
                    self._at = now
        return self._value

    @staticmethod
    def compute() -> str:
        digest = hashlib.sha256()
        for name, root in sorted(static_roots().items()):
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames.sort()
                for filename in sorted(filenames):
                    path = Path(dirpath) / filename
                    try:
                        st = path.stat()
                    except OSError:
                        continue
                    rel = path.relative_to(root).as_posix()
                    digest.update(f"{name}/{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return digest.hexdigest()[:12]


asset_version = _Version()


class StaticAssets:
    """ASGI app for ``/static``: ``[v/<version>/][<domain>/]<path>`` → the matching folder."""

    def __init__(self, roots: dict[str, Path] | None = None) -> None:
        self.files = {name: StaticFiles(directory=folder) for name, folder in (roots or static_roots()).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = [p for p in _route_path(scope).split("/") if p]
        versioned = len(parts) > 2 and parts[0] == VERSION_PREFIX
        if versioned:
            parts = parts[2:]
        root = parts[0] if len(parts) > 1 and parts[0] in self.files and parts[0] else ""
        if root:
            parts = parts[1:]
        path = os.path.normpath(os.path.join(*parts)) if parts else "."
        response = await self.files[root].get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE if versioned else REVALIDATE
        await response(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The request path below the mount point (``scope["root_path"]`` ends with ``/static``)."""
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    return path[len(root_path):] if root_path and path.startswith(root_path) else path


def versioned_path(path: str) -> str:
    """``risk/js/map.js`` → ``/static/v/<version>/risk/js/map.js`` (without the root path)."""
    return f"/static/{VERSION_PREFIX}/{asset_version.get()}/{path.lstrip('/')}"


__all__ = ["StaticAssets", "asset_version", "domain_static_dirs", "static_roots", "versioned_path"]
