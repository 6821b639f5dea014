"""a year of data: the tickets list sorted by state, priority or unit walks each value's
tickets by id (tickets/sorting.py page_ids); without these PostgreSQL walked the primary
key for the few new tickets at its end (350 ms at a million)

Revision ID: 0026_list_parts
Revises: 0025_sla_reports_indexes
Create Date: 2026-11-29 22:15:00

"""
from alembic import op

revision = '0026_list_parts'
down_revision = '0025_sla_reports_indexes'
branch_labels = None
depends_on = None

_INDEXES = (('ix_ticket_status_id', ['status', 'id']),
            ('ix_ticket_priority_id', ['priority', 'id']),
            ('ix_ticket_unit_id_id', ['unit_id', 'id']))


def upgrade():
    for name, columns in _INDEXES:
        op.create_index(name, 'ticket', columns)


def downgrade():
    for name, _columns in _INDEXES:
        op.drop_index(name, table_name='ticket')
