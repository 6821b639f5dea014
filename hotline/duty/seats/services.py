"""The rules of seats: signing in to a shift and a seat, ready/busy/away, the
sign-out log for time away, and the work counted per person per shift."""
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from hotline.calls.models import Call
from hotline.core import clock, error_catalog
from hotline.core.errors import Conflict, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.core.outbox import add_event
from hotline.duty.rosters import services as rosters
from hotline.duty.rosters.models import ShiftTemplate
from hotline.duty.rosters.slots import ShiftSlot, candidate_slots, slot_times
from hotline.duty.seats.models import AwayEntry, Seat, SeatSession, SeatState
from hotline.tickets.models import Ticket
from hotline.users.models import User

error_catalog.define({
    "unknown_seat": _l("unknown seat '%(code)s'"),
    "signed_in": _l("%(user)s is already signed in at seat %(seat)s"),
    "seat_taken": _l("seat %(seat)s is taken by %(user)s"),
    "day_needed": _l("give the day of the shift"),
    "not_rostered": _l("%(user)s is not on the roster for a shift now or within the hour"),
    "away_reason_needed": _l("say why you are away"),
})

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


# --- signing in, states, signing out --------------------------------------------------------------

AWAY_LOGGED_AFTER = timedelta(minutes=5)  # 签出登记: away longer than this is written down
EARLY_SIGN_IN = timedelta(minutes=60)  # the incoming shift arrives early (5-30 min by center)


def find_seat(code: str) -> Seat:
    seat = db.session.scalar(select(Seat).where(Seat.code == code))
    if seat is None or not seat.active:
        raise ValidationFailed.at("seat", "unknown_seat", code=code)
    return seat


def active_seats() -> list[Seat]:
    return db.session.scalars(select(Seat).where(Seat.active).order_by(Seat.sort_order, Seat.code)).all()


def occupant(seat: Seat, at: datetime | None = None) -> SeatSession | None:
    at = at or clock.now()
    rows = db.session.scalars(
        select(SeatSession).where(SeatSession.seat_id == seat.id, SeatSession.signed_out_at.is_(None))
    ).all()
    return next((s for s in rows if signed_in(s.user, at) is s), None)


def my_shifts(user: User, at: datetime | None = None) -> list[ShiftSlot]:
    """The user's rostered shifts that are on now or start within the early sign-in window."""
    at = at or clock.now()
    slots = candidate_slots(rosters.active_templates(), at, 1, 1)
    mine = []
    for s in slots:
        if s.ends_at <= at or s.starts_at > at + EARLY_SIGN_IN:
            continue
        if any(p.id == user.id for p in rosters.rostered(s.template.id, s.day)):
            mine.append(rosters.slot(s.template, s.day))
    return sorted(mine, key=lambda s: s.starts_at)


def _check_version(session: SeatSession, expected: int | None) -> None:
    check_version(session, expected, what=_l("seat session"))


def sign_in(user: User, seat_code: str, template: ShiftTemplate | None = None, day: date | None = None) -> SeatSession:
    """Sign in to a seat for a rostered shift (the current one, or the next within the hour)."""
    now = clock.now()
    seat = find_seat(seat_code)
    stale = open_session(user)
    if stale is not None:
        if signed_in(user, now) is stale:
            raise Conflict("signed_in", user=user.username, seat=stale.seat.code)
        _close(stale, now)  # left open after its shift: closed now, no away entry invented
    if (taken := occupant(seat, now)) is not None:
        raise Conflict("seat_taken", seat=seat.code, user=taken.user.username)
    options = my_shifts(user, now)
    if template is not None:
        if day is None:
            raise ValidationFailed.at("day", "day_needed")
        options = [s for s in options if s.key == (template.id, day)]
    if not options:
        raise Conflict("not_rostered", user=user.username)
    slot = options[0]
    session = SeatSession(user_id=user.id, seat_id=seat.id, template_id=slot.template.id, day=slot.day,
                          signed_in_at=now, state=SeatState.READY, state_since=now)
    db.session.add(session)
    db.session.flush()
    _announce(session)
    return session


def set_state(session: SeatSession, state: SeatState, reason: str | None, expected_version: int | None) -> SeatSession:
    """Ready, busy (示忙) or away with a reason. Coming back after more than five
    minutes away writes the sign-out log."""
    _check_version(session, expected_version)
    now = clock.now()
    if state == SeatState.AWAY and not reason:
        raise ValidationFailed.at("reason", "away_reason_needed")
    if session.state == SeatState.AWAY and state == SeatState.AWAY:
        session.away_reason = reason  # a new reason, same absence
        db.session.flush()
        _announce(session)
        return session
    _log_away(session, now)
    session.state = state
    session.state_since = now
    session.away_reason = reason if state == SeatState.AWAY else None
    db.session.flush()
    _announce(session)
    return session


def sign_out(session: SeatSession, expected_version: int | None) -> SeatSession:
    _check_version(session, expected_version)
    _close(session, clock.now())
    db.session.flush()
    _announce(session)
    return session


def _close(session: SeatSession, at: datetime) -> None:
    _log_away(session, at)
    session.signed_out_at = at


def _log_away(session: SeatSession, back_at: datetime) -> AwayEntry | None:
    if session.state != SeatState.AWAY:
        return None
    away = back_at - session.state_since
    if away <= AWAY_LOGGED_AFTER:
        return None
    entry = AwayEntry(session_id=session.id, user_id=session.user_id, seat_id=session.seat_id,
                      reason=session.away_reason or "", left_at=session.state_since, back_at=back_at,
                      minutes=round(away.total_seconds() / 60, 1))
    db.session.add(entry)
    return entry


def away_log(first: datetime, last: datetime) -> list[AwayEntry]:
    return db.session.scalars(
        select(AwayEntry).where(AwayEntry.left_at >= first, AwayEntry.left_at < last).order_by(AwayEntry.left_at.desc())
    ).all()


# --- who is on duty, and what they handled --------------------------------------------------------


def counts(user: User, starts_at: datetime, ends_at: datetime) -> dict[str, int]:
    """Tickets logged and calls answered by a person within a shift's time."""
    tickets = db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.operator_id == user.id, Ticket.created_at >= starts_at, Ticket.created_at < ends_at))
    calls = db.session.scalar(select(func.count(Call.id)).where(
        Call.operator_id == user.id, func.coalesce(Call.answered_at, Call.rang_at) >= starts_at,
        func.coalesce(Call.answered_at, Call.rang_at) < ends_at))
    return {"tickets": tickets or 0, "calls": calls or 0}


def person_view(user: User, session: SeatSession | None, slot: ShiftSlot | None) -> dict:
    if session is not None:
        starts, ends = session_window(session)
        template = session.template
        day = session.day
    elif slot is not None:
        starts, ends, template, day = slot.starts_at, slot.ends_at, slot.template, slot.day
    else:
        starts = ends = template = day = None
    return {
        "username": user.username,
        "name": user.display_name,
        "role": user.role.value,
        "seat": session.seat.code if session else None,
        "seat_name": session.seat.name if session else None,
        "state": (session.state.value if session.signed_out_at is None else "signed_out") if session else "not_signed_in",
        "since": (session.state_since if session.signed_out_at is None else session.signed_out_at).isoformat() if session else None,
        "away_reason": session.away_reason if session and session.signed_out_at is None else None,
        "session_id": session.id if session else None,
        "version": session.version if session else None,
        "shift": template.code if template else None,
        "day": day.isoformat() if day else None,
        "starts_at": starts.isoformat() if starts else None,
        "ends_at": ends.isoformat() if ends else None,
        "from": f"{template.starts:%H:%M}" if template else None,  # the center's local time
        "to": f"{template.ends:%H:%M}" if template else None,
        **(counts(user, starts, min(ends, clock.now())) if starts else {"tickets": 0, "calls": 0}),
    }


def on_duty(locale: str = "en", with_reasons: bool = True) -> dict:
    """Everyone signed in now, and everyone rostered on the current shift who is not;
    without their away reasons for a wall board (`with_reasons` False)."""
    now = clock.now()
    current, upcoming = rosters.shift_at(now), rosters.next_shift(now)
    sessions = db.session.scalars(select(SeatSession).where(SeatSession.signed_out_at.is_(None))).all()
    people = [person_view(s.user, s, None) for s in sessions if signed_in(s.user, now) is s]
    present = {p["username"] for p in people}
    if current is not None:
        people += [person_view(u, None, current) for u in current.people if u.username not in present]
    order = {"busy": 0, "ready": 1, "away": 2, "not_signed_in": 3}
    people.sort(key=lambda p: (order.get(p["state"], 9), p["seat"] or "~", p["name"]))
    if not with_reasons:
        for person in people:
            person["away_reason"] = None
    return {
        "now": now.isoformat(),
        "shift": slot_view(current, locale),
        "next_shift": slot_view(upcoming, locale),
        "people": people,
        "shift_names": {t.code: t.name(locale) for t in rosters.active_templates()},
        "nobody_on_duty": current is not None and not any(p["state"] in ("ready", "busy", "away") for p in people),
    }


def slot_view(slot: ShiftSlot | None, locale: str = "en") -> dict | None:
    if slot is None:
        return None
    return {
        "shift": slot.template.code,
        "name": slot.template.name(locale),
        "day": slot.day.isoformat(),
        "starts_at": slot.starts_at.isoformat(),
        "ends_at": slot.ends_at.isoformat(),
        "from": f"{slot.template.starts:%H:%M}",  # the center's local time
        "to": f"{slot.template.ends:%H:%M}",
        "people": [p.username for p in slot.people],
    }


def _announce(session: SeatSession) -> None:
    """The center room hears it, wall boards too: the state, never the away reason (a
    screen reads on-duty again for what its viewer may see)."""
    view = person_view(session.user, session, None)
    view.pop("away_reason", None)
    add_event(db.session, "seat.changed", view, [])


# --- the settings page: seats created once, renamed, deactivated ------------------------------------


def all_seats() -> list[Seat]:
    """Every seat, inactive ones too."""
    return db.session.scalars(select(Seat).order_by(Seat.sort_order, Seat.code)).all()


def create_seat(data) -> Seat:
    """A new seat; an existing code is refused rather than overwritten."""
    if db.session.scalar(select(Seat.id).where(Seat.code == data.code)) is not None:
        raise ValidationFailed.at("code", "code_taken")
    seat = Seat(code=data.code, name=data.name, sort_order=data.sort_order, active=data.active)
    db.session.add(seat)
    db.session.flush()
    return seat


def update_seat(seat_id: int, data, expected_version: int | None) -> Seat:
    """Rename, reorder, (de)activate, as last seen (409 when someone saved it since). A
    deactivated seat takes no new sign-in; whoever sits there stays until they sign out."""
    seat = get_or_404(Seat, seat_id, _l("seat"))
    check_version(seat, expected_version, what=_l("seat"), ident=seat.code, required=True)
    if data.code != seat.code:
        raise ValidationFailed.at("code", "code_fixed", what=_l("seat"))
    seat.name, seat.sort_order, seat.active = data.name, data.sort_order, data.active
    db.session.flush()
    return seat
