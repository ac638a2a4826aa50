"""plans and dispatch: contingency plans, versions, activations and tasks, drills; dispatch orders

Revision ID: i2plans
Revises: i1routing
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import yingji.core.db  # noqa: F401

revision: str = 'i2plans'
down_revision: str | None = 'i1routing'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('contingency_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('incident_types', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('filing_no', sa.String(length=64), nullable=True),
    sa.Column('approved_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('filed_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_contingency_plans_division_code_divisions')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_contingency_plans_unit_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contingency_plans'))
    )
    op.create_index(op.f('ix_contingency_plans_division_code'), 'contingency_plans', ['division_code'], unique=False)
    op.create_index(op.f('ix_contingency_plans_incident_types'), 'contingency_plans', ['incident_types'], unique=False)
    op.create_index(op.f('ix_contingency_plans_kind'), 'contingency_plans', ['kind'], unique=False)
    op.create_index(op.f('ix_contingency_plans_level'), 'contingency_plans', ['level'], unique=False)
    op.create_index(op.f('ix_contingency_plans_state'), 'contingency_plans', ['state'], unique=False)
    op.create_index(op.f('ix_contingency_plans_unit_id'), 'contingency_plans', ['unit_id'], unique=False)
    op.create_index(op.f('ix_contingency_plans_updated_at'), 'contingency_plans', ['updated_at'], unique=False)
    op.create_table('plan_activations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('plan_version', sa.Integer(), nullable=False),
    sa.Column('plan_title', sa.String(length=200), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('incident_type', sa.String(length=32), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('response_level', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('resources', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('activated_by', sa.String(length=64), nullable=False),
    sa.Column('activated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_plan_activations_division_code_divisions')),
    sa.ForeignKeyConstraint(['plan_id'], ['contingency_plans.id'], name=op.f('fk_plan_activations_plan_id_contingency_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_activations'))
    )
    op.create_index(op.f('ix_plan_activations_activated_at'), 'plan_activations', ['activated_at'], unique=False)
    op.create_index(op.f('ix_plan_activations_division_code'), 'plan_activations', ['division_code'], unique=False)
    op.create_index(op.f('ix_plan_activations_incident_id'), 'plan_activations', ['incident_id'], unique=False)
    op.create_index(op.f('ix_plan_activations_plan_id'), 'plan_activations', ['plan_id'], unique=False)
    op.create_index(op.f('ix_plan_activations_state'), 'plan_activations', ['state'], unique=False)
    op.create_index(op.f('ix_plan_activations_unit_id'), 'plan_activations', ['unit_id'], unique=False)
    op.create_table('plan_drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('plan_title', sa.String(length=200), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('held_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('scenario', sa.Text(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('findings', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('evaluated_by', sa.String(length=64), nullable=True),
    sa.Column('evaluated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revision_version', sa.Integer(), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_plan_drills_division_code_divisions')),
    sa.ForeignKeyConstraint(['plan_id'], ['contingency_plans.id'], name=op.f('fk_plan_drills_plan_id_contingency_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_drills'))
    )
    op.create_index(op.f('ix_plan_drills_division_code'), 'plan_drills', ['division_code'], unique=False)
    op.create_index(op.f('ix_plan_drills_held_at'), 'plan_drills', ['held_at'], unique=False)
    op.create_index(op.f('ix_plan_drills_plan_id'), 'plan_drills', ['plan_id'], unique=False)
    op.create_index(op.f('ix_plan_drills_unit_id'), 'plan_drills', ['unit_id'], unique=False)
    op.create_table('plan_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['contingency_plans.id'], name=op.f('fk_plan_versions_plan_id_contingency_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_versions')),
    sa.UniqueConstraint('plan_id', 'number', name='uq_plan_versions_plan_number')
    )
    op.create_index(op.f('ix_plan_versions_division_code'), 'plan_versions', ['division_code'], unique=False)
    op.create_index(op.f('ix_plan_versions_plan_id'), 'plan_versions', ['plan_id'], unique=False)
    op.create_index(op.f('ix_plan_versions_unit_id'), 'plan_versions', ['unit_id'], unique=False)
    op.create_table('plan_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activation_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=False),
    sa.Column('group', sa.String(length=100), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('person', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('deadline_minutes', sa.Integer(), nullable=False),
    sa.Column('due_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('started_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activation_id'], ['plan_activations.id'], name=op.f('fk_plan_tasks_activation_id_plan_activations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_tasks'))
    )
    op.create_index(op.f('ix_plan_tasks_activation_id'), 'plan_tasks', ['activation_id'], unique=False)
    op.create_index(op.f('ix_plan_tasks_division_code'), 'plan_tasks', ['division_code'], unique=False)
    op.create_index(op.f('ix_plan_tasks_due_at'), 'plan_tasks', ['due_at'], unique=False)
    op.create_index(op.f('ix_plan_tasks_overdue'), 'plan_tasks', ['overdue'], unique=False)
    op.create_index(op.f('ix_plan_tasks_status'), 'plan_tasks', ['status'], unique=False)
    op.create_index(op.f('ix_plan_tasks_unit_id'), 'plan_tasks', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_plan_tasks_unit_id'), table_name='plan_tasks')
    op.drop_index(op.f('ix_plan_tasks_status'), table_name='plan_tasks')
    op.drop_index(op.f('ix_plan_tasks_overdue'), table_name='plan_tasks')
    op.drop_index(op.f('ix_plan_tasks_due_at'), table_name='plan_tasks')
    op.drop_index(op.f('ix_plan_tasks_division_code'), table_name='plan_tasks')
    op.drop_index(op.f('ix_plan_tasks_activation_id'), table_name='plan_tasks')
    op.drop_table('plan_tasks')
    op.drop_index(op.f('ix_plan_versions_unit_id'), table_name='plan_versions')
    op.drop_index(op.f('ix_plan_versions_plan_id'), table_name='plan_versions')
    op.drop_index(op.f('ix_plan_versions_division_code'), table_name='plan_versions')
    op.drop_table('plan_versions')
    op.drop_index(op.f('ix_plan_drills_unit_id'), table_name='plan_drills')
    op.drop_index(op.f('ix_plan_drills_plan_id'), table_name='plan_drills')
    op.drop_index(op.f('ix_plan_drills_held_at'), table_name='plan_drills')
    op.drop_index(op.f('ix_plan_drills_division_code'), table_name='plan_drills')
    op.drop_table('plan_drills')
    op.drop_index(op.f('ix_plan_activations_unit_id'), table_name='plan_activations')
    op.drop_index(op.f('ix_plan_activations_state'), table_name='plan_activations')
    op.drop_index(op.f('ix_plan_activations_plan_id'), table_name='plan_activations')
    op.drop_index(op.f('ix_plan_activations_incident_id'), table_name='plan_activations')
    op.drop_index(op.f('ix_plan_activations_division_code'), table_name='plan_activations')
    op.drop_index(op.f('ix_plan_activations_activated_at'), table_name='plan_activations')
    op.drop_table('plan_activations')
    op.drop_index(op.f('ix_contingency_plans_updated_at'), table_name='contingency_plans')
    op.drop_index(op.f('ix_contingency_plans_unit_id'), table_name='contingency_plans')
    op.drop_index(op.f('ix_contingency_plans_state'), table_name='contingency_plans')
    op.drop_index(op.f('ix_contingency_plans_level'), table_name='contingency_plans')
    op.drop_index(op.f('ix_contingency_plans_kind'), table_name='contingency_plans')
    op.drop_index(op.f('ix_contingency_plans_incident_types'), table_name='contingency_plans')
    op.drop_index(op.f('ix_contingency_plans_division_code'), table_name='contingency_plans')
    op.drop_table('contingency_plans')
