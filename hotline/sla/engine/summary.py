"""What a screen shows of a ticket's clocks: its nearest deadline, and whether it
has been escalated.

The nearest deadline is the earliest `due_at` among the clocks still running (a
breached one stays running, so it is the nearest until its stage is done); with none
running, a paused clock shows as paused. One query for a whole board (per 5000 tickets)."""
from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.core.orm import in_ids
from hotline.sla.engine.escalations import LADDER
from hotline.sla.models import Escalation, SlaClock
from hotline.tickets.models import Ticket

_CLOCK_COLUMNS = (
    SlaClock.ticket_id, SlaClock.stage, SlaClock.due_at, SlaClock.warn_at,
    SlaClock.warned_at, SlaClock.breached_at, SlaClock.running_since,
)


def _summary(row) -> dict:
    paused = row.running_since is None
    return {
        "stage": row.stage.value,
        "due_at": None if paused or row.due_at is None else row.due_at.isoformat(),
        "warn_at": None if paused or row.warn_at is None else row.warn_at.isoformat(),
        "warned": row.warned_at is not None,
        "breached": row.breached_at is not None,
        "paused": paused,
    }


_NEVER = datetime.max.replace(tzinfo=timezone.utc)


def _sort_key(row):
    # Running before paused, then the earliest deadline.
    return (row.running_since is None, row.due_at or _NEVER)


# SQLite limits the parameters of one statement; a huge board is read in slices.
_SLICE = 5000


def _rows(session: Session, stmt_for, ticket_ids: Iterable[int]) -> list:
    ids = list(ticket_ids)
    rows = []
    for start in range(0, len(ids), _SLICE):
        rows += session.execute(stmt_for(ids[start:start + _SLICE])).all()
    return rows


def deadlines_for(session: Session, ticket_ids: Iterable[int]) -> dict[int, dict]:
    """Per ticket id, its nearest deadline (tickets without a live clock are left out)."""
    # The stopped ones are left out here, not in SQL: with `stopped_at IS NULL` PostgreSQL
    # also read the whole of ix_sla_clock_open (every open clock) to intersect it.
    rows = _rows(session, lambda ids: select(*_CLOCK_COLUMNS, SlaClock.stopped_at).where(in_ids(SlaClock.ticket_id, ids)),
                 ticket_ids)
    best: dict[int, object] = {}
    for row in rows:
        if row.stopped_at is not None:
            continue
        current = best.get(row.ticket_id)
        if current is None or _sort_key(row) < _sort_key(current):
            best[row.ticket_id] = row
    return {ticket_id: _summary(row) for ticket_id, row in best.items()}


def nearest_deadline(session: Session, ticket: Ticket) -> dict | None:
    """The ticket's nearest running deadline: stage, due_at and warn_at (ISO), warned,
    breached, paused; None when no clock runs."""
    if ticket.id is None:
        return None
    return deadlines_for(session, [ticket.id]).get(ticket.id)


def escalations_for(session: Session, ticket_ids: Iterable[int]) -> dict[int, dict]:
    """Per ticket id, the highest level its unacknowledged escalations have reached."""
    rows = _rows(
        session,
        lambda ids: select(Escalation.ticket_id, Escalation.level).where(
            in_ids(Escalation.ticket_id, ids), Escalation.acknowledged_at.is_(None)
        ),
        ticket_ids,
    )
    out: dict[int, dict] = {}
    for ticket_id, level in rows:
        if ticket_id not in out or level > out[ticket_id]["level"]:
            out[ticket_id] = {"level": level, "audience": LADDER.get(level)}
    return out
