"""elevators: registry, running state, trapped-passenger rescues

Revision ID: j2elevators
Revises: j1monitoring
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import yingji.core.db  # noqa: F401

revision: str = 'j2elevators'
down_revision: str | None = 'j1monitoring'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('elevators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_code', sa.String(length=32), nullable=False),
    sa.Column('device_code', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('building', sa.String(length=200), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('user_unit_id', sa.Integer(), nullable=True),
    sa.Column('maintenance_company', sa.String(length=200), nullable=False),
    sa.Column('maintenance_phone', sa.String(length=32), nullable=False),
    sa.Column('last_inspection', sa.Date(), nullable=True),
    sa.Column('running', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('stuck_since', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('faults', sa.Integer(), nullable=False),
    sa.Column('trips', sa.Integer(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_elevators_division_code_divisions')),
    sa.ForeignKeyConstraint(['user_unit_id'], ['units.id'], name=op.f('fk_elevators_user_unit_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elevators')),
    sa.UniqueConstraint('device_code', name=op.f('uq_elevators_device_code')),
    sa.UniqueConstraint('registration_code', name=op.f('uq_elevators_registration_code'))
    )
    op.create_index(op.f('ix_elevators_division_code'), 'elevators', ['division_code'], unique=False)
    op.create_index(op.f('ix_elevators_maintenance_company'), 'elevators', ['maintenance_company'], unique=False)
    op.create_index(op.f('ix_elevators_user_unit_id'), 'elevators', ['user_unit_id'], unique=False)
    op.create_table('elevator_rescues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('elevator_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('maintenance_company', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('detected_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('notified_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('arrival_deadline', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('arrived_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('released_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notices', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['elevator_id'], ['elevators.id'], name=op.f('fk_elevator_rescues_elevator_id_elevators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elevator_rescues'))
    )
    op.create_index(op.f('ix_elevator_rescues_detected_at'), 'elevator_rescues', ['detected_at'], unique=False)
    op.create_index(op.f('ix_elevator_rescues_division_code'), 'elevator_rescues', ['division_code'], unique=False)
    op.create_index(op.f('ix_elevator_rescues_elevator_id'), 'elevator_rescues', ['elevator_id'], unique=False)
    op.create_index(op.f('ix_elevator_rescues_maintenance_company'), 'elevator_rescues', ['maintenance_company'], unique=False)
    op.create_index(op.f('ix_elevator_rescues_state'), 'elevator_rescues', ['state'], unique=False)
    op.create_index(op.f('ix_elevator_rescues_unit_id'), 'elevator_rescues', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_elevator_rescues_unit_id'), table_name='elevator_rescues')
    op.drop_index(op.f('ix_elevator_rescues_state'), table_name='elevator_rescues')
    op.drop_index(op.f('ix_elevator_rescues_maintenance_company'), table_name='elevator_rescues')
    op.drop_index(op.f('ix_elevator_rescues_elevator_id'), table_name='elevator_rescues')
    op.drop_index(op.f('ix_elevator_rescues_division_code'), table_name='elevator_rescues')
    op.drop_index(op.f('ix_elevator_rescues_detected_at'), table_name='elevator_rescues')
    op.drop_table('elevator_rescues')
    op.drop_index(op.f('ix_elevators_user_unit_id'), table_name='elevators')
    op.drop_index(op.f('ix_elevators_maintenance_company'), table_name='elevators')
    op.drop_index(op.f('ix_elevators_division_code'), table_name='elevators')
    op.drop_table('elevators')
