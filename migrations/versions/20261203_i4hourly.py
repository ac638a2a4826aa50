"""monitoring: hourly (down-sampled) history

Revision ID: i4hourly
Revises: i4alarmnotices
Create Date: 2026-12-03 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yingji.core.db

revision: str = 'i4hourly'
down_revision: str | None = 'i4alarmnotices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('monitoring_hourly',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('hour', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('vmin', sa.Float(), nullable=False),
    sa.Column('vmax', sa.Float(), nullable=False),
    sa.Column('vsum', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('point_id', 'metric', 'hour', name=op.f('pk_monitoring_hourly'))
    )
    op.create_index('ix_monitoring_hourly_hour', 'monitoring_hourly', ['hour'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_monitoring_hourly_hour', table_name='monitoring_hourly')
    op.drop_table('monitoring_hourly')
