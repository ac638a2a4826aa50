"""incidents and duty: calls, incidents, grades, reports, duty roster and log

Revision ID: h2incidents
Revises: h1places
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import yingji.core.db  # noqa: F401

revision: str = 'h2incidents'
down_revision: str | None = 'h1places'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
