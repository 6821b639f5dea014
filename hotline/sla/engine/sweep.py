"""The sweep: record every warning and breach that has fallen due, exactly once.

Each one is claimed with a conditional UPDATE (`... WHERE warned_at IS NULL`), so
two schedulers, or a sweep after a restart, can never record it twice; only the
sweep whose UPDATE changed the row writes the alert and emits the event."""
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from hotline.core.outbox import add_event
from hotline.sla.engine.escalations import climb_due, open_escalation
from hotline.sla.engine.summary import nearest_deadline
from hotline.sla.models import Alert, AlertKind, Escalation, SlaClock
from hotline.tickets import timeline
from hotline.units.services import audience

# Clocks per transaction. Its events go out only at the commit and it holds the write
# lock until then (web writers wait): a burst of deadlines at one instant (every ticket
# logged overnight on one working calendar, a restart) goes out in small commits.
BATCH = 100
EVENT_NAMES = {AlertKind.WARNING: "sla.warning", AlertKind.BREACH: "sla.breached"}
_FIRED_COLUMN = {AlertKind.WARNING: "warned_at", AlertKind.BREACH: "breached_at"}


def _claim(session: Session, clock_id: int, kind: AlertKind, now: datetime) -> bool:
    column = getattr(SlaClock, _FIRED_COLUMN[kind])
    result = session.execute(
        update(SlaClock)
        .where(SlaClock.id == clock_id, column.is_(None))
        .values({_FIRED_COLUMN[kind]: now})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _record(session: Session, clock: SlaClock, kind: AlertKind, now: datetime) -> Alert:
    """The alert row, a timeline entry, and the live event. `due_at` is the stage's
    deadline for both kinds: a warning says what is coming. `sla` is the ticket's
    nearest deadline with this alert recorded (the card's `sla`, hotline.live.views),
    which may be another stage's: a screen takes it as it is, no snapshot needed."""
    ticket = clock.ticket
    due = clock.due_at
    alert = Alert(
        clock_id=clock.id, ticket_id=ticket.id, kind=kind, stage=clock.stage,
        unit_id=ticket.unit_id, due_at=due, at=now,
    )
    session.add(alert)
    timeline.record(ticket, f"sla_{kind.value}", None, {"stage": (None, clock.stage)},
                    f"{clock.stage.value} due {due.isoformat()}", touch=False, at=now, session=session)
    session.flush()
    add_event(
        session,
        EVENT_NAMES[kind],
        {
            "number": ticket.number,
            "alert_id": alert.id,
            "stage": clock.stage.value,
            "due_at": due.isoformat(),
            "warn_at": clock.warn_at.isoformat() if clock.warn_at else None,
            "unit": ticket.unit.code if ticket.unit else None,
            "category": ticket.category.code if ticket.category else None,
            "priority": ticket.priority.value,
            "sla": nearest_deadline(session, ticket),
        },
        audience(session, ticket.unit_id),
    )
    return alert


def _next_check(clock: SlaClock) -> datetime | None:
    if clock.stopped_at is not None or clock.running_since is None:
        return None
    pending = [at for at, fired in ((clock.warn_at, clock.warned_at), (clock.due_at, clock.breached_at))
               if fired is None and at is not None]
    return min(pending) if pending else None


def sweep(session: Session, now: datetime) -> int:
    """Record what fell due up to `now` (at most BATCH clocks); returns how many
    alerts and escalation steps it wrote. The caller commits."""
    ids = session.scalars(
        select(SlaClock.id).where(SlaClock.next_check_at <= now).order_by(SlaClock.next_check_at).limit(BATCH)
    ).all()
    written = 0
    if ids:
        clocks = session.scalars(
            select(SlaClock).where(SlaClock.id.in_(ids)).options(joinedload(SlaClock.ticket))
        ).all()
        for clock in clocks:
            for kind, due, fired in (
                (AlertKind.WARNING, clock.warn_at, clock.warned_at),
                (AlertKind.BREACH, clock.due_at, clock.breached_at),
            ):
                if fired is None and due is not None and due <= now and _claim(session, clock.id, kind, now):
                    set_committed_value(clock, _FIRED_COLUMN[kind], now)  # claimed in SQL already
                    alert = _record(session, clock, kind, now)
                    written += 1
                    if kind == AlertKind.BREACH:
                        written += open_escalation(session, clock.ticket, "breach", now, alert).level
            session.execute(
                update(SlaClock).where(SlaClock.id == clock.id).values(next_check_at=_next_check(clock))
                .execution_options(synchronize_session=False)
            )
    written += climb_due(session, now)
    return written


def next_deadline(session: Session) -> datetime | None:
    """The earliest moment anything falls due: one index lookup per table."""
    clock_at = session.scalar(select(func.min(SlaClock.next_check_at)))
    esc_at = session.scalar(
        select(func.min(Escalation.next_at)).where(Escalation.acknowledged_at.is_(None))
    )
    times = [t for t in (clock_at, esc_at) if t is not None]
    if not times:
        return None
    return min(times)
