"""The business-domain packages, in menu order, and how the platform finds their parts.

A domain package ``yingji.<name>`` may provide ``models`` (SQLAlchemy), ``views.router``
(JSON API), ``pages.router`` (web pages) and ``seed.load(ctx)`` (its part of the demo).
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

DOMAINS = ["risk", "hazards", "enforcement"]


def domain_module(domain: str, name: str) -> ModuleType | None:
    module = f"yingji.{domain}.{name}"
    if importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module)


def domain_modules(name: str) -> list[ModuleType]:
    return [m for d in DOMAINS if (m := domain_module(d, name)) is not None]
