"""a cancelled ticket's work order ends as cancelled: before, it stayed `assigned` and
counted in its unit's load on the board for ever (24,493 at a million tickets against
6,082 really dispatched); this ends those already there

Revision ID: 0029_cancelled_work_orders
Revises: 0028_open_tickets_by_unit
Create Date: 2026-11-30 01:10:00

"""
from alembic import op

revision = '0029_cancelled_work_orders'
down_revision = '0028_open_tickets_by_unit'
branch_labels = None
depends_on = None


def upgrade():
    cancelled = "SELECT t.{} FROM ticket t WHERE t.id = work_order.ticket_id"
    op.execute(
        "UPDATE work_order SET status = 'cancelled', "
        f"reason = COALESCE(({cancelled.format('cancel_reason')}), 'cancelled'), "
        f"ended_at = ({cancelled.format('cancelled_at')}) "
        "WHERE status IN ('assigned', 'accepted', 'en_route', 'on_site') "
        "AND ticket_id IN (SELECT id FROM ticket WHERE status = 'cancelled')")


def downgrade():
    pass  # the ended work orders stay ended: they were wrongly open
