"""The SLA engine without HTTP: clocks follow the ticket, the sweep records each
warning and breach once, escalations climb, pauses and extensions move deadlines.
Times come from the controllable clock (a Tuesday in March, 10:00 in Shanghai)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.workorders import services as work
from hotline.core import clock
from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.sla.engine import services as sla
from hotline.sla.engine.sweep import next_deadline, sweep
from hotline.sla.models import (
    Alert,
    AlertKind,
    Escalation,
    EscalationStep,
    SlaClock,
    Stage,
)
from hotline.tickets import services as tickets
from hotline.tickets.models import Priority, Status
from hotline.units.models import Area

START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen(ctx):
    clock.freeze(START)
    yield
    clock.reset()


def clocks_of(ticket) -> dict[Stage, SlaClock]:
    rows = db.session.scalars(select(SlaClock).where(SlaClock.ticket_id == ticket.id, SlaClock.cycle == ticket.cycle))
    return {c.stage: c for c in rows}


def run_sweep() -> int:
    written = sweep(db.session, clock.now())
    db.session.commit()
    return written


def alerts(ticket, kind=None) -> list[Alert]:
    stmt = select(Alert).where(Alert.ticket_id == ticket.id).order_by(Alert.id)
    if kind:
        stmt = stmt.where(Alert.kind == kind)
    return db.session.scalars(stmt).all()


def events(name: str) -> list[LiveEvent]:
    return db.session.scalars(select(LiveEvent).where(LiveEvent.name == name).order_by(LiveEvent.seq)).all()


def test_an_urgent_leak_gets_its_clocks_from_the_policies(new_ticket):
    t = new_ticket(category="leak", priority="urgent", unit="north")
    c = clocks_of(t)
    assert set(c) == {Stage.ACCEPT, Stage.ARRIVE, Stage.RESOLVE}
    assert c[Stage.ACCEPT].due_at == START + timedelta(minutes=30)
    assert c[Stage.ARRIVE].due_at == START + timedelta(minutes=40)  # the gas rule, in the city
    assert c[Stage.RESOLVE].due_at == START + timedelta(hours=24)
    assert c[Stage.ACCEPT].warn_at == START + timedelta(minutes=22, seconds=30)  # 75 %
    assert c[Stage.ACCEPT].next_check_at == c[Stage.ACCEPT].warn_at


def test_outside_the_city_the_crew_has_fifty_minutes(new_ticket):
    db.session.add(Area(name="Chongming", outside_city=True))
    db.session.commit()
    t = new_ticket(category="leak", priority="urgent", unit="north", area="Chongming")
    assert clocks_of(t)[Stage.ARRIVE].due_at == START + timedelta(minutes=50)


def test_a_complaint_must_be_answered_in_two_working_days(new_ticket, user_of):
    t = new_ticket(category="complaint")  # Tuesday 10:00
    reply = clocks_of(t)[Stage.REPLY]
    assert reply.due_at == datetime(2026, 3, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    clock.advance(timedelta(hours=3))
    tickets.reply_to_caller(t, "We looked into it; the meter reader will come on Friday", user_of("operator"), t.version)
    db.session.commit()
    reply = clocks_of(t)[Stage.REPLY]
    assert reply.stopped_at == clock.now() and reply.met is True
    assert reply.next_check_at is None


def test_consultation_answered_on_the_call_has_no_clock(new_ticket):
    t = new_ticket(category="consultation", answer="Office hours are 8:30 to 17:30")
    assert clocks_of(t) == {}


def test_warning_then_breach_each_recorded_once(new_ticket):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=22, seconds=29))
    assert run_sweep() == 0
    clock.advance(timedelta(seconds=1))
    assert run_sweep() == 1
    assert [a.kind for a in alerts(t)] == [AlertKind.WARNING]
    assert run_sweep() == 0  # a second sweep finds nothing new
    clock.advance(timedelta(minutes=7, seconds=30))
    assert run_sweep() == 2  # the breach and the first escalation step
    assert [(a.kind, a.stage) for a in alerts(t)] == [(AlertKind.WARNING, Stage.ACCEPT), (AlertKind.BREACH, Stage.ACCEPT)]
    assert run_sweep() == 0
    assert [e.payload["number"] for e in events("sla.warning")] == [t.number]
    assert [e.payload["stage"] for e in events("sla.breached")] == ["accept"]
    assert [e.payload["audience"] for e in events("escalation")] == ["unit"]
    kinds = [e.kind for e in t.events]
    assert "sla_warning" in kinds and "sla_breach" in kinds


def test_next_deadline_is_the_earliest_pending_check(new_ticket):
    assert next_deadline(db.session) is None
    new_ticket(category="repair", priority="urgent", unit="north")
    assert next_deadline(db.session) == START + timedelta(minutes=22, seconds=30)


def test_accepting_in_time_stops_the_clock_as_met(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=5))
    work.advance(t, "accept", user_of("crew"), t.version)
    db.session.commit()
    accept = clocks_of(t)[Stage.ACCEPT]
    assert accept.stopped_at == clock.now() and accept.met is True and accept.next_check_at is None
    clock.advance(timedelta(hours=1))
    run_sweep()
    assert [a.stage for a in alerts(t)] == []  # resolve warns only at 18 h


def test_a_deadline_missed_while_nothing_ran_is_recorded_once_even_if_the_clock_stopped(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=45))  # the scheduler was down: no sweep
    work.advance(t, "accept", user_of("crew"), t.version)
    db.session.commit()
    assert clocks_of(t)[Stage.ACCEPT].met is False  # accepted late
    run_sweep()
    run_sweep()
    assert [(a.kind, a.stage) for a in alerts(t)] == [(AlertKind.WARNING, Stage.ACCEPT), (AlertKind.BREACH, Stage.ACCEPT)]


def test_two_schedulers_never_record_twice(new_ticket, app):
    """Both found the clock due; the one whose conditional UPDATE comes second loses."""
    from hotline.sla.engine.sweep import _claim

    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=31))
    accept_id = clocks_of(t)[Stage.ACCEPT].id
    db.session.commit()
    with Session(db.engine) as one:
        sweep(one, clock.now())
        one.commit()
    with Session(db.engine) as two:
        assert not _claim(two, accept_id, AlertKind.BREACH, clock.now())
        assert sweep(two, clock.now()) == 0
        two.commit()
    assert len(alerts(t, AlertKind.BREACH)) == 1
    assert len(events("sla.breached")) == 1


def test_escalation_climbs_until_acknowledged(new_ticket, user_of, app):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=30))
    run_sweep()
    esc = db.session.scalar(select(Escalation).where(Escalation.ticket_id == t.id))
    assert esc.level == 1 and esc.next_at == clock.now() + timedelta(minutes=15)
    clock.advance(timedelta(minutes=15))
    run_sweep()
    db.session.refresh(esc)
    assert esc.level == 2
    sla.acknowledge_escalation(esc.id, user_of("supervisor"), "calling the branch now")
    db.session.commit()
    clock.advance(timedelta(hours=2))
    run_sweep()
    db.session.refresh(esc)
    assert esc.level == 2 and esc.next_at is None
    steps = db.session.scalars(select(EscalationStep).where(EscalationStep.escalation_id == esc.id)).all()
    assert [(s.level, s.audience) for s in steps] == [(1, "unit"), (2, "supervisor")]
    assert steps[1].acknowledged_by_id == user_of("supervisor").id and steps[1].note == "calling the branch now"
    assert [e.payload["level"] for e in events("escalation")] == [1, 2]
    assert [(e.payload["number"], e.payload["level"]) for e in events("escalation.acknowledged")] == [(t.number, 2)]


def test_an_emergency_notifies_the_whole_chain_at_once(new_ticket):
    t = new_ticket(category="leak", priority="emergency", unit="north")
    esc = db.session.scalar(select(Escalation).where(Escalation.ticket_id == t.id))
    assert esc.reason == "emergency" and esc.level == 3 and esc.next_at is None
    assert [e.payload["audience"] for e in events("escalation")] == ["unit", "supervisor", "manager"]


def test_paused_time_never_counts(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=10))
    sla.pause_ticket(t, "waiting for the caller to be home", user_of("dispatcher"))
    db.session.commit()
    accept = clocks_of(t)[Stage.ACCEPT]
    assert accept.paused and accept.next_check_at is None
    clock.advance(timedelta(hours=3))
    assert run_sweep() == 0
    sla.resume_ticket(t, user_of("dispatcher"))
    db.session.commit()
    assert clocks_of(t)[Stage.ACCEPT].due_at == clock.now() + timedelta(minutes=20)


def test_reclassifying_recomputes_and_keeps_paused_time(new_ticket, user_of):
    t = new_ticket(category="repair", priority="normal", unit="north")  # resolve: 7 working days
    clock.advance(timedelta(minutes=30))
    sla.pause_ticket(t, "parts on order", user_of("dispatcher"))
    db.session.commit()
    clock.advance(timedelta(hours=5))
    tickets.reclassify(t, user_of("supervisor"), t.version, priority=Priority.URGENT, reason="water in the cellar")
    db.session.commit()
    resolve = clocks_of(t)[Stage.RESOLVE]
    assert resolve.budget_seconds == 24 * 3600 and resolve.calendar_id is None
    assert resolve.paused  # still paused: the new target waits too
    sla.resume_ticket(t, user_of("dispatcher"))
    db.session.commit()
    resolve = clocks_of(t)[Stage.RESOLVE]
    # 30 working minutes were used before the pause (Tuesday 10:00-10:30); the 5 paused hours do not count.
    assert resolve.due_at == clock.now() + timedelta(hours=24) - timedelta(minutes=30)


def test_extension_asked_before_the_deadline_and_approved(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=10))
    ext = sla.request_extension(t, Stage.ACCEPT, 60, "crew stuck behind a burst main", user_of("crew"))
    db.session.commit()
    with pytest.raises(Exception) as twice:
        sla.request_extension(t, Stage.ACCEPT, 30, "again", user_of("crew"))
    assert twice.value.status == 409
    sla.decide_extension(ext, True, "agreed", user_of("supervisor"))
    db.session.commit()
    assert clocks_of(t)[Stage.ACCEPT].due_at == START + timedelta(minutes=90)
    with pytest.raises(Exception) as decided:
        sla.decide_extension(ext, False, None, user_of("supervisor"))
    assert decided.value.status == 409


def test_extension_after_the_deadline_is_refused(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=31))
    with pytest.raises(Exception) as late:
        sla.request_extension(t, Stage.ACCEPT, 60, "too late", user_of("crew"))
    assert late.value.status == 409


def _resolve(t, user_of):
    crew = user_of("crew")
    work.advance(t, "accept", crew, t.version)
    work.advance(t, "on_site", crew, t.version)
    work.advance(t, "resolve", crew, t.version, result="replaced the washer")
    db.session.commit()


def test_resolving_starts_the_callback_clock(new_ticket, user_of):
    from hotline.callbacks.models import Callback

    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=20))
    _resolve(t, user_of)
    c = clocks_of(t)
    assert c[Stage.RESOLVE].met is True and c[Stage.CALLBACK].stopped_at is None
    callback = db.session.scalar(select(Callback).where(Callback.ticket_id == t.id))
    assert callback.due_at == c[Stage.CALLBACK].due_at is not None


def test_a_dissatisfied_callback_reopens_with_fresh_clocks(new_ticket, user_of):
    from hotline.callbacks.models import Callback, Satisfaction
    from hotline.callbacks.services import record_attempt

    t = new_ticket(category="repair", priority="urgent", unit="north")
    _resolve(t, user_of)
    callback = db.session.scalar(select(Callback).where(Callback.ticket_id == t.id))
    clock.advance(timedelta(hours=2))
    record_attempt(callback, user_of("operator"), callback.version, reached=True, solved=False,
                   satisfaction=Satisfaction.DISSATISFIED, words="it still drips at night")
    db.session.commit()
    assert t.status == Status.DISPATCHED and t.cycle == 2
    fresh = clocks_of(t)
    assert fresh[Stage.ACCEPT].started_at == clock.now()
    assert fresh[Stage.RESOLVE].due_at == clock.now() + timedelta(hours=24)
    old_callback = db.session.scalar(
        select(SlaClock).where(SlaClock.ticket_id == t.id, SlaClock.stage == Stage.CALLBACK, SlaClock.cycle == 1)
    )
    assert old_callback.met is True
    assert t.events[-1].kind == "reopen" and t.events[-1].message == "it still drips at night"


def test_a_satisfied_callback_closes_the_ticket(new_ticket, user_of):
    from hotline.callbacks.models import Callback, Satisfaction
    from hotline.callbacks.services import record_attempt

    t = new_ticket(category="repair", priority="urgent", unit="north")
    _resolve(t, user_of)
    callback = db.session.scalar(select(Callback).where(Callback.ticket_id == t.id))
    record_attempt(callback, user_of("operator"), callback.version, reached=False)
    db.session.commit()
    assert callback.status == "pending" and callback.next_try_at > clock.now()
    record_attempt(callback, user_of("operator"), callback.version, reached=True, solved=True,
                   satisfaction=Satisfaction.SATISFIED)
    db.session.commit()
    assert t.status == Status.CLOSED
    assert all(c.stopped_at for c in clocks_of(t).values())
    assert db.session.scalar(select(func.count()).select_from(SlaClock).where(SlaClock.next_check_at.is_not(None))) == 0


def test_escalation_stops_climbing_once_the_late_stage_is_done(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=31))
    run_sweep()
    work.advance(t, "accept", user_of("crew"), t.version)  # accepted late
    db.session.commit()
    clock.advance(timedelta(minutes=20))
    run_sweep()
    esc = db.session.scalar(select(Escalation).where(Escalation.ticket_id == t.id))
    assert esc.level == 1 and esc.next_at is None
    assert [e.payload["level"] for e in events("escalation")] == [1]


def test_a_warning_carries_the_deadline(new_ticket):
    new_ticket(category="repair", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=23))
    run_sweep()
    (warning,) = events("sla.warning")
    assert datetime.fromisoformat(warning.payload["due_at"]) == START + timedelta(minutes=30)
    assert datetime.fromisoformat(warning.payload["warn_at"]) == START + timedelta(minutes=22, seconds=30)


def test_a_late_callback_goes_to_the_supervisor_not_the_unit(new_ticket, user_of):
    t = new_ticket(category="repair", priority="urgent", unit="north")
    _resolve(t, user_of)
    clock.advance(timedelta(days=10))  # two working days and more
    run_sweep()
    esc = db.session.scalars(select(Escalation).where(Escalation.ticket_id == t.id)).all()
    callback_esc = [e for e in esc if db.session.get(Alert, e.alert_id).stage == Stage.CALLBACK]
    assert [e.level for e in callback_esc] == [2]
    steps = db.session.scalars(select(EscalationStep).where(EscalationStep.escalation_id == callback_esc[0].id)).all()
    assert [s.audience for s in steps] == ["supervisor"]


def test_an_sla_event_carries_the_tickets_nearest_deadline_whichever_stage_it_names(new_ticket):
    """An urgent leak: acceptance due at 30 min, arrival at 40 (warned at 30). At 31 min the
    arrival's warning names the arrival, but the nearest deadline is still the missed
    acceptance: the event says so (`sla`), so a screen showing the card needs no snapshot."""
    from hotline.sla.engine.summary import nearest_deadline

    t = new_ticket(category="leak", priority="urgent", unit="north")
    clock.advance(timedelta(minutes=31))
    run_sweep()
    (arrive_warning,) = [e for e in events("sla.warning") if e.payload["stage"] == "arrive"]
    assert arrive_warning.payload["sla"]["stage"] == "accept"  # not the stage it names
    (breach,) = events("sla.breached")
    assert breach.payload["stage"] == "accept"
    last = max(events("sla.warning") + events("sla.breached"), key=lambda e: e.seq)
    assert last.payload["sla"] == nearest_deadline(db.session, t)
    assert (last.payload["sla"]["stage"], last.payload["sla"]["breached"]) == ("accept", True)
    assert "caller" not in last.payload and "phone" not in str(last.payload)
