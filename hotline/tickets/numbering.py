"""Ticket numbers: the center's local date and a daily sequence, e.g. 20261123-0042."""
from datetime import datetime

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import upsert
from hotline.tickets.models import TicketSequence


def next_ticket_number(at: datetime) -> str:
    """Atomically take the next number of the day `at` falls on (center time).

    One upsert statement: concurrent writers serialize on the sequence row, so
    two tickets never share a number (the unique index on ticket.number is the
    backstop)."""
    day = clock.local(at).date()
    stmt = (
        upsert(db.session, TicketSequence)
        .values(day=day, last=1)
        .on_conflict_do_update(
            index_elements=[TicketSequence.day], set_={"last": TicketSequence.last + 1}
        )
        .returning(TicketSequence.last)
    )
    seq = db.session.execute(stmt).scalar_one()
    return f"{day:%Y%m%d}-{seq:04d}"
