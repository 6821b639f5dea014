"""The rules of seats: signing in to a shift and a seat, ready/busy/away, the
sign-out log for time away, and the work counted per person per shift."""
from datetime import datetime, timedelta

from sqlalchemy import select

from hotline import clock
from hotline.extensions import db
from hotline.rosters.models import ShiftTemplate
from hotline.rosters.slots import slot_times
from hotline.seats.models import SeatSession
from hotline.users.models import User

# A session left open this long after its shift ended no longer counts as signed in.
SIGNED_IN_GRACE = timedelta(hours=2)


def open_session(user: User) -> SeatSession | None:
    return db.session.scalar(
        select(SeatSession)
        .where(SeatSession.user_id == user.id, SeatSession.signed_out_at.is_(None))
        .order_by(SeatSession.id.desc())
    )


def session_window(session: SeatSession) -> tuple[datetime, datetime]:
    template = db.session.get(ShiftTemplate, session.template_id)
    return slot_times(template, session.day)


def signed_in(user: User, at: datetime | None = None) -> SeatSession | None:
    """The user's open seat session at a time (default now), if they are signed in."""
    at = at or clock.now()
    session = open_session(user)
    if session is None or session.signed_in_at > at:
        return None
    _, ends = session_window(session)
    return session if at < ends + SIGNED_IN_GRACE else None
