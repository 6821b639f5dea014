"""a year of data: the SLA alerts walked in the urgent order on indexes (the waiting ones
by kind and deadline, the rest by deadline)

Revision ID: 0024_year_of_data
Revises: 0023_board13
Create Date: 2026-11-29 21:10:00

"""
from alembic import op

revision = '0024_year_of_data'
down_revision = '0023_board13'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_sla_alert_kind_acknowledged', table_name='sla_alert')
    op.create_index('ix_sla_alert_waiting', 'sla_alert', ['kind', 'acknowledged_at', 'due_at', 'id'])
    op.create_index('ix_sla_alert_due', 'sla_alert', ['due_at', 'id'])


def downgrade():
    op.drop_index('ix_sla_alert_due', table_name='sla_alert')
    op.drop_index('ix_sla_alert_waiting', table_name='sla_alert')
    op.create_index('ix_sla_alert_kind_acknowledged', 'sla_alert', ['kind', 'acknowledged_at'])
