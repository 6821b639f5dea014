"""Finding callers and remembering their addresses."""
from sqlalchemy import select

from hotline.callers.models import Caller, CallerAddress
from hotline.callers.phones import normalize_phone
from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import upsert


def find_caller(phone: str) -> Caller | None:
    return db.session.scalar(select(Caller).where(Caller.phone == normalize_phone(phone)))


def find_or_create_caller(phone: str, name: str | None, field: str = "caller.phone") -> Caller:
    e164 = normalize_phone(phone, field)
    caller = db.session.scalar(select(Caller).where(Caller.phone == e164))
    if caller is None:
        # Two calls from a new number at once: one insert wins, the other does nothing
        # (PostgreSQL waits for the winner's commit) and both read the same caller.
        db.session.execute(
            upsert(db.session, Caller)
            .values(phone=e164, name=name or None, created_at=clock.now())
            .on_conflict_do_nothing(index_elements=[Caller.phone])
        )
        caller = db.session.scalar(select(Caller).where(Caller.phone == e164))
    if name and name != caller.name:
        caller.name = name  # the latest name given is the one to greet them by
    return caller


def remember_address(caller: Caller, address: str) -> None:
    """Add the address to the caller's, or mark it used now: one statement, safe when
    two calls give the same new address at once."""
    now = clock.now()
    db.session.execute(
        upsert(db.session, CallerAddress)
        .values(caller_id=caller.id, address=address, last_used_at=now)
        .on_conflict_do_update(
            index_elements=[CallerAddress.caller_id, CallerAddress.address],
            set_={"last_used_at": now},
        )
    )
    # Loaded addresses (caller.addresses) are stale now; the next access reloads them.
    db.session.expire(caller, ["addresses"])
