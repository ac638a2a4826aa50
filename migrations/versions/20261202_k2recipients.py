"""warnings delivery: recipients, terminals, deliveries

Revision ID: k2recipients
Revises: k1warnings
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yingji.core.db

revision: str = 'k2recipients'
down_revision: str | None = 'k1warnings'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'broadcast_recipients',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=True),
        sa.Column('division_code', sa.String(length=12), nullable=False),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('located', sa.Boolean(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('address', sa.String(length=128), nullable=False),
        sa.Column('population', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('synthetic', sa.Boolean(), nullable=False),
        sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_broadcast_recipients_kind'), 'broadcast_recipients', ['kind'], unique=False)
    op.create_index(op.f('ix_broadcast_recipients_division_code'), 'broadcast_recipients', ['division_code'],
                    unique=False)
    op.create_index(op.f('ix_broadcast_recipients_updated_at'), 'broadcast_recipients', ['updated_at'], unique=False)
    op.create_table(
        'broadcast_campaigns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_key', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('division_code', sa.String(length=12), nullable=False),
        sa.Column('area', yingji.core.db.JSONType, nullable=False),
        sa.Column('severity_colour', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('officials_first', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('published_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('targeted_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('targeted', sa.Integer(), nullable=False),
        sa.Column('targeted_population', sa.Integer(), nullable=False),
        sa.Column('officials', sa.Integer(), nullable=False),
        sa.Column('delivered', sa.Integer(), nullable=False),
        sa.Column('delivered_population', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('officials_delivered', sa.Integer(), nullable=False),
        sa.Column('officials_done_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('public_p90_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_key', 'version', name='uq_broadcast_campaign_version'),
    )
    op.create_index(op.f('ix_broadcast_campaigns_message_key'), 'broadcast_campaigns', ['message_key'], unique=False)
    op.create_index(op.f('ix_broadcast_campaigns_division_code'), 'broadcast_campaigns', ['division_code'],
                    unique=False)
    op.create_index(op.f('ix_broadcast_campaigns_state'), 'broadcast_campaigns', ['state'], unique=False)
    op.create_index(op.f('ix_broadcast_campaigns_published_at'), 'broadcast_campaigns', ['published_at'],
                    unique=False)
    op.create_table(
        'broadcast_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('recipient_key', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('address', sa.String(length=128), nullable=False),
        sa.Column('division_code', sa.String(length=12), nullable=False),
        sa.Column('population', sa.Integer(), nullable=False),
        sa.Column('priority', sa.SmallInteger(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('lease_owner', sa.String(length=40), nullable=True),
        sa.Column('lease_until', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['broadcast_campaigns.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('campaign_id', 'recipient_key', name='uq_broadcast_delivery_recipient'),
    )
    op.create_index('ix_broadcast_deliveries_queue', 'broadcast_deliveries', ['state', 'priority', 'next_attempt_at',
                                                                                   'id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_broadcast_deliveries_queue', table_name='broadcast_deliveries')
    op.drop_table('broadcast_deliveries')
    for name in ('published_at', 'state', 'division_code', 'message_key'):
        op.drop_index(op.f(f'ix_broadcast_campaigns_{name}'), table_name='broadcast_campaigns')
    op.drop_table('broadcast_campaigns')
    for name in ('updated_at', 'division_code', 'kind'):
        op.drop_index(op.f(f'ix_broadcast_recipients_{name}'), table_name='broadcast_recipients')
    op.drop_table('broadcast_recipients')
