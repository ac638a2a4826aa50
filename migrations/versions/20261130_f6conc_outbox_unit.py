"""outbox unit_id: enterprise users' events filtered in SQL (list, stream replay)

Revision ID: f6conc_outbox_unit
Revises: f5sec_security
Create Date: 2026-11-30 17:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f6conc_outbox_unit'
down_revision: str | None = 'f5sec_security'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_unit_id'), ['unit_id'], unique=False)
    # existing events: the unit named in the payload (as the live stream used to read it)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE outbox SET unit_id = (payload->>'unit_id')::integer "
                   "WHERE jsonb_typeof(payload->'unit_id') = 'number' AND (payload->>'unit_id') ~ '^[0-9]{1,9}$'")
    else:
        op.execute("UPDATE outbox SET unit_id = json_extract(payload, '$.unit_id') "
                   "WHERE json_type(payload, '$.unit_id') = 'integer'")


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_unit_id'))
        batch_op.drop_column('unit_id')
