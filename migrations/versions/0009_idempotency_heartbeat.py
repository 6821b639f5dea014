"""ops: idempotency keys (retried POSTs create nothing twice), the SLA scheduler's heartbeat (/healthz)

Revision ID: 0009_idempotency_heartbeat
Revises: 0008_live_stream
Create Date: 2026-11-29 11:30:00

"""
from alembic import op
import sqlalchemy as sa

import hotline.core.orm


# revision identifiers, used by Alembic.
revision = '0009_idempotency_heartbeat'
down_revision = '0008_live_stream'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', hotline.core.orm.UTCDateTime(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_key')),
    sa.UniqueConstraint('user_id', 'key', name='uq_idempotency_key_user_id_key')
    )
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_key_created_at'), ['created_at'], unique=False)

    heartbeat = op.create_table('scheduler_heartbeat',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('swept_at', hotline.core.orm.UTCDateTime(), nullable=True),
    sa.Column('next_deadline', hotline.core.orm.UTCDateTime(), nullable=True),
    sa.Column('interval_seconds', sa.Integer(), nullable=True),
    sa.Column('process', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_heartbeat'))
    )
    # The one row, updated by every sweep (never swept yet: all NULL).
    op.bulk_insert(heartbeat, [{'id': 1}])


def downgrade():
    op.drop_table('scheduler_heartbeat')
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_key_created_at'))

    op.drop_table('idempotency_key')
