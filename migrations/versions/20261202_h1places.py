"""places: the gazetteer (names, aliases, points) and its imports

Revision ID: h1places
Revises: g8ux_todo_notices
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import yingji.core.db

revision: str = 'h1places'
down_revision: str | None = 'g8ux_todo_notices'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('aliases', _JSON, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('geometry', _JSON, nullable=True),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('county_code', sa.String(length=12), nullable=True),
    sa.Column('township_code', sa.String(length=12), nullable=True),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places'))
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_places_county_code'), ['county_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_source'), ['source'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_places_source'))
        batch_op.drop_index(batch_op.f('ix_places_name'))
        batch_op.drop_index(batch_op.f('ix_places_kind'))
        batch_op.drop_index(batch_op.f('ix_places_division_code'))
        batch_op.drop_index(batch_op.f('ix_places_county_code'))
    op.drop_table('places')
