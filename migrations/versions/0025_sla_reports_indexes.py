"""a year of data, the SLA page's other parts: the clocks by when they stopped (the on-time
report's period) and the escalations by when they started (their list, newest first)

Revision ID: 0025_sla_reports_indexes
Revises: 0024_year_of_data
Create Date: 2026-11-29 21:20:00

"""
from alembic import op

revision = '0025_sla_reports_indexes'
down_revision = '0024_year_of_data'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_sla_clock_stopped_at', 'sla_clock', ['stopped_at'])
    op.create_index('ix_escalation_started_at', 'escalation', ['started_at', 'id'])


def downgrade():
    op.drop_index('ix_escalation_started_at', table_name='escalation')
    op.drop_index('ix_sla_clock_stopped_at', table_name='sla_clock')
