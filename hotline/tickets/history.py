"""A caller's history: what the operator needs when the phone rings. Built only from
the tickets on which the viewer sees the caller in full, each with its own snapshot:
a confidential ticket of the same number shows nothing of itself (not its name,
address, matter, nor that it exists) to anyone else."""
from datetime import timedelta

from sqlalchemy import func, select

from hotline.callers.privacy import caller_sight
from hotline.callers.services import find_caller
from hotline.core import clock
from hotline.core.extensions import db
from hotline.tickets.models import OPEN_STATUSES, Ticket
from hotline.tickets.sight import caller_visible
from hotline.users.models import User

REPEAT_WINDOW = timedelta(days=30)
KNOWN_ADDRESSES = 5

_NOBODY = {"caller": None, "name": None, "addresses": [], "tickets": [], "open_count": 0, "recent_count": 0,
           "repeat": False}


def caller_history(phone: str, viewer: User, limit: int = 50) -> dict:
    """Who, where, and what before, as this viewer may see it. `caller` is None when
    the number never called, or only in confidence to someone else."""
    caller = find_caller(phone)
    if caller is None:
        return dict(_NOBODY)
    mine = (Ticket.caller_id == caller.id, caller_visible(caller_sight(viewer)))
    tickets = db.session.scalars(
        select(Ticket).where(*mine).order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
    ).all()
    if not tickets:
        return dict(_NOBODY)
    since = clock.now() - REPEAT_WINDOW
    recent_count = db.session.scalar(select(func.count()).where(*mine, Ticket.created_at >= since))
    open_count = db.session.scalar(select(func.count()).where(*mine, Ticket.status.in_(list(OPEN_STATUSES))))
    last_used = func.max(Ticket.created_at)
    addresses = db.session.scalars(
        select(Ticket.address).where(*mine, Ticket.address.is_not(None))
        .group_by(Ticket.address).order_by(last_used.desc()).limit(KNOWN_ADDRESSES)
    ).all()
    return {
        "caller": caller,
        "name": next((t.caller_name for t in tickets if t.caller_name), None),
        "addresses": list(addresses),
        "tickets": tickets,
        "open_count": open_count,
        "recent_count": recent_count,
        "repeat": recent_count >= 1,
    }
