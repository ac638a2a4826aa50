"""The Alembic migrations build exactly the schema the models declare, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import yingji.models  # noqa: F401  (complete metadata)
from yingji.core.db import Base


def test_migrations_match_the_models(database):
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], "models and migrations differ (write a migration):\n" + "\n".join(map(str, diff))
