"""Each ticket's deadline marks (`sla_late_at`, `sla_warn_at`, hotline/sla/engine/marks.py)
follow its nearest running clock through every path that moves a clock, without making
the ticket's version stale; the migration and `refresh_all` fill the same values."""
from datetime import datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, update
from test_sla_engine import START, frozen  # noqa: F401 (a Tuesday in March, 10:00 in Shanghai, frozen)

from dispatch.workorders import services as work
from hotline.callbacks.models import Callback, Satisfaction
from hotline.callbacks.services import record_attempt
from hotline.core import clock
from hotline.core.extensions import db
from hotline.sla.engine import marks
from hotline.sla.engine import services as sla
from hotline.sla.engine.sweep import sweep
from hotline.sla.models import SlaClock, Stage
from hotline.tickets.models import Ticket


def expected(ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    """The marks worked out in Python from the clocks, as a card reads them."""
    clocks = db.session.scalars(select(SlaClock).where(SlaClock.ticket_id == ticket.id)).all()
    running = [c for c in clocks if c.stopped_at is None and c.running_since is not None]
    if not running:
        return None, None
    c = min(running, key=lambda c: c.due_at)
    return min(c.due_at, c.breached_at or c.due_at), min(c.warn_at, c.warned_at or c.warn_at)


def stored(ticket_id: int) -> tuple[datetime | None, datetime | None]:
    db.session.expire_all()
    return tuple(db.session.execute(select(Ticket.sla_late_at, Ticket.sla_warn_at).where(Ticket.id == ticket_id)).one())


def check(ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    assert stored(ticket.id) == expected(ticket)
    return stored(ticket.id)


def test_the_marks_follow_the_nearest_clock_through_a_tickets_life(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    late, _warn = check(t)
    assert late == START + timedelta(minutes=30)  # the crew has 30 minutes to accept
    clock.advance(timedelta(minutes=10))
    sla.pause_ticket(t, "waiting for the caller to be home", user_of("dispatcher"))
    db.session.commit()
    assert check(t) == (None, None)  # every clock paused: nothing runs
    clock.advance(timedelta(hours=1))
    sla.resume_ticket(t, user_of("dispatcher"))
    db.session.commit()
    assert check(t)[0] == clock.now() + timedelta(minutes=20)
    crew = user_of("crew")
    work.advance(t, "accept", crew, t.version)
    db.session.commit()
    assert check(t)[0] > clock.now() + timedelta(minutes=20)  # the next stage's deadline now
    work.advance(t, "on_site", crew, t.version)
    work.advance(t, "resolve", crew, t.version, result="replaced the washer")
    db.session.commit()
    late, _warn = check(t)
    callback = db.session.scalar(select(SlaClock).where(SlaClock.ticket_id == t.id, SlaClock.stage == Stage.CALLBACK))
    assert late == callback.due_at
    cb = db.session.scalar(select(Callback).where(Callback.ticket_id == t.id))
    record_attempt(cb, user_of("operator"), cb.version, reached=True, solved=True, satisfaction=Satisfaction.SATISFIED)
    db.session.commit()
    assert check(t) == (None, None)  # closed


def test_a_deadline_moving_is_not_an_edit_of_the_ticket(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    version = t.version
    clock.advance(timedelta(minutes=10))
    ext = sla.request_extension(t, Stage.ACCEPT, 60, "crew stuck behind a burst main", user_of("crew"))
    sla.decide_extension(ext, True, "agreed", user_of("supervisor"))
    db.session.commit()
    assert check(t)[0] == START + timedelta(minutes=90)
    assert db.session.get(Ticket, t.id).version == version  # an operator's open form is not stale


def test_a_warned_deadline_extended_stays_warned_and_a_breach_stays_late(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    accept = db.session.scalar(select(SlaClock).where(SlaClock.ticket_id == t.id, SlaClock.stage == Stage.ACCEPT))
    clock.freeze(accept.warn_at + timedelta(seconds=5))
    sweep(db.session, clock.now())
    db.session.commit()
    warned_at = clock.now()
    ext = sla.request_extension(t, Stage.ACCEPT, 60, "crew stuck behind a burst main", user_of("crew"))
    sla.decide_extension(ext, True, "agreed", user_of("supervisor"))
    db.session.commit()
    late, warn = check(t)
    assert late > clock.now() and warn == warned_at  # the warning was given: it stays warned
    clock.freeze(late + timedelta(minutes=1))
    sweep(db.session, clock.now())
    db.session.commit()
    assert check(t)[0] == late  # the breach recorded after it changes nothing


def test_the_migration_and_refresh_all_fill_what_the_hooks_keep(new_ticket, user_of):
    tickets = [new_ticket(category=c, priority=p, unit="north")
               for c, p in [("repair", "urgent"), ("repair", "normal"), ("leak", "emergency"), ("complaint", "normal")]]
    clock.advance(timedelta(minutes=10))
    sla.pause_ticket(tickets[1], "parts on order", user_of("dispatcher"))
    work.advance(tickets[0], "accept", user_of("crew"), tickets[0].version)
    db.session.commit()
    kept = [check(t) for t in tickets]
    ids = [t.id for t in tickets]
    assert any(k != (None, None) for k in kept) and (None, None) in kept
    db.session.execute(update(Ticket).values(sla_late_at=None, sla_warn_at=None))
    marks.refresh_all(db.session.connection())
    db.session.commit()
    assert [stored(i) for i in ids] == kept
    db.session.remove()
    downgrade(revision="0026_list_parts")
    upgrade()
    assert [stored(i) for i in ids] == kept
