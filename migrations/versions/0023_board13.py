"""board and desk windows: the running SLA clocks indexed by ticket and deadline (only
those: a year of stopped clocks stays out of it), so each open ticket's nearest deadline
is one index lookup

Revision ID: 0023_board13
Revises: 0022_search
Create Date: 2026-11-29 19:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0023_board13'
down_revision = '0022_search'
branch_labels = None
depends_on = None

_RUNNING = sa.text('stopped_at IS NULL AND running_since IS NOT NULL')


def upgrade():
    op.create_index('ix_sla_clock_running', 'sla_clock',
                    ['ticket_id', 'due_at', 'warn_at', 'warned_at', 'breached_at'],
                    sqlite_where=_RUNNING, postgresql_where=_RUNNING)


def downgrade():
    op.drop_index('ix_sla_clock_running', table_name='sla_clock')
