"""A caller's history: what the operator needs when the phone rings."""
from datetime import timedelta

from sqlalchemy import func, select

from hotline.callers.services import find_caller
from hotline.core import clock
from hotline.core.extensions import db
from hotline.tickets.models import OPEN_STATUSES, Ticket

REPEAT_WINDOW = timedelta(days=30)


def caller_history(phone: str, limit: int = 50) -> dict:
    """What the operator needs when the phone rings: who, where, and what before."""
    caller = find_caller(phone)
    if caller is None:
        return {"caller": None, "tickets": [], "open_count": 0, "recent_count": 0, "repeat": False}
    tickets = db.session.scalars(
        select(Ticket)
        .where(Ticket.caller_id == caller.id)
        .order_by(Ticket.created_at.desc())
        .limit(limit)
    ).all()
    since = clock.now() - REPEAT_WINDOW
    recent_count = db.session.scalar(
        select(func.count()).where(Ticket.caller_id == caller.id, Ticket.created_at >= since)
    )
    open_count = db.session.scalar(
        select(func.count()).where(
            Ticket.caller_id == caller.id, Ticket.status.in_(list(OPEN_STATUSES))
        )
    )
    return {
        "caller": caller,
        "tickets": tickets,
        "open_count": open_count,
        "recent_count": recent_count,
        "repeat": recent_count >= 1,
    }
