"""routing and forces: road closures, stations, teams, vehicles, experts

Revision ID: i1routing
Revises: k2recipients
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import yingji.core.db

revision: str = 'i1routing'
down_revision: str | None = 'k2recipients'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # routing
    op.create_table('routing_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('speed_factor', sa.Float(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('link_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('polygon', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('links_affected', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reopened_by', sa.String(length=64), nullable=True),
    sa.Column('reopened_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_routing_closures_division_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_closures'))
    )
    with op.batch_alter_table('routing_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_closures_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_routing_closures_state'), ['state'], unique=False)
    # (end routing)


def downgrade() -> None:
    # routing
    with op.batch_alter_table('routing_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_closures_state'))
        batch_op.drop_index(batch_op.f('ix_routing_closures_division_code'))
    op.drop_table('routing_closures')
