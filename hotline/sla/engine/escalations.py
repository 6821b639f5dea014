"""The escalation ladder (逐级上报): the unit and the dispatch desk first, then the
supervisor, then the manager, each after a configurable time without anyone
acknowledging. Emergencies go to the whole chain at once."""
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hotline.core.outbox import add_event
from hotline.sla.models import Alert, Escalation, EscalationStep, SlaClock, Stage
from hotline.tickets import timeline
from hotline.tickets.models import Priority, Status, Ticket
from hotline.tickets.timeline import EventKind
from hotline.units.services import audience

LADDER = {1: "unit", 2: "supervisor", 3: "manager"}
TOP = max(LADDER)


def climb_after() -> list[int]:
    """Minutes without acknowledgement before each climb: level 1 -> 2, 2 -> 3."""
    if has_app_context():
        return list(current_app.config.get("SLA_ESCALATE_AFTER_MINUTES", [15, 30]))
    return [15, 30]


def _next_at(level: int, now: datetime) -> datetime | None:
    after = climb_after()
    if level >= TOP or level - 1 >= len(after):
        return None
    return now + timedelta(minutes=after[level - 1])


def _step(session: Session, esc: Escalation, ticket: Ticket, level: int, now: datetime) -> None:
    session.add(EscalationStep(escalation_id=esc.id, level=level, audience=LADDER[level], at=now))
    timeline.record(ticket, EventKind.ESCALATED, None, {"level": (level - 1, level)}, f"{esc.reason}: {LADDER[level]}",
                    touch=False, at=now, session=session)
    add_event(
        session,
        "escalation",
        {
            "number": ticket.number,
            "escalation_id": esc.id,
            "reason": esc.reason,
            "level": level,
            "audience": LADDER[level],
            "priority": ticket.priority.value,
            "category": ticket.category.code if ticket.category else None,
        },
        audience(session, ticket.unit_id),
    )


def open_escalation(session: Session, ticket: Ticket, reason: str, now: datetime, alert: Alert | None = None) -> Escalation:
    """Start at the unit; an emergency goes to every level at once. A late callback
    is the center's own work, not the unit's: it starts with the supervisor."""
    at_once = ticket.priority == Priority.EMERGENCY
    first = 2 if alert is not None and alert.stage == Stage.CALLBACK else 1
    level = TOP if at_once else first
    esc = Escalation(
        ticket_id=ticket.id, alert_id=alert.id if alert else None, reason=reason, level=level,
        started_at=now, next_at=None if at_once else _next_at(level, now),
    )
    session.add(esc)
    session.flush()
    for step in range(first, level + 1):
        _step(session, esc, ticket, step, now)
    return esc


def climb_due(session: Session, now: datetime) -> int:
    """Move every unacknowledged escalation whose time has come one level up."""
    due = session.execute(
        select(Escalation.id, Escalation.level, SlaClock.stopped_at, Ticket.status)
        .join(Ticket, Ticket.id == Escalation.ticket_id)
        .outerjoin(Alert, Alert.id == Escalation.alert_id)
        .outerjoin(SlaClock, SlaClock.id == Alert.clock_id)
        .where(Escalation.next_at <= now, Escalation.acknowledged_at.is_(None))
        .order_by(Escalation.next_at)
        .limit(1000)
    ).all()
    moved = 0
    for esc_id, level, stage_done_at, ticket_status in due:
        if stage_done_at is not None or ticket_status in (Status.CLOSED, Status.CANCELLED):
            # The late stage has been done since (or the ticket is settled): stop
            # climbing, nobody above needs to hear of it now.
            session.execute(
                update(Escalation).where(Escalation.id == esc_id).values(next_at=None)
                .execution_options(synchronize_session=False)
            )
            continue
        new_level = level + 1
        claimed = session.execute(
            update(Escalation)
            .where(Escalation.id == esc_id, Escalation.level == level, Escalation.acknowledged_at.is_(None))
            .values(level=new_level, next_at=_next_at(new_level, now))
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            esc = session.get(Escalation, esc_id)
            session.refresh(esc)
            _step(session, esc, session.get(Ticket, esc.ticket_id), new_level, now)
            moved += 1
    return moved


def acknowledge(session: Session, esc: Escalation, user_id: int, now: datetime, note: str | None) -> None:
    """Someone has taken it on: the ladder stops where it is, and the step says who."""
    if esc.acknowledged_at is None:
        esc.acknowledged_at, esc.acknowledged_by_id, esc.next_at = now, user_id, None
    step = session.scalar(
        select(EscalationStep).where(EscalationStep.escalation_id == esc.id, EscalationStep.level == esc.level)
    )
    if step is not None and step.acknowledged_at is None:
        step.acknowledged_at, step.acknowledged_by_id, step.note = now, user_id, note
