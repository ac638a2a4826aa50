"""supervision listing lift (摘牌): who lifted it and why

Revision ID: d3hzlift
Revises: c2hazards
Create Date: 2026-11-28 16:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd3hzlift'
down_revision: str | None = 'c2hazards'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('supervision_listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lifted_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lift_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('supervision_listings', schema=None) as batch_op:
        batch_op.drop_column('lift_reason')
        batch_op.drop_column('lifted_by')
