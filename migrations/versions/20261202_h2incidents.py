"""incidents and duty: calls, incidents, grades, reports, duty roster and log

Revision ID: h2incidents
Revises: h1places
Create Date: 2026-12-02 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import yingji.core.db

revision: str = 'h2incidents'
down_revision: str | None = 'h1places'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table('duty_handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('from_name', sa.String(length=64), nullable=False),
    sa.Column('to_name', sa.String(length=64), nullable=False),
    sa.Column('summary', _JSON, nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_duty_handovers_division_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_handovers'))
    )
    with op.batch_alter_table('duty_handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_handovers_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_handovers_division_code'), ['division_code'], unique=False)

    op.create_table('duty_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_duty_log_division_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_log'))
    )
    with op.batch_alter_table('duty_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_log_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_log_incident_id'), ['incident_id'], unique=False)

    op.create_table('duty_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('starts_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_duty_shifts_division_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_shifts')),
    sa.UniqueConstraint('division_code', 'day', 'role', 'name', name='uq_duty_shifts_person')
    )
    with op.batch_alter_table('duty_shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_shifts_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_shifts_division_code'), ['division_code'], unique=False)

    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('place_text', sa.String(length=300), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('dead', sa.Integer(), nullable=False),
    sa.Column('missing', sa.Integer(), nullable=False),
    sa.Column('seriously_injured', sa.Integer(), nullable=False),
    sa.Column('injured', sa.Integer(), nullable=False),
    sa.Column('trapped', sa.Integer(), nullable=False),
    sa.Column('endangered', sa.Integer(), nullable=False),
    sa.Column('evacuated', sa.Integer(), nullable=False),
    sa.Column('loss_wan', sa.Float(), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('response_level', sa.String(length=4), nullable=False),
    sa.Column('risk_flags', _JSON, nullable=False),
    sa.Column('hazards', _JSON, nullable=False),
    sa.Column('keywords', _JSON, nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('source_ref', sa.String(length=64), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['division_code'], ['divisions.code'], name=op.f('fk_incidents_division_code_divisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    sa.UniqueConstraint('code', name=op.f('uq_incidents_code'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_grade'), ['grade'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_source_ref'), ['source_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_type'), ['type'], unique=False)

    op.create_table('incident_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('caller_number', sa.String(length=32), nullable=False),
    sa.Column('received_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('transcript', sa.Text(), nullable=False),
    sa.Column('audio_path', sa.String(length=300), nullable=True),
    sa.Column('extraction', _JSON, nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.Column('merged', sa.Boolean(), nullable=False),
    sa.Column('taken_by', sa.String(length=64), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_calls_incident_id_incidents'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_calls'))
    )
    with op.batch_alter_table('incident_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_calls_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_calls_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_calls_received_at'), ['received_at'], unique=False)

    op.create_table('incident_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('response_level', sa.String(length=4), nullable=False),
    sa.Column('risk_flags', _JSON, nullable=False),
    sa.Column('counts', _JSON, nullable=False),
    sa.Column('reasons', _JSON, nullable=False),
    sa.Column('change', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_grades_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_grades'))
    )
    with op.batch_alter_table('incident_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_grades_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_grades_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_grades_incident_id'), ['incident_id'], unique=False)

    op.create_table('incident_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.String(length=64), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('received_by', sa.String(length=100), nullable=True),
    sa.Column('received_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_reports_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_reports'))
    )
    with op.batch_alter_table('incident_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_reports_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_reports_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_reports_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_reports_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_reports_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('incident_timeline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('data', _JSON, nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_timeline_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_timeline'))
    )
    with op.batch_alter_table('incident_timeline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_timeline_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_timeline_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_timeline_incident_id'), ['incident_id'], unique=False)

    op.create_table('incident_merge_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('distance_m', sa.Float(), nullable=True),
    sa.Column('minutes_apart', sa.Float(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['incident_calls.id'], name=op.f('fk_incident_merge_proposals_call_id_incident_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_merge_proposals_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_merge_proposals'))
    )
    with op.batch_alter_table('incident_merge_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_merge_proposals_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_merge_proposals_division_code'), ['division_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_incident_merge_proposals_incident_id'), ['incident_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('incident_merge_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_merge_proposals_incident_id'))
        batch_op.drop_index(batch_op.f('ix_incident_merge_proposals_division_code'))
        batch_op.drop_index(batch_op.f('ix_incident_merge_proposals_call_id'))

    op.drop_table('incident_merge_proposals')
    with op.batch_alter_table('incident_timeline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_timeline_incident_id'))
        batch_op.drop_index(batch_op.f('ix_incident_timeline_division_code'))
        batch_op.drop_index(batch_op.f('ix_incident_timeline_at'))

    op.drop_table('incident_timeline')
    with op.batch_alter_table('incident_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_reports_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_incident_reports_kind'))
        batch_op.drop_index(batch_op.f('ix_incident_reports_incident_id'))
        batch_op.drop_index(batch_op.f('ix_incident_reports_due_at'))
        batch_op.drop_index(batch_op.f('ix_incident_reports_division_code'))

    op.drop_table('incident_reports')
    with op.batch_alter_table('incident_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_grades_incident_id'))
        batch_op.drop_index(batch_op.f('ix_incident_grades_division_code'))
        batch_op.drop_index(batch_op.f('ix_incident_grades_at'))

    op.drop_table('incident_grades')
    with op.batch_alter_table('incident_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_calls_received_at'))
        batch_op.drop_index(batch_op.f('ix_incident_calls_incident_id'))
        batch_op.drop_index(batch_op.f('ix_incident_calls_division_code'))

    op.drop_table('incident_calls')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_type'))
        batch_op.drop_index(batch_op.f('ix_incidents_status'))
        batch_op.drop_index(batch_op.f('ix_incidents_source_ref'))
        batch_op.drop_index(batch_op.f('ix_incidents_received_at'))
        batch_op.drop_index(batch_op.f('ix_incidents_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_incidents_grade'))
        batch_op.drop_index(batch_op.f('ix_incidents_division_code'))

    op.drop_table('incidents')
    with op.batch_alter_table('duty_shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_shifts_division_code'))
        batch_op.drop_index(batch_op.f('ix_duty_shifts_day'))

    op.drop_table('duty_shifts')
    with op.batch_alter_table('duty_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_log_incident_id'))
        batch_op.drop_index(batch_op.f('ix_duty_log_division_code'))
        batch_op.drop_index(batch_op.f('ix_duty_log_at'))

    op.drop_table('duty_log')
    with op.batch_alter_table('duty_handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_handovers_division_code'))
        batch_op.drop_index(batch_op.f('ix_duty_handovers_at'))

    op.drop_table('duty_handovers')
