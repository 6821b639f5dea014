"""Seat endpoints of the JSON API: signing in, ready/busy/away, the on-duty list for
the wall board, and the sign-out log."""
from datetime import datetime, timedelta

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from hotline.core import clock, error_catalog
from hotline.core.api import bp, committed, json_body
from hotline.core.errors import Conflict, NotFound
from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.openapi import operation
from hotline.core.permissions import (
    DRAW_ROSTER,
    MANAGE_DUTY_SETUP,
    READ_BOARD,
    READ_ROSTER,
    SEAT_WORK,
    Role,
    require,
)
from hotline.core.validation import parse, parse_day
from hotline.duty.rosters import services as rosters
from hotline.duty.rosters.api import person
from hotline.duty.rosters.models import ShiftTemplate
from hotline.duty.rosters.schemas import ShiftPath
from hotline.duty.seats import services
from hotline.duty.seats.models import Seat
from hotline.duty.seats.schemas import (
    AwayLogQuery,
    SeatIn,
    SignInIn,
    SignOutIn,
    StateIn,
)
from hotline.duty.seats.services import counts, slot_view

_CONFLICT = {409: "Stale version, or refused by a rule; `code` says which (seat_taken, not_rostered, not_signed_in...)"}
error_catalog.define({
    "not_signed_in": _l("%(user)s is not signed in to a seat"),
    "no_such_shift": _l("no shift '%(code)s'"),
})


def seat_view(seat: Seat) -> dict:
    taken = services.occupant(seat)
    return {
        "code": seat.code,
        "name": seat.name,
        "sort_order": seat.sort_order,
        "active": seat.active,
        "version": seat.version,
        "taken_by": {"username": taken.user.username, "name": taken.user.display_name} if taken else None,
    }


def me_view() -> dict:
    session = services.signed_in(current_user)
    return {
        "session": services.person_view(current_user, session, None) if session else None,
        "shifts": [services.slot_view(s, current_locale()) for s in services.my_shifts(current_user)],
        "seats": [seat_view(s) for s in services.active_seats()],
        "away_logged_after_minutes": int(services.AWAY_LOGGED_AFTER.total_seconds() // 60),
        "now": clock.now().isoformat(),
    }


def _my_session():
    session = services.signed_in(current_user)
    if session is None:
        raise Conflict("not_signed_in", user=current_user.username)
    return session


@bp.get("/v1/seats")
@operation("Seats and who sits at each", returns="Seats")
@require(READ_ROSTER | MANAGE_DUTY_SETUP)
def list_seats():
    items = db.session.scalars(select(Seat).order_by(Seat.sort_order, Seat.code)).all()
    return jsonify(items=[seat_view(s) for s in items])


@bp.post("/v1/seats")
@operation("Create a seat (201), or change the one with this code given the version you saw (200; 409 when stale or "
           "missing) (admin)", body=SeatIn, status={201: "The new seat", 200: "The seat, changed"})
@require(MANAGE_DUTY_SETUP)
def save_seat():
    data = parse(SeatIn, json_body())
    existing = db.session.scalar(select(Seat).where(Seat.code == data.code))
    seat = services.update_seat(existing.id, data, data.version) if existing else services.create_seat(data)
    return committed(seat_view(seat), 200 if existing else 201)


@bp.get("/v1/seats/me")
@operation("My seat session, my shifts I may sign in to now, the seats", returns="My seat")
@require(SEAT_WORK)
def my_seat():
    return jsonify(me_view())


@bp.post("/v1/seats/sign-in")
@operation("Sign in to a seat for my rostered shift (now, or starting within the hour)", body=SignInIn, status=201,
           returns="My seat", errors=_CONFLICT)
@require(SEAT_WORK)
def seat_sign_in():
    data = parse(SignInIn, json_body())
    template = rosters.find_template(data.shift) if data.shift else None
    services.sign_in(current_user, data.seat, template, data.day)
    return committed(me_view(), 201)


@bp.post("/v1/seats/state")
@operation("Ready, busy 示忙 or away with a reason; back after more than 5 minutes away writes the sign-out log 签出登记",
           body=StateIn, returns="My seat", errors=_CONFLICT)
@require(SEAT_WORK)
def seat_state():
    data = parse(StateIn, json_body())
    services.set_state(_my_session(), data.state, data.reason, data.version)
    return committed(me_view())


@bp.post("/v1/seats/sign-out")
@operation("Sign out of the seat at the end of the shift", body=SignOutIn, returns="My seat", errors=_CONFLICT)
@require(SEAT_WORK)
def seat_sign_out():
    data = parse(SignOutIn, json_body())
    services.sign_out(_my_session(), data.version)
    return committed(me_view())


@bp.get("/v1/seats/on-duty")
@operation("Who is on duty and their state, the current and next shift, tickets and calls per person this shift; "
           "live: seat.changed", returns="On duty")
@require(READ_BOARD)
def on_duty():
    """Who is on duty and their state. `seq`: apply `seat.changed` events after it."""
    seq = db.session.scalar(select(func.max(LiveEvent.seq))) or 0
    # A wall board is read by the room: who is away, not why.
    return jsonify(seq=seq, **services.on_duty(current_locale(), with_reasons=current_user.role != Role.BOARD))


@bp.get("/v1/seats/away-log")
@operation("签出登记: times away longer than 5 minutes on a local day", query=AwayLogQuery, returns="The sign-out log")
@require(DRAW_ROSTER)
def away_log():
    """签出登记: absences longer than five minutes, for a local day (default today)."""
    text = request.args.get("day")
    day = parse_day(text, "day") if text else clock.local().date()
    start = datetime.combine(day, datetime.min.time(), tzinfo=clock.center_tz())
    entries = services.away_log(start, start + timedelta(days=1))
    return jsonify(
        day=day.isoformat(),
        items=[
            {
                "user": {"username": e.user.username, "name": e.user.display_name},
                "seat": e.seat.code,
                "reason": e.reason,
                "left_at": e.left_at.isoformat(),
                "back_at": e.back_at.isoformat(),
                "minutes": e.minutes,
            }
            for e in entries
        ],
    )


@bp.get("/v1/shifts/current")
@operation("The shift on duty now and the next one, with the people rostered", returns="Current and next shift")
@require(READ_ROSTER)
def current_shift():
    now_slot, next_slot = rosters.now_and_next()
    return jsonify(shift=slot_view(now_slot, current_locale()), next_shift=slot_view(next_slot, current_locale()))


@bp.get("/v1/shifts/<day>/<shift>")
@operation("One shift of a day: the people rostered and the tickets and calls each handled within it", path=ShiftPath,
           returns="The shift", errors={422: "Not a date"})
@require(READ_ROSTER)
def shift_detail(day: str, shift: str):
    """One shift of a day: who was rostered and what each handled (tickets, calls)."""
    on = parse_day(day, "day")
    template = db.session.scalar(select(ShiftTemplate).where(ShiftTemplate.code == shift))
    if template is None:
        raise NotFound("no_such_shift", code=shift)
    s = rosters.slot(template, on)
    view = slot_view(s, current_locale())
    view["people"] = [{**person(u), **counts(u, s.starts_at, s.ends_at)} for u in s.people]
    return jsonify(view)
