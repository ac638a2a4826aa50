"""risk sources

Revision ID: b1risk
Revises: 4feeed333fc8
Create Date: 2026-11-28 12:15:07.572527
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
import yingji.core.db

revision: str = 'b1risk'
down_revision: str | None = '4feeed333fc8'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # units, risk sources (风险点), their assessment history and control measures
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=32), nullable=False),
    sa.Column('industry', sa.String(length=32), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('scale', sa.String(length=16), nullable=False),
    sa.Column('standardisation_level', sa.String(length=16), nullable=False),
    sa.Column('legal_person', sa.String(length=100), nullable=False),
    sa.Column('safety_manager', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('supervising_department', sa.String(length=100), nullable=False),
    sa.Column('risk_level', sa.String(length=16), nullable=True),
    sa.Column('extra', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_units_division_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_units_credit_code'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_industry'), ['industry'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_units_risk_level'), ['risk_level'], unique=False)

    op.create_table('risk_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('class_code', sa.String(length=8), nullable=False),
    sa.Column('subclass_code', sa.String(length=8), nullable=False),
    sa.Column('industry', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('geometry', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('method', sa.String(length=8), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('latest_assessment_id', sa.Integer(), nullable=True),
    sa.Column('management_tier', sa.String(length=64), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_risk_sources_division_code_divisions')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_risk_sources_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_sources')),
    sa.UniqueConstraint('code', name=op.f('uq_risk_sources_code'))
    )
    with op.batch_alter_table('risk_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_sources_class_code'), ['class_code'], unique=False)
        batch_op.create_index('ix_risk_sources_division_level', ['division_code', 'level'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_sources_industry'), ['industry'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_sources_level'), ['level'], unique=False)
        batch_op.create_index('ix_risk_sources_level_division', ['level', 'division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_sources_subclass_code'), ['subclass_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_sources_unit_id'), ['unit_id'], unique=False)

    op.create_table('risk_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('factors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('band', sa.String(length=16), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('assessor', sa.String(length=100), nullable=False),
    sa.Column('assessed_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['risk_sources.id'], name=op.f('fk_risk_assessments_source_id_risk_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_assessments'))
    )
    with op.batch_alter_table('risk_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_assessments_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_assessments_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_assessments_unit_id'), ['unit_id'], unique=False)

    op.create_table('risk_control_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('responsible_tier', sa.String(length=32), nullable=False),
    sa.Column('responsible_person', sa.String(length=100), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['risk_sources.id'], name=op.f('fk_risk_control_measures_source_id_risk_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_control_measures'))
    )
    with op.batch_alter_table('risk_control_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_control_measures_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_control_measures_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_control_measures_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    # units, risk sources (风险点), their assessment history and control measures
    with op.batch_alter_table('risk_control_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_control_measures_unit_id'))
        batch_op.drop_index(batch_op.f('ix_risk_control_measures_source_id'))
        batch_op.drop_index(batch_op.f('ix_risk_control_measures_division_code'))

    op.drop_table('risk_control_measures')
    with op.batch_alter_table('risk_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_assessments_unit_id'))
        batch_op.drop_index(batch_op.f('ix_risk_assessments_source_id'))
        batch_op.drop_index(batch_op.f('ix_risk_assessments_division_code'))

    op.drop_table('risk_assessments')
    with op.batch_alter_table('risk_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_sources_unit_id'))
        batch_op.drop_index(batch_op.f('ix_risk_sources_subclass_code'))
        batch_op.drop_index('ix_risk_sources_level_division')
        batch_op.drop_index(batch_op.f('ix_risk_sources_level'))
        batch_op.drop_index(batch_op.f('ix_risk_sources_industry'))
        batch_op.drop_index('ix_risk_sources_division_level')
        batch_op.drop_index(batch_op.f('ix_risk_sources_class_code'))

    op.drop_table('risk_sources')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_risk_level'))
        batch_op.drop_index(batch_op.f('ix_units_name'))
        batch_op.drop_index(batch_op.f('ix_units_industry'))
        batch_op.drop_index(batch_op.f('ix_units_division_code'))

    op.drop_table('units')
