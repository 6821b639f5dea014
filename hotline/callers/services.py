"""Finding callers, remembering their addresses, and their history."""
from datetime import timedelta

from sqlalchemy import func, select

from hotline.core import clock
from hotline.callers.models import Caller, CallerAddress
from hotline.callers.phones import normalize_phone
from hotline.core.extensions import db
from hotline.tickets.models import OPEN_STATUSES, Ticket

REPEAT_WINDOW = timedelta(days=30)


def find_caller(phone: str) -> Caller | None:
    return db.session.scalar(select(Caller).where(Caller.phone == normalize_phone(phone)))


def find_or_create_caller(phone: str, name: str | None, field: str = "caller.phone") -> Caller:
    e164 = normalize_phone(phone, field)
    caller = db.session.scalar(select(Caller).where(Caller.phone == e164))
    if caller is None:
        caller = Caller(phone=e164, name=name or None)
        db.session.add(caller)
        db.session.flush()
    elif name and name != caller.name:
        caller.name = name  # the latest name given is the one to greet them by
    return caller


def remember_address(caller: Caller, address: str) -> None:
    existing = db.session.scalar(
        select(CallerAddress).where(
            CallerAddress.caller_id == caller.id, CallerAddress.address == address
        )
    )
    if existing:
        existing.last_used_at = clock.now()
    else:
        db.session.add(CallerAddress(caller_id=caller.id, address=address))


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
