"""The rules of intake, tested through the services (no HTTP)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hotline.callers.models import Caller
from hotline.core import clock
from hotline.core.errors import Conflict, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.tickets import services
from hotline.tickets.history import caller_history
from hotline.tickets.models import Channel, Priority, Status, Ticket, TicketEvent
from hotline.tickets.schemas import TicketCreate

UTC = timezone.utc


# --- numbering -----------------------------------------------------------------------------


def test_number_is_local_date_and_daily_sequence(new_ticket):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    first, second = new_ticket(), new_ticket()
    assert first.number == "20261123-0001"
    assert second.number == "20261123-0002"


def test_day_boundary_follows_the_center_time_zone(new_ticket):
    # 23:59:59 in Shanghai is still the 23rd although UTC says 15:59.
    clock.freeze(datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC))
    assert new_ticket().number == "20261123-0001"
    # One second later it is midnight in Shanghai: a new day, the sequence starts again.
    clock.advance(timedelta(seconds=1))
    assert new_ticket().number == "20261124-0001"
    # UTC midnight is 08:00 in Shanghai: same local day, the sequence goes on.
    clock.freeze(datetime(2026, 11, 24, 0, 0, 1, tzinfo=UTC))
    assert new_ticket().number == "20261124-0002"


def test_day_boundary_with_another_center_time_zone(app, new_ticket):
    app.config["HOTLINE_TIMEZONE"] = "America/New_York"
    clock.freeze(datetime(2026, 11, 24, 3, 0, tzinfo=UTC))  # 22:00 on the 23rd in New York
    assert new_ticket().number == "20261123-0001"


# --- creation --------------------------------------------------------------------------------


def test_created_ticket_holds_the_intake_record(new_ticket):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    t = new_ticket(
        category="leak",
        matter="Water pouring out of the main on Renmin Road",
        address="Renmin Road 5",
        facts={"where": "Renmin Road 5", "what": "burst main"},
    )
    assert t.status == Status.NEW
    assert t.priority == Priority.URGENT  # the category's default
    assert t.channel == Channel.PHONE
    assert t.caller.phone == "+8613800138000"
    assert t.facts == {"where": "Renmin Road 5", "what": "burst main"}
    assert t.created_at == clock.now()
    assert t.operator.username == "operator"
    assert [a.address for a in t.caller.addresses] == ["Renmin Road 5"]


def test_priority_given_beats_the_category_default(new_ticket):
    assert new_ticket(category="leak", priority="emergency").priority == Priority.EMERGENCY


def test_phone_ticket_needs_a_caller(ctx, user_of):
    with pytest.raises(ValidationFailed) as exc:
        services.create_ticket(TicketCreate(category="repair", matter="x"), user_of("operator"), Channel.PHONE)
    assert "caller.phone" in exc.value.fields


def test_unknown_and_inactive_category_refused(ctx, user_of):
    from hotline.tickets.models import Category

    with pytest.raises(ValidationFailed) as exc:
        services.create_ticket(TicketCreate(category="nope", matter="x"), user_of("operator"), Channel.WEB)
    assert exc.value.fields == {"category": "unknown category 'nope'"}
    db.session.rollback()
    db.session.scalar(select(Category).where(Category.code == "media")).active = False
    db.session.commit()
    with pytest.raises(ValidationFailed):
        services.create_ticket(TicketCreate(category="media", matter="x"), user_of("operator"), Channel.WEB)


def test_unknown_unit_refused_before_a_number_is_used(ctx, user_of, new_ticket):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    with pytest.raises(ValidationFailed) as exc:
        services.create_ticket(
            TicketCreate(category="repair", matter="x", unit="nowhere"), user_of("operator"), Channel.WEB
        )
    assert exc.value.fields == {"unit": "unknown unit 'nowhere'"}
    db.session.rollback()
    assert new_ticket().number == "20261123-0001"  # no gap in the day's sequence


def test_consultation_answered_on_the_call_is_closed_at_once(new_ticket):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    t = new_ticket(category="consultation", matter="When is the water back?", answer="By 18:00 today")
    assert t.status == Status.CLOSED
    assert t.answer == "By 18:00 today"
    assert t.closed_at == t.resolved_at == clock.now()
    assert not t.is_open
    kinds = [(e.kind, e.changes, e.message) for e in t.events]
    assert kinds == [
        ("created", {}, None),
        ("answered_on_call", {"status": ["new", "closed"]}, "By 18:00 today"),
    ]


def test_consultation_without_answer_stays_new(new_ticket):
    t = new_ticket(category="consultation", matter="Need to check the schedule and call back")
    assert t.status == Status.NEW and t.answer is None


def test_non_consultation_with_answer_refused(ctx, user_of):
    with pytest.raises(ValidationFailed) as exc:
        services.create_ticket(
            TicketCreate(category="leak", matter="x", answer="fixed", caller={"phone": "13800138000"}),
            user_of("operator"),
            Channel.PHONE,
        )
    assert set(exc.value.fields) == {"answer"}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_call_ring_seconds_kept(new_ticket):
    rang = datetime(2026, 11, 23, 2, 0, 0, tzinfo=UTC)
    t = new_ticket(call={"line": "96777", "rang_at": rang.isoformat(), "answered_at": (rang + timedelta(seconds=7.5)).isoformat()})
    assert t.call.ring_seconds == 7.5
    assert t.call.line == "96777"
    assert t.call.caller_id == t.caller_id
    assert t.call.operator_id == t.operator_id


def test_call_without_times_is_answered_now(new_ticket):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    t = new_ticket()
    assert t.call.rang_at == t.call.answered_at == clock.now()
    assert t.call.ring_seconds == 0


def test_call_answered_before_it_rang_refused(ctx, user_of):
    rang = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    data = TicketCreate(
        category="repair", matter="x", caller={"phone": "13800138000"},
        call={"rang_at": rang.isoformat(), "answered_at": (rang - timedelta(seconds=1)).isoformat()},
    )
    with pytest.raises(ValidationFailed) as exc:
        services.create_ticket(data, user_of("operator"), Channel.PHONE)
    assert "call.answered_at" in exc.value.fields


# --- timeline, notes, cancel -------------------------------------------------------------------


def test_note_appends_a_timeline_event_with_who_and_when(new_ticket, user_of):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    t = new_ticket()
    clock.advance(timedelta(minutes=3))
    services.add_note(t, "Caller rang again, water now brown", user_of("dispatcher"))
    db.session.commit()
    last = t.events[-1]
    assert (last.kind, last.actor.username, last.at, last.message) == (
        "note", "dispatcher", clock.now(), "Caller rang again, water now brown",
    )
    assert t.notes[-1].author.username == "dispatcher"
    assert t.updated_at == clock.now()
    assert t.version == 2


def test_cancel_records_reason_and_keeps_the_ticket(new_ticket, user_of):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    t = new_ticket()
    clock.advance(timedelta(minutes=1))
    services.cancel_ticket(t, "Duplicate of 20261123-0001", user_of("supervisor"), t.version)
    db.session.commit()
    db.session.expire_all()
    t = services.get_ticket(t.number)  # still there: nothing is deleted
    assert t.status == Status.CANCELLED
    assert t.cancel_reason == "Duplicate of 20261123-0001"
    assert t.cancelled_at == clock.now()
    event = t.events[-1]
    assert event.kind == "cancelled"
    assert event.actor.username == "supervisor"
    assert event.changes == {"status": ["new", "cancelled"]}
    assert event.message == "Duplicate of 20261123-0001"


@pytest.mark.parametrize("first", ["cancel", "consultation"])
def test_cancelling_a_closed_or_cancelled_ticket_is_a_conflict(first, new_ticket, user_of):
    if first == "cancel":
        t = new_ticket()
        services.cancel_ticket(t, "wrong", user_of("operator"), None)
        db.session.commit()
    else:
        t = new_ticket(category="consultation", answer="told them")
    events_before = len(t.events)
    with pytest.raises(Conflict):
        services.cancel_ticket(t, "again", user_of("operator"), None)
    db.session.rollback()
    assert len(services.get_ticket(t.number).events) == events_before


def test_cancel_with_stale_version_is_a_conflict(new_ticket, user_of):
    t = new_ticket()
    services.add_note(t, "more detail", user_of("operator"))
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.cancel_ticket(t, "wrong", user_of("operator"), 1)
    assert exc.value.details["current_version"] == 2
    db.session.rollback()
    assert services.get_ticket(t.number).status == Status.NEW


def test_get_unknown_ticket(ctx):
    with pytest.raises(NotFound):
        services.get_ticket("20990101-0001")


def test_two_sessions_editing_one_ticket_the_second_is_stale(app, new_ticket):
    number = new_ticket().number
    db.session.rollback()  # the request-scoped session must not hold the write lock meanwhile
    with Session(db.engine, expire_on_commit=False) as first, Session(db.engine) as second:
        a = first.scalar(select(Ticket).where(Ticket.number == number))
        first.commit()  # end the read; keep the loaded row (version 1)
        b = second.scalar(select(Ticket).where(Ticket.number == number))
        b.address = "Changed by the second person"
        second.commit()
        a.address = "Changed by the first person"
        with pytest.raises(StaleDataError):
            first.flush()
        first.rollback()
    db.session.expire_all()
    assert services.get_ticket(number).address == "Changed by the second person"


# --- callers -------------------------------------------------------------------------------------


def test_every_spelling_of_a_number_is_one_caller(new_ticket):
    for spelling in ("138 0013 8000", "+86-138-0013-8000", "13800138000", "+86 13800138000", "(+86) 138-0013-8000"):
        new_ticket(caller={"phone": spelling})
    assert db.session.scalars(select(Caller.phone)).all() == ["+8613800138000"]


def test_latest_name_given_is_kept(new_ticket):
    new_ticket(caller={"phone": "13800138000", "name": "Wang"})
    new_ticket(caller={"phone": "13800138000"})
    assert db.session.scalar(select(Caller)).name == "Wang"
    new_ticket(caller={"phone": "13800138000", "name": "Wang Fang"})
    assert db.session.scalar(select(Caller)).name == "Wang Fang"


@pytest.mark.parametrize("phone", ["12", "hello", "+86 138", "138001380001234567890"])
def test_bad_phone_refused_with_the_field(ctx, user_of, phone):
    with pytest.raises(ValidationFailed) as exc:
        services.create_ticket(
            TicketCreate(category="repair", matter="x", caller={"phone": phone}), user_of("operator"), Channel.PHONE
        )
    assert set(exc.value.fields) == {"caller.phone"}


def test_caller_history_flags_open_and_repeat(new_ticket, user_of):
    clock.freeze(datetime(2026, 9, 1, 2, 0, tzinfo=UTC))
    old = new_ticket(matter="Old request")
    services.cancel_ticket(old, "solved by itself", user_of("operator"), None)
    db.session.commit()

    history = caller_history("138 0013 8000", user_of("operator"))
    assert history["open_count"] == 0
    assert history["recent_count"] == 1

    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # more than 30 days later
    history = caller_history("+86-138-0013-8000", user_of("operator"))
    assert (history["open_count"], history["recent_count"], history["repeat"]) == (0, 0, False)

    new = new_ticket(matter="New request")
    history = caller_history("13800138000", user_of("operator"))
    assert [t.number for t in history["tickets"]] == [new.number, old.number]
    assert (history["open_count"], history["recent_count"], history["repeat"]) == (1, 1, True)


def test_caller_history_of_unknown_number(user_of):
    assert caller_history("13900139000", user_of("operator")) == {
        "caller": None, "name": None, "addresses": [], "tickets": [], "open_count": 0, "recent_count": 0,
        "repeat": False,
    }


def test_timeline_events_are_appended_in_order(new_ticket, user_of):
    t = new_ticket()
    for i in range(3):
        services.add_note(t, f"note {i}", user_of("operator"))
    services.cancel_ticket(t, "done", user_of("operator"), None)
    db.session.commit()
    events = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == t.id).order_by(TicketEvent.id)).all()
    assert [e.kind for e in events] == ["created", "note", "note", "note", "cancelled"]
