"""security: server-side sessions, login throttling, API token scope and expiry

Revision ID: f5sec_security
Revises: e4outbox
Create Date: 2026-11-30 17:20:00

Tokens issued before this revision had neither scope nor expiry. They keep working as they did
(scope ``write`` — what they could do before; the owner's role still limits them) but now expire
90 days after the upgrade (``YINGJI_TOKEN_DEFAULT_DAYS``' default), so that no token lives forever.
Web sessions of the old signed-cookie kind are not carried over: everyone signs in once more.
"""
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import yingji.core.db

revision: str = 'f5sec_security'
down_revision: str | None = 'e4outbox'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_TOKEN_DAYS = 90


def upgrade() -> None:
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('user_version', sa.Integer(), nullable=False),
    sa.Column('created_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=32), nullable=True),
    sa.Column('client_address', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', yingji.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.Column('updated_at', yingji.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('kind', 'key', name=op.f('uq_login_throttle_kind'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_updated_at'), ['updated_at'], unique=False)

    # API tokens: add the columns nullable, fill them for existing tokens, then make them required
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('expires_at', yingji.core.db.UTCDateTime(timezone=True), nullable=True))
    tokens = sa.table('api_tokens', sa.column('scope', sa.String(8)),
                      sa.column('expires_at', yingji.core.db.UTCDateTime(timezone=True)))
    expires = datetime.now(UTC) + timedelta(days=LEGACY_TOKEN_DAYS)
    op.execute(tokens.update().values(scope='write', expires_at=expires))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('scope', existing_type=sa.String(length=8), nullable=False)
        batch_op.alter_column('expires_at', existing_type=yingji.core.db.UTCDateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')

    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_updated_at'))
    op.drop_table('login_throttle')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_expires_at'))
    op.drop_table('user_sessions')
