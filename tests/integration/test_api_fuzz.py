"""Property-based fuzzing of the whole API from its OpenAPI description (schemathesis).

Every operation is called with generated valid and invalid input on a throw-away database: as an
administrator on each backend, as a county officer (PostgreSQL) and as an enterprise manager
(SQLite) — the permission and jurisdiction paths must not 5xx either. The API must never answer 5xx.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import make_database
from yingji.app import create_app
from yingji.config import Settings
from yingji.core.actions import create_token, create_user, load_reference
from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.core.migrate import upgrade
from yingji.core.schemas import UserIn
from yingji.units.actions import create_unit
from yingji.units.schemas import UnitIn

STREAMING = "/api/v1/events/stream"


ROLES = [("sqlite", "admin", "350100"), ("postgresql", "admin", "350100"),
         ("postgresql", "county_officer", "350102"), ("sqlite", "enterprise_manager", "350102001")]


@pytest.fixture(scope="module", params=ROLES, ids=["-".join(r[:2]) for r in ROLES])
def fuzz_env(request, tmp_path_factory, reference_data):  # type: ignore[no-untyped-def]
    backend, role, scope = request.param
    tmp = tmp_path_factory.mktemp(f"fuzz-{backend}-{role}")
    gen = make_database(backend, tmp)
    test_db = next(gen)
    upgrade(test_db.url)
    database = Database(test_db.url)
    with database.session() as s:
        load_reference(s, system_principal(), *reference_data)
        unit_id = None
        if role == "enterprise_manager":
            unit = create_unit(s, system_principal(), UnitIn(name="模糊测试企业", credit_code="91350102FUZZ00001X",
                                                             industry="hazchem", division_code=scope))
            unit_id = unit.id
        user = create_user(s, system_principal(), UserIn(username=f"fuzz_{role}", display_name="fuzz", role=role,
                                                         scope_code=scope, unit_id=unit_id, password="fuzz-user-pw-1"))
        _, token = create_token(s, system_principal(), user.id, "fuzz", scope="write")
    app = create_app(Settings(data_dir=tmp), database=database, start_background=False)
    yield app, token
    database.dispose()
    for _ in gen:
        pass


@pytest.fixture(scope="module")
def api_schema(fuzz_env):  # type: ignore[no-untyped-def]
    app, _ = fuzz_env
    return schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path=STREAMING)


def test_api_never_answers_5xx(api_schema, fuzz_env):  # type: ignore[no-untyped-def]
    """Each operation: 30 generated cases (valid and invalid), derandomised for reproducibility."""
    from hypothesis import given

    _, token = fuzz_env
    headers = {"Authorization": "Bearer " + token}
    failures: list[str] = []
    calls: list[int] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 10

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                f"{response.text[:300]}")

        run()
    assert not failures, "\n".join(failures[:20])
    assert len(calls) >= 5 * len(operations)
    assert any(code < 300 for code in calls) and any(code == 422 for code in calls)
