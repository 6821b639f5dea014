"""handover timing and carried next steps: when the incoming person was expected (the
shift's start less the minutes early the center asks), when they arrived and how late,
when the handover had to be done (the outgoing shift's end) and by how much it overran;
where an item's proposed next step came from

Revision ID: 0021_handover
Revises: 0020_lists
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import hotline.core.orm


revision = '0021_handover'
down_revision = '0020_lists'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrive_by', hotline.core.orm.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('incoming_arrived_at', hotline.core.orm.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('incoming_late_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('done_by', hotline.core.orm.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('overrun_minutes', sa.Integer(), nullable=True))
    with op.batch_alter_table('handover_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_step_source', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('handover_item', schema=None) as batch_op:
        batch_op.drop_column('next_step_source')
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_column('overrun_minutes')
        batch_op.drop_column('done_by')
        batch_op.drop_column('incoming_late_minutes')
        batch_op.drop_column('incoming_arrived_at')
        batch_op.drop_column('arrive_by')
