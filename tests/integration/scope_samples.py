"""What the jurisdiction walk (test_scope_walk.py) needs to reach every route.

Each domain registers here, for its routes:
- ``PATH_SAMPLES[param]``: makes a record inside county A (鼓楼区 350102, township 350102001)
  and returns the value for that path parameter;
- ``WRITE_BODIES[(method, path)]``: a request body that would be valid, aimed at county A.
The walk fails for any route whose parameters or body are not registered, so a new route
cannot escape the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yingji.core.actions import create_token, create_user
from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.core.schemas import UserIn

COUNTY_A = "350102"
TOWNSHIP_A = "350102001"

Sample = Callable[[Database, dict[str, Any]], Any]


def _user(db: Database, ctx: dict[str, Any]) -> int:
    if "user_id" not in ctx:
        with db.session() as s:
            user = create_user(s, system_principal(), UserIn(
                username=f"walk_target_{id(ctx) % 100000}", display_name="辖区A用户", role="township_officer",
                scope_code=TOWNSHIP_A, password="walk-target-pw"))
            token, _ = create_token(s, system_principal(), user.id, "walk", scope="write")
        ctx["user_id"], ctx["token_id"] = user.id, token.id
    return ctx["user_id"]


def _token(db: Database, ctx: dict[str, Any]) -> int:
    _user(db, ctx)
    return ctx["token_id"]


PATH_SAMPLES: dict[str, Sample] = {
    "code": lambda db, ctx: TOWNSHIP_A,
    "user_id": _user,
    "token_id": _token,
}

WRITE_BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("POST", "/api/v1/users"): lambda ctx: {"username": "walk_new_user", "display_name": "越权", "role": "leader",
                                            "scope_code": TOWNSHIP_A, "password": "0123456789ab"},
    ("PATCH", "/api/v1/users/{user_id}"): lambda ctx: {"display_name": "越权修改"},
    ("DELETE", "/api/v1/users/{user_id}"): lambda ctx: None,
    ("POST", "/api/v1/users/{user_id}/tokens"): lambda ctx: {"name": "越权令牌"},
    ("DELETE", "/api/v1/users/{user_id}/tokens/{token_id}"): lambda ctx: None,
    ("POST", "/api/v1/divisions/import"): lambda ctx: {
        "__files__": {"file": ("a.csv", f"code,name,population\n{TOWNSHIP_A},越权,1\n".encode(), "text/csv")},
        "__data__": {"mode": "valid_only"}},
}

# routes that act on the caller themself or need no login
PUBLIC = {"/api/v1/auth/login", "/api/v1/auth/logout", "/healthz", "/metrics"}
SELF = {"/api/v1/auth/me", "/api/v1/auth/password", "/api/v1/auth/sessions", "/api/v1/auth/sessions/{session_id}"}
STREAMS = {"/api/v1/events/stream"}  # covered by test_event_stream_delivers_in_scope_events_only
# bulk imports answer 200 with a row-by-row report; out of scope they must commit nothing
BULK_REPORTS = {("POST", "/api/v1/divisions/import")}
# pages anyone may open without login (a package's public pages, e.g. the active warnings): not walked
PUBLIC_PAGES: set[str] = set()


def _load_domain_samples() -> None:
    """Each domain adds its samples in tests/integration/samples_<domain>.py (PATH_SAMPLES,
    WRITE_BODIES, and optionally BULK_REPORTS, STREAMS)."""
    import importlib
    import importlib.util

    from yingji.domains import PACKAGES

    for domain in PACKAGES:
        name = f"tests.integration.samples_{domain}"
        if importlib.util.find_spec(name) is None:
            continue
        mod = importlib.import_module(name)
        PATH_SAMPLES.update(getattr(mod, "PATH_SAMPLES", {}))
        WRITE_BODIES.update(getattr(mod, "WRITE_BODIES", {}))
        BULK_REPORTS.update(getattr(mod, "BULK_REPORTS", set()))
        STREAMS.update(getattr(mod, "STREAMS", set()))
        PUBLIC_PAGES.update(getattr(mod, "PUBLIC_PAGES", set()))


_loaded = False


def load() -> None:
    """Merge every domain's samples into the tables above, once, at test time: a samples module that
    another test module imported first (and that imports this one) is only complete by then."""
    global _loaded
    if not _loaded:
        _load_domain_samples()
        _loaded = True
