"""The demo on a normal day, whenever it starts: the history is done and the open work
is today's. Older than a day, every ticket was worked to its end (dispatched, the crew
radioed its steps, the caller was called back and it was closed); of what is overdue
now, the desk has caught up with all but a handful; and the hours since the demo last
ran brought a few new calls. Only a database `flask demo-data` filled (it carries a
DemoInstance row) is ever touched: a real center's data never."""
import random
from datetime import datetime, timedelta

from sqlalchemy import func, select

from dispatch.workorders.services import advance, dispatch_ticket
from hotline.callbacks.models import Callback, CallbackStatus, Satisfaction
from hotline.callbacks.services import record_attempt
from hotline.core import clock
from hotline.core.extensions import db
from hotline.demo.calls import RESULTS
from hotline.demo.models import DemoInstance
from hotline.sla.engine.sweep import next_deadline, sweep
from hotline.sla.models import SlaClock
from hotline.tickets.models import OPEN_STATUSES, Status, Ticket
from hotline.tickets.services import close_ticket
from hotline.units.models import Unit
from hotline.users.models import Role, User

DONE_AFTER = timedelta(days=1)  # history older than this is finished work
LATE_KEPT = 4  # overdue tickets the desk has not caught up with yet
FRESH_HOURS = 6  # new calls reach back at most this far
STEPS = ["accept", "en_route", "on_site", "resolve"]
STEP_OF = {Status.DISPATCHED: 0, Status.ACCEPTED: 1, Status.EN_ROUTE: 2, Status.ON_SITE: 3}
SWEEP_LIMIT = 5000


def instance() -> DemoInstance | None:
    return db.session.scalar(select(DemoInstance).limit(1))


def mark(now: datetime) -> None:
    db.session.add(DemoInstance(seeded_at=now, refreshed_at=now))


def _staff(role: Role) -> list[User]:
    return db.session.scalars(select(User).where(User.role == role, User.active).order_by(User.username)).all()


def _last_touch(ticket: Ticket) -> datetime:
    return max(ticket.updated_at, ticket.created_at)


def _finish(ticket: Ticket, rng: random.Random, now: datetime, desks: list[User], operators: list[User]) -> None:
    """Work one ticket to its end, each step a few minutes after the one before."""
    at = _last_touch(ticket)

    def tick():
        nonlocal at
        at = min(at + timedelta(minutes=rng.randint(4, 40)), now)
        clock.freeze(at)

    desk = rng.choice(desks)
    if ticket.status in (Status.NEW, Status.RETURNED):
        tick()
        unit = ticket.unit or db.session.scalar(select(Unit).where(Unit.code == "center"))
        dispatch_ticket(ticket, unit, desk, None)
    if ticket.status in STEP_OF:
        for step in STEPS[STEP_OF[ticket.status]:]:
            tick()
            advance(ticket, step, desk, None, rng.choice(RESULTS) if step == "resolve" else None)
    if ticket.status == Status.RESOLVED:
        tick()
        callback = db.session.scalar(select(Callback).where(Callback.ticket_id == ticket.id,
                                                            Callback.status == CallbackStatus.PENDING))
        if callback is not None:
            record_attempt(callback, rng.choice(operators), callback.version, reached=True, solved=True,
                           satisfaction=rng.choice([Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED]))
        if ticket.status == Status.RESOLVED:
            close_ticket(ticket, desk, None)


def _overdue_tickets(now: datetime) -> list[Ticket]:
    """Open tickets with a deadline passed and still running, newest first."""
    late = (select(SlaClock.ticket_id).where(SlaClock.stopped_at.is_(None), SlaClock.due_at <= now))
    return db.session.scalars(select(Ticket).where(Ticket.id.in_(late), Ticket.status.in_(OPEN_STATUSES))
                              .order_by(Ticket.created_at.desc())).all()


def settle(now: datetime, rng: random.Random) -> int:
    """Finish the old work and all but LATE_KEPT of the overdue; returns how many tickets."""
    desks, operators = _staff(Role.DISPATCHER), _staff(Role.OPERATOR)
    old = db.session.scalars(select(Ticket).where(Ticket.status.in_(OPEN_STATUSES),
                                                  Ticket.created_at < now - DONE_AFTER).order_by(Ticket.id)).all()
    for ticket in old:
        _finish(ticket, rng, now, desks, operators)
    db.session.commit()
    caught_up = _overdue_tickets(now)[LATE_KEPT:]
    for ticket in caught_up:
        _finish(ticket, rng, now, desks, operators)
    clock.freeze(now)
    db.session.commit()
    return len(old) + len(caught_up)


def catch_up_deadlines(now: datetime) -> None:
    """What fell due while the demo was stopped, in order, as the scheduler would have."""
    for _ in range(SWEEP_LIMIT):
        due = next_deadline(db.session)
        if due is None or due > now:
            break
        clock.freeze(due)
        sweep(db.session, due)
    clock.freeze(now)
    db.session.commit()


def open_counts(now: datetime) -> tuple[int, int]:
    """(open tickets, open tickets overdue)."""
    total = db.session.scalar(select(func.count()).select_from(Ticket).where(Ticket.status.in_(OPEN_STATUSES)))
    return total, len(_overdue_tickets(now))
