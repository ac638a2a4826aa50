"""The packages of the platform above the core, in dependency order, and how their parts are found.

``SHARED`` packages hold what several domains refer to (the units/enterprises today; facilities
and the road network later); ``DOMAINS`` are the business domains, in dependency (and menu) order:
each may import the packages listed before it, never one listed after it — the import-linter
contracts in ``.importlinter`` enforce this in the test command. A package ``yingji.<name>`` may
provide ``models`` (SQLAlchemy), ``views.router`` (JSON API), ``pages.router`` (web pages),
``handlers`` (in-transaction hook handlers, :mod:`yingji.core.hooks`) and ``seed.load(ctx)``
(its part of the demo, run in this order).
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

SHARED = ["units", "places", "routing"]
DOMAINS = ["risk", "hazards", "enforcement", "duty", "monitoring", "elevators", "broadcast", "warnings", "incidents", "plans",
           "dispatch"]
PACKAGES = SHARED + DOMAINS


def domain_module(domain: str, name: str) -> ModuleType | None:
    module = f"yingji.{domain}.{name}"
    if importlib.util.find_spec(f"yingji.{domain}") is None or importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module)


def domain_modules(name: str) -> list[ModuleType]:
    return [m for d in PACKAGES if (m := domain_module(d, name)) is not None]
