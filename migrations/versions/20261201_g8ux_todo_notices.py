"""to-do notices of hazards (who must act next) and audit log indexes for the administration page

Revision ID: g8ux_todo_notices
Revises: f6conc_outbox_unit
Create Date: 2026-12-01 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import yingji.core.db

revision: str = 'g8ux_todo_notices'
down_revision: str | None = 'f6conc_outbox_unit'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN / CREATE INDEX (no batch copy): both databases support them in place
    op.add_column('hazard_notifications', sa.Column('audience', sa.String(length=16), nullable=True))
    op.add_column('hazard_notifications', sa.Column('audience_level', sa.String(length=8), nullable=True))
    op.add_column('hazard_notifications', sa.Column('action', sa.String(length=32), nullable=True))
    op.add_column('hazard_notifications', sa.Column("done_at", yingji.core.db.UTCDateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_hazard_notifications_done_at'), 'hazard_notifications', ['done_at'], unique=False)
    # the audit log (UPDATE/DELETE refused by triggers; an index is neither)
    op.create_index(op.f('ix_audit_log_actor_id'), 'audit_log', ['actor_id'], unique=False)
    op.create_index(op.f('ix_audit_log_actor'), 'audit_log', ['actor'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_log_actor'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_actor_id'), table_name='audit_log')
    op.drop_index(op.f('ix_hazard_notifications_done_at'), table_name='hazard_notifications')
    with op.batch_alter_table('hazard_notifications', schema=None) as batch_op:
        batch_op.drop_column('done_at')
        batch_op.drop_column('action')
        batch_op.drop_column('audience_level')
        batch_op.drop_column('audience')
