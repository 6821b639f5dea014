"""Demo duty data: three shifts around the clock, six seats, this month's roster
published (a four-day rota for the operators), one swap waiting for the supervisor,
and the people of the shift on now signed in to their seats."""
from datetime import time, timedelta

from sqlalchemy import select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.duty.rosters import requests, services
from hotline.duty.rosters.models import RequestKind, ShiftStaffing, ShiftTemplate
from hotline.duty.seats import services as seats
from hotline.duty.seats.models import Seat, SeatState
from hotline.users.models import Role, User

SHIFTS = [  # code, en, zh, starts, ends, {role: (min, max)}
    ("day", "Day", "白班", time(8, 30), time(16, 30),
     {Role.OPERATOR: (1, 3), Role.DISPATCHER: (1, 2), Role.SUPERVISOR: (1, 1)}),
    ("evening", "Evening", "中班", time(16, 30), time(23, 30), {Role.OPERATOR: (1, 2), Role.DISPATCHER: (1, 1)}),
    ("night", "Night", "夜班", time(23, 30), time(8, 30), {Role.OPERATOR: (1, 2)}),
]
ROTA = ["day", "evening", "night", None]  # each operator: day, evening, night, a day off


def seed_duty(users: dict[str, User]) -> str:
    templates = {}
    for order, (code, en, zh, starts, ends, staffing) in enumerate(SHIFTS, 1):
        t = ShiftTemplate(code=code, name_en=en, name_zh=zh, starts=starts, ends=ends, sort_order=order)
        t.staffing = [ShiftStaffing(role=r, min_count=lo, max_count=hi) for r, (lo, hi) in staffing.items()]
        db.session.add(t)
        templates[code] = t
    db.session.add_all(Seat(code=f"A0{n}", name=f"A0{n}", sort_order=n) for n in range(1, 7))
    db.session.flush()

    lead = users["lead1"]
    month = clock.local().date().replace(day=1)
    for i, day in enumerate(services.month_days(month)):
        cells = {code: [] for code in templates}
        for n in range(4):
            shift = ROTA[(i + n) % 4]
            if shift:
                cells[shift].append(users[f"op{n + 1}"])
        first, second = (users["disp1"], users["disp2"]) if (i // 7) % 2 == 0 else (users["disp2"], users["disp1"])
        cells["day"] += [first, users["lead1" if i % 2 == 0 else "lead2"]]
        cells["evening"].append(second)
        for code, people in cells.items():
            services.set_cell(month, day, templates[code], people, lead, None)
    services.publish(month, lead, None)
    db.session.commit()

    requested = _a_pending_swap(users, templates)
    signed = _sign_in_the_current_shift()
    db.session.commit()
    return f"duty: {len(templates)} shifts, 6 seats, roster {month:%Y-%m} published, {requested} swap request, {signed} signed in"


def _a_pending_swap(users: dict[str, User], templates: dict[str, ShiftTemplate]) -> int:
    """op2 asks to swap a night three days ahead with op3's day shift, if both are there."""
    day = clock.local().date() + timedelta(days=3)
    if day.month != clock.local().month:
        return 0
    op2, op3 = users["op2"], users["op3"]
    mine = next((t for t in templates.values() if op2 in services.rostered(t.id, day)), None)
    theirs = next((t for t in templates.values() if op3 in services.rostered(t.id, day)), None)
    if not mine or not theirs:
        return 0
    requests.file_request(op2, RequestKind.SWAP, day, mine, "家里有事 / family matter", op3, day, theirs)
    return 1


def _sign_in_the_current_shift() -> int:
    now_slot = services.shift_at(clock.now())
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
