"""live events numbered at commit: live_stream heads, live_event.prev

Revision ID: 0008_live_stream
Revises: 0007_pg_sequences
Create Date: 2026-11-29 11:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_live_stream'
down_revision = '0007_pg_sequences'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'live_stream',
        sa.Column('room', sa.String(length=40), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('room', name=op.f('pk_live_stream')),
    )
    with op.batch_alter_table('live_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev', sa.JSON(), nullable=True))
    # The center's head continues the numbers already given; unit rooms start on demand
    # (prev 0: "nothing before this one to wait for").
    op.execute("INSERT INTO live_stream (room, seq) SELECT 'center', COALESCE(MAX(seq), 0) FROM live_event")


def downgrade():
    with op.batch_alter_table('live_event', schema=None) as batch_op:
        batch_op.drop_column('prev')
    op.drop_table('live_stream')
