"""Finding callers and remembering their addresses."""
from sqlalchemy import select

from hotline.callers.models import Caller, CallerAddress
from hotline.callers.phones import normalize_phone
from hotline.core import clock
from hotline.core.extensions import db


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
