"""The tickets list's "Deadline" column: each ticket's next deadline (the earliest
`due_at` of its running clocks, hotline.sla.engine.summary), late ones marked, and
the list sortable by it (tickets with no running clock last)."""
from datetime import datetime

from flask_babel import lazy_gettext as _l

from hotline.core import clock
from hotline.core.extensions import db
from hotline.sla.engine.summary import deadlines_for
from hotline.tickets.columns import ListColumn
from hotline.tickets.models import Ticket


def _next_due():
    """The next deadline, as the SLA engine keeps it on the ticket (engine/marks.py): NULL
    while no clock runs. A plain column: the list walks ix_ticket_sla_late_at for it."""
    return Ticket.sla_late_at


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
                      values=_values, sort=_next_due, default_dir="asc", valued=_next_due)
