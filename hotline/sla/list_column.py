"""The tickets list's "Deadline" column: each ticket's next deadline (the earliest
`due_at` of its running clocks, hotline.sla.engine.summary), late ones marked, and
the list sortable by it (tickets with no running clock last)."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.sla.engine.summary import deadlines_for
from hotline.sla.models import SlaClock
from hotline.tickets.columns import ListColumn
from hotline.tickets.models import Ticket


def _next_due():
    return (
        select(func.min(SlaClock.due_at))
        .where(SlaClock.ticket_id == Ticket.id, SlaClock.stopped_at.is_(None), SlaClock.running_since.is_not(None))
        .correlate(Ticket)
        .scalar_subquery()
    )


def _next_dues():
    """(ticket_id, value): each ticket with a running clock and its next deadline, grouped
    on ix_sla_clock_running."""
    return (
        select(SlaClock.ticket_id.label("ticket_id"), func.min(SlaClock.due_at).label("value"))
        .where(SlaClock.stopped_at.is_(None), SlaClock.running_since.is_not(None))
        .group_by(SlaClock.ticket_id)
        .subquery("next_due")
    )


def _values(tickets: list) -> dict[int, dict]:
    now = clock.now()
    out = {}
    for ticket_id, d in deadlines_for(db.session, [t.id for t in tickets]).items():
        due = datetime.fromisoformat(d["due_at"]) if d["due_at"] else None
        out[ticket_id] = {
            "stage": d["stage"],
            "due": due,
            "paused": d["paused"],
            "late": d["breached"] or (due is not None and due <= now),
            "near": d["warned"],
        }
    return out


DEADLINE = ListColumn(key="deadline", label=_l("Deadline"), cell="sla/_list_deadline.html",
                      values=_values, sort=_next_due, default_dir="asc", valued=_next_dues)
