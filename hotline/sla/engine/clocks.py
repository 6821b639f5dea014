"""The clocks on a ticket: which stages run, their deadlines, pauses and extensions.

`sync_ticket_clocks` derives the clocks from the ticket's own state (status and
step times), so every path that changes a ticket (intake, dispatch, a crew's step,
a reclassification, a callback reopening it) keeps its clocks right without
knowing about them: it runs from a session hook before each flush."""
from collections.abc import Callable
from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hotline.core import clock as app_clock
from hotline.sla.engine.calendars import ROUND_THE_CLOCK, RoundTheClock, WorkingTime
from hotline.sla.models import Calendar, Policy, SlaClock, Stage
from hotline.tickets.models import Status, Ticket
from hotline.units.models import Area

Timer = RoundTheClock | WorkingTime


def _cycle(t: Ticket) -> int:
    return t.cycle or 1  # a new ticket gets its default of 1 only at the flush


def _cycle_start(t: Ticket) -> datetime:
    return t.reopened_at if _cycle(t) > 1 and t.reopened_at else t.created_at


# When each stage's clock starts and stops, read from the ticket (None: not yet).
STARTS: dict[Stage, Callable[[Ticket], datetime | None]] = {
    Stage.ACCEPT: lambda t: t.dispatched_at,
    Stage.ARRIVE: _cycle_start,
    Stage.REPLY: lambda t: t.created_at if _cycle(t) == 1 else None,
    Stage.RESOLVE: _cycle_start,
    Stage.CALLBACK: lambda t: t.resolved_at,
}
STOPS: dict[Stage, Callable[[Ticket], datetime | None]] = {
    Stage.ACCEPT: lambda t: t.accepted_at,
    Stage.ARRIVE: lambda t: t.arrived_at or t.resolved_at,
    Stage.REPLY: lambda t: t.replied_at or t.resolved_at,
    Stage.RESOLVE: lambda t: t.resolved_at,
    Stage.CALLBACK: lambda t: t.closed_at,
}
ENDED = (Status.CLOSED, Status.CANCELLED)

# Ticket fields that choose the policy: a change re-targets the running clocks.
CLASSIFYING = ("priority", "category_id", "area")
# Ticket fields whose change can start, stop or re-target a clock.
WATCHED = (
    "status", "priority", "category_id", "area", "unit_id", "cycle",
    "dispatched_at", "accepted_at", "arrived_at", "replied_at", "resolved_at", "closed_at",
)

_timers: dict[tuple[str, int, int], WorkingTime] = {}


def timer_for(session: Session, calendar_id: int | None) -> Timer:
    """The calendar's working time, cached per calendar version."""
    if calendar_id is None:
        return ROUND_THE_CLOCK
    calendar = session.get(Calendar, calendar_id)
    # The database is part of the key: a process may serve more than one (tests do).
    key = (str(session.get_bind().url), calendar.id, calendar.version)
    if key not in _timers:
        _timers[key] = WorkingTime.from_spec(
            app_clock.center_tz(),
            calendar.hours,
            _region() if calendar.public_holidays else None,
            {d.day: d.working for d in calendar.days},
        )
    return _timers[key]


def _region() -> str:
    return current_app.config.get("HOTLINE_REGION", "CN") if has_app_context() else "CN"


def policies_for(session: Session, ticket: Ticket) -> dict[Stage, Policy]:
    """Per stage, the most specific active policy for the ticket's category and priority."""
    category_id = ticket.category.id if ticket.category is not None else ticket.category_id  # new: not flushed yet
    rows = session.scalars(
        select(Policy).where(
            Policy.active,
            or_(Policy.category_id == category_id, Policy.category_id.is_(None)),
            or_(Policy.priority == ticket.priority, Policy.priority.is_(None)),
        )
    ).all()
    best: dict[Stage, Policy] = {}
    for policy in sorted(rows, key=lambda p: (p.category_id is not None, p.priority is not None, -p.id)):
        best[policy.stage] = policy  # later = more specific
    return best


def outside_city(session: Session, area: str | None) -> bool:
    if not area:
        return False
    return bool(session.scalar(select(Area.outside_city).where(Area.name == area)))


def budget_seconds(policy: Policy, outside: bool) -> int:
    minutes = policy.minutes_outside_city if outside and policy.minutes_outside_city else policy.minutes
    return round(minutes * 60)


def schedule(session: Session, clock: SlaClock) -> None:
    """Set warn_at, due_at and next_check_at from the clock's state."""
    if clock.stopped_at is not None or clock.running_since is None:
        return
    timer = timer_for(session, clock.calendar_id)
    used = clock.consumed_seconds
    clock.due_at = timer.add(clock.running_since, clock.total_seconds - used)
    warn_point = clock.total_seconds * clock.warn_percent / 100
    clock.warn_at = timer.add(clock.running_since, max(warn_point - used, 0))
    pending = [at for at, fired in ((clock.warn_at, clock.warned_at), (clock.due_at, clock.breached_at)) if fired is None]
    clock.next_check_at = min(pending) if pending else None


def _bank(session: Session, clock: SlaClock, at: datetime) -> None:
    """Move the working time since `running_since` into `consumed_seconds`."""
    if clock.running_since is not None:
        timer = timer_for(session, clock.calendar_id)
        clock.consumed_seconds += timer.elapsed(clock.running_since, max(at, clock.running_since))
        clock.running_since = None


def stop(session: Session, clock: SlaClock, at: datetime) -> None:
    """Stop a clock. What fell due before `at` but has not been swept yet stays
    pending so that the sweep still records it (after a restart, say)."""
    if clock.stopped_at is not None:
        return
    _bank(session, clock, at)
    clock.stopped_at = at
    overdue = [
        due for due, fired in ((clock.warn_at, clock.warned_at), (clock.due_at, clock.breached_at))
        if fired is None and due is not None and due <= at
    ]
    clock.next_check_at = min(overdue) if overdue else None


def pause(session: Session, clock: SlaClock, at: datetime, reason: str) -> None:
    _bank(session, clock, at)
    clock.paused_reason = reason
    clock.warn_at = clock.due_at = clock.next_check_at = None


def resume(session: Session, clock: SlaClock, at: datetime) -> None:
    clock.running_since = at
    clock.paused_reason = None
    schedule(session, clock)


def retarget(session: Session, clock: SlaClock, policy: Policy, outside: bool, at: datetime) -> None:
    """A new policy (category, priority or area changed): same working time used,
    paused time still not counted, new budget and calendar from now on."""
    budget = budget_seconds(policy, outside)
    if (clock.policy_id, clock.budget_seconds, clock.calendar_id, clock.warn_percent) == (
        policy.id, budget, policy.calendar_id, policy.warn_percent,
    ):
        return
    running = clock.running_since is not None
    _bank(session, clock, at)
    clock.policy_id, clock.budget_seconds = policy.id, budget
    clock.calendar_id, clock.warn_percent = policy.calendar_id, policy.warn_percent
    if running:
        clock.running_since = at
        schedule(session, clock)


def start(session: Session, ticket: Ticket, stage: Stage, policy: Policy, at: datetime, outside: bool) -> SlaClock:
    clock = SlaClock(
        ticket=ticket,
        stage=stage,
        cycle=_cycle(ticket),
        policy_id=policy.id,
        calendar_id=policy.calendar_id,
        unit_id=ticket.unit_id,
        budget_seconds=budget_seconds(policy, outside),
        extended_seconds=0,
        warn_percent=policy.warn_percent,
        started_at=at,
        running_since=at,
        consumed_seconds=0.0,
    )
    session.add(clock)
    schedule(session, clock)
    return clock


def ticket_clocks(session: Session, ticket: Ticket) -> list[SlaClock]:
    if ticket.id is None:
        return [o for o in session.new if isinstance(o, SlaClock) and o.ticket is ticket]
    return session.scalars(select(SlaClock).where(SlaClock.ticket_id == ticket.id).order_by(SlaClock.id)).all()


def reschedule_running(session: Session, calendar_id: int) -> int:
    """A calendar changed: the running clocks on it get deadlines from the new working time."""
    running = session.scalars(
        select(SlaClock).where(
            SlaClock.calendar_id == calendar_id, SlaClock.stopped_at.is_(None), SlaClock.running_since.is_not(None)
        )
    ).all()
    for clock in running:
        schedule(session, clock)
    return len(running)


def sync_ticket_clocks(session: Session, ticket: Ticket, now: datetime, reclassified: bool = False) -> None:
    """Start, stop or re-target the ticket's clocks to match its state. Running clocks
    keep the target they started with unless the ticket was reclassified (category,
    priority or area changed): a policy edit applies to new clocks."""
    clocks = ticket_clocks(session, ticket)
    cycle = _cycle(ticket)
    current = {c.stage: c for c in clocks if c.cycle == cycle}
    for old in clocks:
        if old.cycle < cycle:
            stop(session, old, now)
    ended = ticket.status in ENDED
    if ended and not current:
        return  # closed on the call, or cancelled before any clock started
    policies = policies_for(session, ticket)
    outside = outside_city(session, ticket.area)
    for stage in Stage:
        clock = current.get(stage)
        policy = policies.get(stage)
        begin, end = STARTS[stage](ticket), STOPS[stage](ticket)
        if ended and end is None:
            end = ticket.closed_at or ticket.cancelled_at or now
        if clock is None:
            if policy is None or begin is None or ended:
                continue
            clock = start(session, ticket, stage, policy, begin, outside)
        elif clock.stopped_at is None:
            if policy is None:
                end = end or now  # the stage no longer applies to this kind of ticket
            elif reclassified:
                retarget(session, clock, policy, outside, now)
        if clock.stopped_at is None:
            clock.unit_id = ticket.unit_id
        if end is not None:
            stop(session, clock, end)
