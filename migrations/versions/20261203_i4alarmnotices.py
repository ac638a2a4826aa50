"""monitoring: graded alarm notices delivered to each addressee's inbox (待我处理的告警)

Revision ID: i4alarmnotices
Revises: i3dispatch
Create Date: 2026-12-03 02:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yingji.core.db

revision: str = 'i4alarmnotices'
down_revision: str | None = 'i3dispatch'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('monitoring_alarm_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alarm_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=8), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('escalation', sa.Boolean(), nullable=False),
    sa.Column('message', sa.String(length=400), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('raised_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['alarm_id'], ['monitoring_alarms.id'], name=op.f('fk_monitoring_alarm_notices_alarm_id_monitoring_alarms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_monitoring_alarm_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_alarm_notices'))
    )
    with op.batch_alter_table('monitoring_alarm_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_alarm_notices_alarm_id'), ['alarm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_alarm_notices_division_code'), ['division_code'], unique=False)
        batch_op.create_index('ix_monitoring_alarm_notices_inbox', ['user_id', 'done_at', 'delivered_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('monitoring_alarm_notices', schema=None) as batch_op:
        batch_op.drop_index('ix_monitoring_alarm_notices_inbox')
        batch_op.drop_index(batch_op.f('ix_monitoring_alarm_notices_division_code'))
        batch_op.drop_index(batch_op.f('ix_monitoring_alarm_notices_alarm_id'))
    op.drop_table('monitoring_alarm_notices')
