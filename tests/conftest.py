"""Shared test fixtures: throw-away databases on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PG_ADMIN_URL = os.environ.get("YINGJI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@dataclass
class TestDatabase:
    backend: str
    url: str


def _pg_available() -> bool:
    import psycopg

    try:
        with psycopg.connect(_plain(PG_ADMIN_URL), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session")
def reference_data():  # type: ignore[no-untyped-def]
    """The Fuzhou divisions and datasets (built once per test session)."""
    from yingji.core.division_data import build_fuzhou

    return build_fuzhou()


def make_database(backend: str, tmp: Path) -> Iterator[TestDatabase]:
    if backend == "sqlite":
        yield TestDatabase("sqlite", f"sqlite:///{tmp / 'test.db'}")
        return
    import psycopg

    if not _pg_available():
        if os.environ.get("CI") or os.environ.get("YINGJI_REQUIRE_SERVICES"):
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 but CI requires it")
        pytest.skip("PostgreSQL not reachable")
    name = "yingji_test_" + secrets.token_hex(4)
    with psycopg.connect(_plain(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield TestDatabase("postgresql", PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    finally:
        with psycopg.connect(_plain(PG_ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def migrated_database(backend: str, tmp: Path) -> Iterator[Any]:
    """A brand-new database of ``backend`` with every migration applied (dropped afterwards)."""
    from yingji.core.db import Database
    from yingji.core.migrate import upgrade

    gen = make_database(backend, tmp)
    test_db = next(gen)
    upgrade(test_db.url)
    db = Database(test_db.url)
    try:
        yield db
    finally:
        db.dispose()
        for _ in gen:
            pass
