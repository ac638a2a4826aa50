"""elevators: registry, running state, trapped-passenger rescues

Revision ID: j2elevators
Revises: j1monitoring
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import yingji.core.db  # noqa: F401

revision: str = 'j2elevators'
down_revision: str | None = 'j1monitoring'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
