"""navigation counts: what waits (callbacks due, missed deadlines not acknowledged,
escalations not taken on) counted from an index each

Revision ID: 0020_lists
Revises: 0019_rosters
Create Date: 2026-11-29 17:40:00

"""
from alembic import op


revision = '0020_lists'
down_revision = '0019_rosters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_callback_status_next_try', 'callback', ['status', 'next_try_at'])
    op.create_index('ix_sla_alert_kind_acknowledged', 'sla_alert', ['kind', 'acknowledged_at'])
    op.create_index('ix_escalation_acknowledged_at', 'escalation', ['acknowledged_at'])


def downgrade():
    op.drop_index('ix_escalation_acknowledged_at', table_name='escalation')
    op.drop_index('ix_sla_alert_kind_acknowledged', table_name='sla_alert')
    op.drop_index('ix_callback_status_next_try', table_name='callback')
