"""Session hooks: keep each changed ticket's clocks in step before the flush, keep
the tickets' deadline marks in step with their clocks after it (marks.py), and after
the commit tell the scheduler of this process about the earliest new deadline so that
it wakes for it (sub-second detection without polling)."""
from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from hotline.core import clock
from hotline.core.orm import listen_once
from hotline.sla.engine import marks
from hotline.sla.engine.clocks import CLASSIFYING, WATCHED, sync_ticket_clocks
from hotline.sla.engine.scheduler import arm
from hotline.sla.models import Escalation, SlaClock
from hotline.tickets.models import Ticket

_EARLIEST = "sla_earliest"
_MARKED = "sla_marked"


def _changed(ticket: Ticket, fields=WATCHED) -> bool:
    state = inspect(ticket)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _before_flush(session: Session, _ctx, _instances) -> None:
    now = clock.now()
    tickets = [o for o in session.new if isinstance(o, Ticket)]
    tickets += [o for o in session.dirty if isinstance(o, Ticket) and _changed(o)]
    if not tickets:
        return
    with session.no_autoflush:
        for ticket in tickets:
            sync_ticket_clocks(session, ticket, now, reclassified=_changed(ticket, CLASSIFYING))


def _after_flush(session: Session, _ctx) -> None:
    changed = list(session.new) + [o for o in session.dirty if session.is_modified(o)]
    clocks = [o for o in changed + list(session.deleted) if isinstance(o, SlaClock)]
    if clocks:
        ticket_ids = {c.ticket_id for c in clocks}
        marks.refresh(session.connection(), ticket_ids)
        session.info[_MARKED] = ticket_ids
    times = [o.next_check_at for o in changed if isinstance(o, SlaClock)]
    times += [o.next_at for o in changed if isinstance(o, Escalation)]
    times = [t for t in times if t is not None]
    if times:
        earliest = session.info.get(_EARLIEST)
        session.info[_EARLIEST] = min(times + ([earliest] if earliest else []))


def _after_flush_postexec(session: Session, _ctx) -> None:
    """The marks were written in SQL: the tickets in memory read them again."""
    for ticket_id in session.info.pop(_MARKED, ()):
        ticket = session.identity_map.get(identity_key(Ticket, ticket_id))
        if ticket is not None:
            session.expire(ticket, ["sla_late_at", "sla_warn_at"])


def _after_commit(session: Session) -> None:
    earliest = session.info.pop(_EARLIEST, None)
    if earliest is not None:
        arm(earliest)


def _after_rollback(session: Session) -> None:
    session.info.pop(_EARLIEST, None)


def install(session) -> None:
    listen_once(
        session, __name__,
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("after_flush_postexec", _after_flush_postexec),
        ("after_commit", _after_commit),
        ("after_soft_rollback", lambda s, _t: _after_rollback(s)),
    )
