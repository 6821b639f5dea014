"""tickets: each keeps the caller's name as given on that call (its address was already its own)

Revision ID: 0015_privacy
Revises: 0014_routing
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_privacy'
down_revision = '0014_routing'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller_name', sa.String(length=80), nullable=True))
    # Existing tickets: the caller's current name is the best snapshot there is. The
    # address needs no copy: each ticket has always kept the one given on its call.
    op.execute(
        "UPDATE ticket SET caller_name = (SELECT caller.name FROM caller WHERE caller.id = ticket.caller_id) "
        "WHERE caller_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('caller_name')
