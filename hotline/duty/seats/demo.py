"""Demo seats: six seats, and the people of the shift on now signed in to them."""
from sqlalchemy import select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.duty.rosters import services as rosters
from hotline.duty.seats import services as seats
from hotline.duty.seats.models import Seat, SeatState
from hotline.users.models import Role


def seed_seats() -> str:
    db.session.add_all(Seat(code=f"A0{n}", name=f"A0{n}", sort_order=n) for n in range(1, 7))
    db.session.flush()
    signed = _sign_in_the_current_shift()
    db.session.commit()
    return f"seats: 6 seats, {signed} signed in"


def _sign_in_the_current_shift() -> int:
    now_slot = rosters.shift_at(clock.now())
    if now_slot is None:
        return 0
    seat_codes = db.session.scalars(select(Seat.code).order_by(Seat.sort_order)).all()
    signed = 0
    for person, code in zip([p for p in now_slot.people if p.role in (Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR)], seat_codes):
        session = seats.sign_in(person, code, now_slot.template, now_slot.day)
        if person.role == Role.OPERATOR and signed == 0:
            seats.set_state(session, SeatState.BUSY, None, None)
        signed += 1
    return signed
