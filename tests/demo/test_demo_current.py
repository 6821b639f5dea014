"""The demo opens on a normal day, whenever it starts: old work finished, a handful of
tickets late, the open work today's. Started again days later (the controllable clock),
it brings itself to that day; a database it did not fill is never touched."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.demo import seed_demo
from hotline.demo.models import DemoInstance
from hotline.duty.rosters import services as rosters
from hotline.duty.rosters.models import RosterStatus
from hotline.sla.models import SlaClock
from hotline.tickets.models import OPEN_STATUSES, Ticket

# 28 Nov 2026, 10:00 in Shanghai; started again on 1 Dec at 15:00: a new day and a new month
FIRST = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)
AGAIN = datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)
MAX_LATE = 5


def _open():
    return db.session.scalars(select(Ticket).where(Ticket.status.in_(OPEN_STATUSES))).all()


def _late(now):
    """Open tickets with a deadline passed and its clock still running."""
    running = select(SlaClock.ticket_id).where(SlaClock.stopped_at.is_(None), SlaClock.due_at <= now)
    return db.session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.id.in_(running), Ticket.status.in_(OPEN_STATUSES)))


def _warned(now):
    return db.session.scalar(select(func.count()).select_from(SlaClock).where(
        SlaClock.stopped_at.is_(None), SlaClock.warned_at.is_not(None), SlaClock.breached_at.is_(None)))


def _check_normal_day(now):
    open_now = _open()
    assert open_now, "a center with nothing to do is no demo"
    assert _late(now) <= MAX_LATE
    oldest = min(t.created_at for t in open_now)
    assert now - oldest <= timedelta(days=1), oldest  # older work is done
    return len(open_now)


def test_the_demo_opens_on_a_normal_day_and_stays_current_on_another_day(ctx):
    clock.freeze(FIRST)
    lines = list(seed_demo(tickets=120, days=6))
    assert clock.now() == FIRST  # the test's clock, held through the demo's history
    first_open = _check_normal_day(FIRST)
    assert any("overdue" in line for line in lines)
    made = db.session.scalar(select(func.count()).select_from(Ticket))

    clock.freeze(AGAIN)
    lines = list(seed_demo(tickets=120, days=6))
    assert "brought to today" in lines[0], lines[0]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) > made  # the morning's calls
    again_open = _check_normal_day(AGAIN)
    assert _warned(AGAIN) + _late(AGAIN) >= 1  # something for the supervisor to watch
    assert db.session.scalar(select(DemoInstance.refreshed_at)) == AGAIN
    december = rosters.roster_of(AGAIN.date().replace(day=1))
    assert december is not None and december.status == RosterStatus.PUBLISHED
    assert abs(again_open - first_open) < 40

    # the same start twice: nothing new
    count = db.session.scalar(select(func.count()).select_from(Ticket))
    list(seed_demo(tickets=120, days=6))
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == count


def test_a_database_the_demo_did_not_fill_is_never_touched(ctx, users):
    """A real center (users, no demo mark) with a ticket open for a week stays as it is."""
    from hotline.tickets.models import Channel
    from hotline.tickets.schemas import TicketCreate
    from hotline.tickets.services import create_ticket
    from hotline.users.models import User

    week_ago = datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)
    clock.freeze(week_ago)
    operator = db.session.scalar(select(User).where(User.username == "operator"))
    ticket = create_ticket(TicketCreate(category="repair", matter="water meter stuck", area="东湖区"), operator,
                           Channel.WALK_IN)
    db.session.commit()
    clock.freeze(FIRST)
    lines = list(seed_demo(tickets=120, days=6))
    assert "not a demo database" in lines[0]
    db.session.refresh(ticket)
    assert ticket.is_open and ticket.updated_at == week_ago
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
