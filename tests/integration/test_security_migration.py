"""The security migration gives the tokens of the old schema a scope and an expiry (both databases)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Boolean, Integer, String, column, create_engine, func, insert, select, table

from tests.conftest import make_database
from yingji.core.db import UTCDateTime, utcnow
from yingji.core.migrate import upgrade

# the tables as the old schema (revision e4outbox) had them, as far as this test needs
divisions = table("divisions", column("code", String), column("name", String), column("level", String),
                  column("synthetic", Boolean), column("updated_at", UTCDateTime()))
users = table("users", column("id", Integer), column("username", String), column("display_name", String),
              column("password_hash", String), column("role", String), column("scope_code", String),
              column("active", Boolean), column("session_version", Integer), column("created_at", UTCDateTime()),
              column("updated_at", UTCDateTime()))
tokens = table("api_tokens", column("user_id", Integer), column("name", String), column("token_hash", String),
               column("token_hint", String), column("created_at", UTCDateTime()), column("scope", String),
               column("expires_at", UTCDateTime()))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_old_tokens_keep_working_but_now_expire(backend, tmp_path):
    gen = make_database(backend, tmp_path)
    url = next(gen).url
    try:
        upgrade(url, "e4outbox")  # the schema before tokens had a scope and an expiry
        engine = create_engine(url)
        now = utcnow()
        with engine.begin() as conn:
            conn.execute(insert(divisions).values(code="350100", name="福州市", level="city", synthetic=False,
                                                  updated_at=now))
            conn.execute(insert(users).values(id=1, username="old", display_name="old", password_hash="x",
                                              role="admin", scope_code="350100", active=True, session_version=1,
                                              created_at=now, updated_at=now))
            conn.execute(insert(tokens).values(user_id=1, name="cron", token_hash="0" * 64, token_hint="yj_abc…",
                                               created_at=now))
        engine.dispose()
        before = utcnow()
        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            scope, expires = conn.execute(select(tokens.c.scope, tokens.c.expires_at)).one()
            assert conn.scalar(select(func.count()).select_from(table("user_sessions"))) == 0
            assert conn.scalar(select(func.count()).select_from(table("login_throttle"))) == 0
        engine.dispose()
        assert scope == "write"  # what it could do before; the owner's role still limits it
        assert timedelta(days=90) <= expires - before < timedelta(days=90, minutes=5)
    finally:
        for _ in gen:
            pass
