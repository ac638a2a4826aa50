"""In-transaction hooks: how an upper domain reacts to a lower one *inside the same transaction*.

Dependencies point one way (docs/architecture.md): ``enforcement`` may import ``hazards``, never
the reverse. When a lower domain's action needs an upper domain to take part in it — validate
something the upper domain owns, write its own rows in the same transaction, refuse the whole
action — the lower domain calls :func:`send` with a hook name and plain data, and the upper
domain registers a handler for that name in its ``handlers.py``::

    # hazards/actions.py (lower): knows nothing of enforcement
    hooks.send(db, actor, "hazards.inspection_recorded", inspection=insp, planned_inspection_id=42)

    # enforcement/handlers.py (upper)
    @hooks.handler("hazards.inspection_recorded")
    def complete_planned_visit(db, actor, *, inspection, planned_inspection_id): ...

A handler runs inside the caller's transaction (``atomic``): what it writes commits or rolls back
with the action, and a :class:`~yingji.core.errors.YingjiError` it raises becomes the action's
answer. Handlers write their own audit records and events, like any action. Post-commit
reactions (notifications, projections) use the outbox events instead (:mod:`yingji.core.events`).

Handlers are discovered from every domain's ``handlers`` module (see :mod:`yingji.domains`) the
first time a hook is sent, so a CLI job, a test or a web worker all see the same set.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

Handler = Callable[..., None]

_HANDLERS: dict[str, list[Handler]] = {}
_discovered = False
_lock = threading.Lock()


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as a handler of hook ``name`` (at import time)."""
    def register(fn: Handler) -> Handler:
        fns = _HANDLERS.setdefault(name, [])
        if fn not in fns:
            fns.append(fn)
        return fn
    return register


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            # the composition root lists the domains; imported by name so core does not depend on it
            importlib.import_module("yingji.domains").domain_modules("handlers")
            _discovered = True


def handlers(name: str) -> list[Handler]:
    _discover()
    return list(_HANDLERS.get(name, ()))


def send(db: Session, actor: Any, name: str, **data: Any) -> int:
    """Run every handler of hook ``name`` in the caller's transaction; returns how many ran."""
    if not db.info.get("in_atomic"):
        raise RuntimeError(f"hook {name!r} sent outside an action's transaction")
    fns = handlers(name)
    for fn in fns:
        fn(db, actor, **data)
    return len(fns)


def collect(db: Session, actor: Any, name: str, **data: Any) -> list[Any]:
    """Ask every handler of a *read* hook ``name`` for a contribution; returns the non-None answers.

    For pages and reads where a lower domain shows something an upper domain owns (e.g. the
    inspection form pre-filled from a planned enforcement visit). Handlers must not write.
    """
    return [r for fn in handlers(name) if (r := fn(db, actor, **data)) is not None]
