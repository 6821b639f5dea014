"""Ticket numbers: the center's local date and a daily sequence, e.g. 20261123-0042.

Numbers are gap-free per day, so taking one locks the day's sequence row until the
commit: every other new ticket of the day waits for it. A new ticket is therefore
written with a provisional number and numbered by `give_number`, the last statement
of its creation, which holds the lock only for the rest of the request (serializing
the answer, the commit). On SQLite writers serialize on the database anyway."""
import secrets
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import upsert
from hotline.core.outbox import pending
from hotline.tickets.models import Ticket, TicketSequence

PROVISIONAL_PREFIX = "~"
DATE_DIGITS = 8  # the date's digits, YYYYMMDD: no other run of digits in a number is as long


def only_a_beginning(fragment: str) -> bool:
    """True if a fragment of digits and '-' can be found only at a number's start: it
    opens with a whole date ('20260315', '20260315-00'); a search looks that up as a
    range of the numbers, not as a substring."""
    digits = len(fragment) - len(fragment.lstrip("0123456789"))
    return digits >= DATE_DIGITS


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


def provisional_number() -> str:
    """Unique, never committed, and unlike any real number (17 characters)."""
    return PROVISIONAL_PREFIX + secrets.token_hex(8)


def give_number(session: Session, ticket: Ticket, at: datetime) -> str:
    """Replace the ticket's provisional number with the next of its day: in its row,
    on the loaded ticket (no ORM change: no `ticket.updated` event, no version bump),
    and in the live events this transaction wrote about it."""
    provisional, number = ticket.number, next_ticket_number(at)
    session.execute(update(Ticket.__table__).where(Ticket.__table__.c.id == ticket.id).values(number=number))
    set_committed_value(ticket, "number", number)
    for event in pending(session):  # queued, written at the commit with the number fixed
        _replace(event.payload, provisional, number)
    return number


def _replace(value, old: str, new: str) -> bool:
    """Replace, in place, every string `old` in a JSON-like value; whether any was."""
    found = False
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return False
    for key, item in list(items):
        if item == old:
            value[key] = new
            found = True
        elif isinstance(item, (dict, list)):
            found = _replace(item, old, new) or found
    return found
