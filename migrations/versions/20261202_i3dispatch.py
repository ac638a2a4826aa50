"""dispatch: rescue forces (stations, teams, vehicles, experts) and dispatch orders

Revision ID: i3dispatch
Revises: i2plans
Create Date: 2026-12-02 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import yingji.core.db

revision: str = 'i3dispatch'
down_revision: str | None = 'i2plans'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # dispatch
    op.create_table('dispatch_experts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('specialties', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_dispatch_experts_division_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_experts'))
    )
    with op.batch_alter_table('dispatch_experts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_experts_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_experts_name'), ['name'], unique=False)

    op.create_table('dispatch_forces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('station_level', sa.String(length=16), nullable=False),
    sa.Column('specialties', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('personnel', sa.Integer(), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_dispatch_forces_division_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_forces')),
    sa.UniqueConstraint('code', name=op.f('uq_dispatch_forces_code'))
    )
    with op.batch_alter_table('dispatch_forces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_forces_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_forces_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_forces_name'), ['name'], unique=False)

    op.create_table('dispatch_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('incident_type', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('grade_basis', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('plan_based', sa.Boolean(), nullable=False),
    sa.Column('requirements', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('expert_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('issued_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_dispatch_orders_division_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_orders')),
    sa.UniqueConstraint('code', name=op.f('uq_dispatch_orders_code'))
    )
    with op.batch_alter_table('dispatch_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_orders_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_orders_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_orders_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_orders_status'), ['status'], unique=False)

    op.create_table('dispatch_vehicles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('callsign', sa.String(length=64), nullable=False),
    sa.Column('vehicle_type', sa.String(length=32), nullable=False),
    sa.Column('capabilities', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('crew', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['force_id'], ['dispatch_forces.id'], name=op.f('fk_dispatch_vehicles_force_id_dispatch_forces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_vehicles')),
    sa.UniqueConstraint('callsign', name=op.f('uq_dispatch_vehicles_callsign'))
    )
    with op.batch_alter_table('dispatch_vehicles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_vehicles_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_vehicles_force_id'), ['force_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_vehicles_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_vehicles_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_vehicles_vehicle_type'), ['vehicle_type'], unique=False)

    op.create_table('dispatch_order_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('vehicle_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_type', sa.String(length=32), nullable=False),
    sa.Column('travel_seconds', sa.Float(), nullable=True),
    sa.Column('travel_meters', sa.Float(), nullable=True),
    sa.Column('travel_model', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recommended', sa.Boolean(), nullable=False),
    sa.Column('dispatched_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('departed_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('arrived_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('arrival_seconds', sa.Float(), nullable=True),
    sa.Column('within_standard', sa.Boolean(), nullable=True),
    sa.Column('released_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['dispatch_orders.id'], name=op.f('fk_dispatch_order_units_order_id_dispatch_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vehicle_id'], ['dispatch_vehicles.id'], name=op.f('fk_dispatch_order_units_vehicle_id_dispatch_vehicles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_order_units'))
    )
    with op.batch_alter_table('dispatch_order_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_order_units_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_order_units_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_order_units_vehicle_id'), ['vehicle_id'], unique=False)


def downgrade() -> None:
    # dispatch
    with op.batch_alter_table('dispatch_order_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_order_units_vehicle_id'))
        batch_op.drop_index(batch_op.f('ix_dispatch_order_units_order_id'))
        batch_op.drop_index(batch_op.f('ix_dispatch_order_units_division_code'))

    op.drop_table('dispatch_order_units')
    with op.batch_alter_table('dispatch_vehicles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_vehicles_vehicle_type'))
        batch_op.drop_index(batch_op.f('ix_dispatch_vehicles_status'))
        batch_op.drop_index(batch_op.f('ix_dispatch_vehicles_order_id'))
        batch_op.drop_index(batch_op.f('ix_dispatch_vehicles_force_id'))
        batch_op.drop_index(batch_op.f('ix_dispatch_vehicles_division_code'))

    op.drop_table('dispatch_vehicles')
    with op.batch_alter_table('dispatch_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_orders_status'))
        batch_op.drop_index(batch_op.f('ix_dispatch_orders_issued_at'))
        batch_op.drop_index(batch_op.f('ix_dispatch_orders_incident_id'))
        batch_op.drop_index(batch_op.f('ix_dispatch_orders_division_code'))

    op.drop_table('dispatch_orders')
    with op.batch_alter_table('dispatch_forces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_forces_name'))
        batch_op.drop_index(batch_op.f('ix_dispatch_forces_kind'))
        batch_op.drop_index(batch_op.f('ix_dispatch_forces_division_code'))

    op.drop_table('dispatch_forces')
    with op.batch_alter_table('dispatch_experts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_experts_name'))
        batch_op.drop_index(batch_op.f('ix_dispatch_experts_division_code'))

    op.drop_table('dispatch_experts')
