"""plans and dispatch: contingency plans, versions, activations and tasks, drills; dispatch orders

Revision ID: i2plans
Revises: i1routing
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import yingji.core.db  # noqa: F401

revision: str = 'i2plans'
down_revision: str | None = 'i1routing'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
