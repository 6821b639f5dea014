"""a year of data: PostgreSQL, the open tickets by unit and id (a partial index), for the
open tickets sorted by unit (tickets/sorting.py page_ids): open tickets are the newest 3%,
and PostgreSQL walked each unit's tickets from the oldest for them, filtering out 880,000
(380 ms at a million). SQLite does without (and could not use it with bound values).

The statuses are models.OPEN_STATUSES: a change of those must come with a migration that
makes this index again (tests/tickets/test_list_sorting.py checks they agree).

Revision ID: 0028_open_tickets_by_unit
Revises: 0027_ticket_sla_marks
Create Date: 2026-11-30 01:00:00

"""
from alembic import op

revision = '0028_open_tickets_by_unit'
down_revision = '0027_ticket_sla_marks'
branch_labels = None
depends_on = None

OPEN = ('new', 'returned', 'dispatched', 'accepted', 'en_route', 'on_site', 'resolved')


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    statuses = ", ".join(f"'{s}'" for s in OPEN)
    op.execute(f"CREATE INDEX ix_pg_ticket_open_unit_id_id ON ticket (unit_id, id) WHERE status IN ({statuses})")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX ix_pg_ticket_open_unit_id_id")
