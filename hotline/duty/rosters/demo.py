"""Demo duty data: three shifts around the clock, six seats, this month's roster
published (a four-day rota for the operators), one swap waiting for the supervisor,
(the seats and who sits them: hotline.duty.seats.demo)."""
from datetime import date, time, timedelta

from hotline.core import clock
from hotline.core.extensions import db
from hotline.duty.rosters import requests, services
from hotline.duty.rosters.models import RequestKind, ShiftStaffing, ShiftTemplate
from hotline.users.models import Role, User

SHIFTS = [  # code, en, zh, starts, ends, {role: (min, max)}
    ("day", "Day", "白班", time(8, 30), time(16, 30),
     {Role.OPERATOR: (1, 3), Role.DISPATCHER: (1, 2), Role.SUPERVISOR: (1, 1)}),
    ("evening", "Evening", "中班", time(16, 30), time(23, 30), {Role.OPERATOR: (1, 2), Role.DISPATCHER: (1, 1)}),
    ("night", "Night", "夜班", time(23, 30), time(8, 30), {Role.OPERATOR: (1, 2)}),
]
ROTA = ["day", "evening", "night", None]
EPOCH = date(2024, 1, 1)  # a Monday  # each operator: day, evening, night, a day off


def seed_duty(users: dict[str, User]) -> str:
    templates = {}
    for order, (code, en, zh, starts, ends, staffing) in enumerate(SHIFTS, 1):
        t = ShiftTemplate(code=code, name_en=en, name_zh=zh, starts=starts, ends=ends, sort_order=order)
        t.staffing = [ShiftStaffing(role=r, min_count=lo, max_count=hi) for r, (lo, hi) in staffing.items()]
        db.session.add(t)
        templates[code] = t
    db.session.flush()
    month = clock.local().date().replace(day=1)
    draw_month(users, templates, month)
    requested = _a_pending_swap(users, templates)
    db.session.commit()
    return f"duty: {len(templates)} shifts, roster {month:%Y-%m} published, {requested} swap request"


def draw_month(users: dict[str, User], templates: dict[str, ShiftTemplate], month) -> None:
    """The month as the supervisor draws it: the operators on the rotation, the dispatchers
    alternating weekly between day and evening, the two supervisors on alternate days."""
    lead = users["lead1"]
    for day in services.month_days(month):
        i = (day - EPOCH).days  # counted from a fixed day: the rotation runs on across months
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


def ensure_roster(users: dict[str, User]) -> str:
    """A demo started in a month it has no roster for gets one (the days before published
    as drawn; nothing of a month already drawn is changed)."""
    month = clock.local().date().replace(day=1)
    templates = {t.code: t for t in services.active_templates()}
    if services.roster_of(month) is not None or set(templates) != {code for code, *_ in SHIFTS}:
        return ""
    draw_month(users, templates, month)
    return f"; roster {month:%Y-%m} drawn and published"


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
