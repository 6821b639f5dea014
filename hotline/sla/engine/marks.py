"""Each open ticket's nearest running deadline, kept on the ticket (`Ticket.sla_late_at`,
`Ticket.sla_warn_at`): the wall board and the desk count and order 30,000 open tickets
on an index instead of looking up every ticket's clocks.

The nearest is the running clock with the earliest `due_at`, the one a card shows
(summary.py). `sla_late_at` is when it is, or was, missed: its `due_at`, or its breach
if that came first (a clock extended after its breach stays late); `sla_warn_at` alike
with its warning. Both are NULL while no clock runs (none yet, all stopped or paused).

Only clocks move them. They are refreshed after each flush that changed a clock
(hooks.py), by an UPDATE that leaves the ticket's version alone: a deadline moving is not
an edit of the ticket, and must not make an operator's open form stale. The sweep's
recording of a warning or a breach changes neither: it happens at or after the moment
they already hold."""
from collections.abc import Iterable

from sqlalchemy import Connection, case, or_, select, update
from sqlalchemy.orm import aliased

from hotline.sla.models import SlaClock
from hotline.tickets.models import Ticket

_TICKET = Ticket.__table__
_SLICE = 5000  # SQLite limits the parameters of one statement


def _running(c):
    return c.stopped_at.is_(None), c.running_since.is_not(None)


def _nearest(mark) -> object:
    """The nearest running clock's `mark(clock)`, correlated to the ticket updated."""
    c = aliased(SlaClock)
    return (select(mark(c)).where(c.ticket_id == _TICKET.c.id, *_running(c))
            .order_by(c.due_at, c.id).limit(1).scalar_subquery())


def _first(at, fired):
    return case((fired < at, fired), else_=at)


def _marks():
    return {
        "sla_late_at": _nearest(lambda c: _first(c.due_at, c.breached_at)),
        "sla_warn_at": _nearest(lambda c: _first(c.warn_at, c.warned_at)),
    }


def refresh(connection: Connection, ticket_ids: Iterable[int]) -> None:
    """Set these tickets' marks from their clocks as they now stand in the database."""
    ids = sorted(set(ticket_ids))
    for start in range(0, len(ids), _SLICE):
        connection.execute(update(_TICKET).where(_TICKET.c.id.in_(ids[start:start + _SLICE])).values(_marks()))


def refresh_all(connection: Connection) -> None:
    """Every ticket's marks, from scratch: after a bulk load (flask demo-scale)."""
    c = aliased(SlaClock)
    running = select(c.ticket_id).where(*_running(c))
    connection.execute(
        update(_TICKET).where(or_(_TICKET.c.id.in_(running), _TICKET.c.sla_late_at.is_not(None))).values(_marks()))
