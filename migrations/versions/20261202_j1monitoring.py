"""monitoring: device types, points, telemetry, latest values, rules, alarms, dead letters

Revision ID: j1monitoring
Revises: h2incidents
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql  # noqa: F401

import yingji.core.db  # noqa: F401

revision: str = 'j1monitoring'
down_revision: str | None = 'h2incidents'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('monitoring_dead_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('device_code', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_dead_letters'))
    )
    op.create_index(op.f('ix_monitoring_dead_letters_device_code'), 'monitoring_dead_letters', ['device_code'], unique=False)
    op.create_index(op.f('ix_monitoring_dead_letters_reason'), 'monitoring_dead_letters', ['reason'], unique=False)
    op.create_index(op.f('ix_monitoring_dead_letters_received_at'), 'monitoring_dead_letters', ['received_at'], unique=False)
    op.create_table('monitoring_latest',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('ts', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('point_id', 'metric', name=op.f('pk_monitoring_latest'))
    )
    op.create_index(op.f('ix_monitoring_latest_ts'), 'monitoring_latest', ['ts'], unique=False)
    op.create_table('monitoring_readings',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('ts', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('point_id', 'metric', 'ts', name=op.f('pk_monitoring_readings'))
    )
    op.create_index('ix_monitoring_readings_ts', 'monitoring_readings', ['ts'], unique=False)
    op.create_table('monitoring_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('device_type', sa.String(length=32), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('risk_source_id', sa.Integer(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('rules_override', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_monitoring_points_division_code_divisions')),
    sa.ForeignKeyConstraint(['risk_source_id'], ['risk_sources.id'], name=op.f('fk_monitoring_points_risk_source_id_risk_sources'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_monitoring_points_unit_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_points')),
    sa.UniqueConstraint('code', name=op.f('uq_monitoring_points_code'))
    )
    op.create_index(op.f('ix_monitoring_points_device_type'), 'monitoring_points', ['device_type'], unique=False)
    op.create_index(op.f('ix_monitoring_points_division_code'), 'monitoring_points', ['division_code'], unique=False)
    op.create_index(op.f('ix_monitoring_points_risk_source_id'), 'monitoring_points', ['risk_source_id'], unique=False)
    op.create_index(op.f('ix_monitoring_points_unit_id'), 'monitoring_points', ['unit_id'], unique=False)
    op.create_table('monitoring_alarms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('device_type', sa.String(length=32), nullable=False),
    sa.Column('rule_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('risk_source_id', sa.Integer(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('raised_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('repeat_count', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
    sa.Column('handled_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handled_by', sa.String(length=64), nullable=True),
    sa.Column('handle_note', sa.Text(), nullable=False),
    sa.Column('closed_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.Column('escalated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('notices', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['point_id'], ['monitoring_points.id'], name=op.f('fk_monitoring_alarms_point_id_monitoring_points'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_alarms'))
    )
    op.create_index(op.f('ix_monitoring_alarms_closed_at'), 'monitoring_alarms', ['closed_at'], unique=False)
    op.create_index(op.f('ix_monitoring_alarms_device_type'), 'monitoring_alarms', ['device_type'], unique=False)
    op.create_index(op.f('ix_monitoring_alarms_division_code'), 'monitoring_alarms', ['division_code'], unique=False)
    op.create_index(op.f('ix_monitoring_alarms_kind'), 'monitoring_alarms', ['kind'], unique=False)
    op.create_index(op.f('ix_monitoring_alarms_level'), 'monitoring_alarms', ['level'], unique=False)
    op.create_index(op.f('ix_monitoring_alarms_point_id'), 'monitoring_alarms', ['point_id'], unique=False)
    op.create_index(op.f('ix_monitoring_alarms_raised_at'), 'monitoring_alarms', ['raised_at'], unique=False)
    op.create_index(op.f('ix_monitoring_alarms_risk_source_id'), 'monitoring_alarms', ['risk_source_id'], unique=False)
    op.create_index(op.f('ix_monitoring_alarms_state'), 'monitoring_alarms', ['state'], unique=False)
    op.create_index(op.f('ix_monitoring_alarms_unit_id'), 'monitoring_alarms', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_monitoring_alarms_unit_id'), table_name='monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_alarms_state'), table_name='monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_alarms_risk_source_id'), table_name='monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_alarms_raised_at'), table_name='monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_alarms_point_id'), table_name='monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_alarms_level'), table_name='monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_alarms_kind'), table_name='monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_alarms_division_code'), table_name='monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_alarms_device_type'), table_name='monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_alarms_closed_at'), table_name='monitoring_alarms')
    op.drop_table('monitoring_alarms')
    op.drop_index(op.f('ix_monitoring_points_unit_id'), table_name='monitoring_points')
    op.drop_index(op.f('ix_monitoring_points_risk_source_id'), table_name='monitoring_points')
    op.drop_index(op.f('ix_monitoring_points_division_code'), table_name='monitoring_points')
    op.drop_index(op.f('ix_monitoring_points_device_type'), table_name='monitoring_points')
    op.drop_table('monitoring_points')
    op.drop_index('ix_monitoring_readings_ts', table_name='monitoring_readings')
    op.drop_table('monitoring_readings')
    op.drop_index(op.f('ix_monitoring_latest_ts'), table_name='monitoring_latest')
    op.drop_table('monitoring_latest')
    op.drop_index(op.f('ix_monitoring_dead_letters_received_at'), table_name='monitoring_dead_letters')
    op.drop_index(op.f('ix_monitoring_dead_letters_reason'), table_name='monitoring_dead_letters')
    op.drop_index(op.f('ix_monitoring_dead_letters_device_code'), table_name='monitoring_dead_letters')
    op.drop_table('monitoring_dead_letters')
