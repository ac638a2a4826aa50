"""Integration fixtures: the HTTP API on SQLite AND PostgreSQL, with the Fuzhou divisions loaded.

One database per backend per test session (migrated with Alembic, then loaded); tests
create what they need with unique names, so they do not depend on each other.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_database
from yingji.app import create_app
from yingji.config import Settings
from yingji.core.actions import create_token, create_user, load_reference
from yingji.core.auth import role_can_write, system_principal
from yingji.core.db import Database
from yingji.core.migrate import upgrade
from yingji.core.schemas import UserIn

_counter = itertools.count(1)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory, reference_data) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp(request.param)
    gen = make_database(request.param, tmp)
    test_db = next(gen)
    upgrade(test_db.url)
    db = Database(test_db.url)
    divisions, datasets = reference_data
    with db.session() as s:
        load_reference(s, system_principal(), divisions, datasets)
    yield db
    db.dispose()
    for _ in gen:
        pass


@pytest.fixture(scope="session")
def app(database, tmp_path_factory):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"))
    return create_app(settings, database=database, start_background=False)


@pytest.fixture(scope="session")
def backend(database) -> str:  # type: ignore[no-untyped-def]
    return "sqlite" if database.is_sqlite else "postgresql"


@pytest.fixture
def anon(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}_{id(object()) % 100000}"


@pytest.fixture(scope="session")
def make_user(database):  # type: ignore[no-untyped-def]
    """Create a user with a role and scope; returns (user, api token)."""

    def factory(role: str = "city_duty", scope: str = "350100", unit_id: int | None = None):  # type: ignore[no-untyped-def]
        with database.session() as s:
            user = create_user(s, system_principal(), UserIn(
                username=unique("u"), display_name="测试用户", role=role, scope_code=scope,
                unit_id=unit_id, password="correct-horse-1"))
            _, token = create_token(s, system_principal(), user.id, "test",
                                    scope="write" if role_can_write(role) else "read")
        return user, token

    return factory


@pytest.fixture(scope="session")
def client_for(app, make_user) -> Callable[..., TestClient]:  # type: ignore[no-untyped-def]
    """A TestClient authenticated (Bearer token) as a new user of the given role and scope."""
    clients: list[TestClient] = []

    def factory(role: str = "admin", scope: str = "350100", unit_id: int | None = None) -> TestClient:
        user, token = make_user(role, scope, unit_id)
        client = TestClient(app, raise_server_exceptions=False,
                            headers={"Authorization": f"Bearer {token}"})
        client.user = user  # type: ignore[attr-defined]
        clients.append(client)
        return client

    yield factory
    for c in clients:
        c.close()


@pytest.fixture(scope="session")
def live_url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by a real uvicorn on a free loopback port (for streaming responses)."""
    import socket
    import threading

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(1000):  # bounded wait for start-up
        if server.started:
            started.set()
            break
        started.wait(0.01)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
