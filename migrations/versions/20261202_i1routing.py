"""routing and forces: road closures, stations, teams, vehicles, experts

Revision ID: i1routing
Revises: g8ux_todo_notices
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import yingji.core.db  # noqa: F401

revision: str = 'i1routing'
down_revision: str | None = 'g8ux_todo_notices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
