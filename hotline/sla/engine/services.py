"""What people do to SLA clocks: pause and resume, ask for and decide an
extension (延期), acknowledge alerts and escalations."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hotline.audit.four_eyes import check_not_own
from hotline.audit.services import record
from hotline.core import clock as app_clock
from hotline.core import error_catalog
from hotline.core.error_catalog import Term
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.core.outbox import add_event
from hotline.sla.engine import clocks
from hotline.sla.engine.escalations import acknowledge
from hotline.sla.models import (
    Alert,
    Escalation,
    Extension,
    ExtensionStatus,
    Pause,
    SlaClock,
    Stage,
)
from hotline.tickets import timeline
from hotline.tickets.models import Ticket
from hotline.tickets.timeline import EventKind
from hotline.units.services import audience
from hotline.users.models import User

error_catalog.define({
    "no_clock_to_pause": _l("ticket %(number)s has no running clock to pause"),
    "no_paused_clock": _l("ticket %(number)s has no paused clock"),
    "no_running_clock": _l("ticket %(number)s has no running %(stage)s clock"),
    "deadline_passed": _l("the %(stage)s deadline has passed: an extension must be asked for before it"),
    "extension_waiting": _l("an extension of the %(stage)s deadline is already waiting for a decision"),
    "extension_decided": _l("extension %(id)s was already %(status)s"),
    "unknown_alerts": _l("no alert %(ids)s: nothing was acknowledged"),
})


def running_clocks(ticket: Ticket, stage: Stage | None = None) -> list[SlaClock]:
    return [
        c for c in clocks.ticket_clocks(db.session, ticket)
        if c.stopped_at is None and c.cycle == ticket.cycle and (stage is None or c.stage == stage)
    ]


def pause_ticket(ticket: Ticket, reason: str, actor: User, stage: Stage | None = None) -> list[SlaClock]:
    """Stop the clocks counting (waiting for the caller, for parts): paused time never counts."""
    now = app_clock.now()
    targets = [c for c in running_clocks(ticket, stage) if not c.paused]
    if not targets:
        raise Conflict("no_clock_to_pause", number=ticket.number)
    for c in targets:
        clocks.pause(db.session, c, now, reason)
        db.session.add(Pause(clock_id=c.id, reason=reason, started_at=now, started_by_id=actor.id))
    _clock_entry(ticket, EventKind.SLA_PAUSED, actor, reason, [c.stage for c in targets])
    db.session.flush()
    return targets


def resume_ticket(ticket: Ticket, actor: User, stage: Stage | None = None) -> list[SlaClock]:
    now = app_clock.now()
    targets = [c for c in running_clocks(ticket, stage) if c.paused]
    if not targets:
        raise Conflict("no_paused_clock", number=ticket.number)
    for c in targets:
        clocks.resume(db.session, c, now)
        pause = db.session.scalar(
            select(Pause).where(Pause.clock_id == c.id, Pause.ended_at.is_(None)).order_by(Pause.id.desc())
        )
        if pause is not None:
            pause.ended_at, pause.ended_by_id = now, actor.id
    _clock_entry(ticket, EventKind.SLA_RESUMED, actor, None, [c.stage for c in targets])
    db.session.flush()
    return targets


def _clock_entry(ticket: Ticket, kind: EventKind, actor: User, message: str | None, stages: list[Stage]) -> None:
    """A timeline row about the ticket's clocks: the ticket itself is untouched (no new version)."""
    timeline.record(ticket, kind, actor, {"stages": (None, stages)}, message, touch=False)


def request_extension(ticket: Ticket, stage: Stage, minutes: int, reason: str, actor: User) -> Extension:
    """Asked for before the deadline; one pending request per clock."""
    candidates = running_clocks(ticket, stage)
    if not candidates:
        raise ValidationFailed.at("stage", "no_running_clock", number=ticket.number, stage=Term("stage", stage.value))
    c = candidates[0]
    now = app_clock.now()
    if c.breached_at is not None or (c.due_at is not None and c.due_at <= now):
        raise Conflict("deadline_passed", stage=Term("stage", stage.value))
    if db.session.scalar(select(Extension).where(Extension.clock_id == c.id, Extension.status == ExtensionStatus.PENDING)):
        raise Conflict("extension_waiting", stage=Term("stage", stage.value))
    ext = Extension(clock_id=c.id, minutes=minutes, reason=reason, requested_at=now, requested_by_id=actor.id)
    db.session.add(ext)
    _clock_entry(ticket, EventKind.EXTENSION_REQUESTED, actor, reason, [stage])
    db.session.flush()
    return ext


def decide_extension(ext: Extension, approve: bool, note: str | None, actor: User) -> Extension:
    if ext.status != ExtensionStatus.PENDING:
        raise Conflict("extension_decided", id=ext.id, status=ext.status.value)
    check_not_own(actor, ext.requested_by)
    now = app_clock.now()
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    ext.decided_at, ext.decided_by_id, ext.decision_note = now, actor.id, note
    c = ext.clock
    if approve and c.stopped_at is None:
        c.extended_seconds += ext.minutes * 60
        clocks.schedule(db.session, c)
    kind = "extension_approved" if approve else "extension_refused"
    _clock_entry(c.ticket, kind, actor, note, [c.stage])
    record("sla.extension_decide", target=ext, ticket_id=c.ticket_id, reason=note, actor=actor,
           detail={"approve": approve, "minutes": ext.minutes, "stage": c.stage.value,
                   "requested_by": ext.requested_by.username if ext.requested_by else None})
    db.session.flush()
    return ext


def get_extension(ext_id: int) -> Extension:
    ext = get_or_404(Extension, ext_id, _l("extension"))
    return ext


def acknowledge_alert(alert_id: int, actor: User, comment: str | None) -> Alert:
    alert = get_or_404(Alert, alert_id, _l("alert"))
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = app_clock.now(), actor.id
    if comment:
        alert.comment = comment
    db.session.flush()
    return alert


def acknowledge_alerts(ids: list[int], actor: User, comment: str | None) -> list[Alert]:
    """Several at once, each as acknowledge_alert does; an unknown id refuses them all
    (nothing is acknowledged), naming it."""
    wanted = list(dict.fromkeys(ids))
    found = {a.id: a for a in db.session.scalars(select(Alert).where(Alert.id.in_(wanted)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationFailed.at("ids", "unknown_alerts", ids=", ".join(map(str, missing)))
    return [acknowledge_alert(i, actor, comment) for i in wanted]


def acknowledge_escalation(esc_id: int, actor: User, note: str | None) -> Escalation:
    esc = get_or_404(Escalation, esc_id, _l("escalation"))
    first = esc.acknowledged_at is None
    acknowledge(db.session, esc, actor.id, app_clock.now(), note)
    if first:  # the board drops its badge, the supervisors' page its row
        ticket = db.session.get(Ticket, esc.ticket_id)
        add_event(
            db.session, "escalation.acknowledged",
            {"number": ticket.number, "escalation_id": esc.id, "level": esc.level, "by": actor.display_name},
            audience(db.session, ticket.unit_id),
        )
    db.session.flush()
    return esc


def ticket_clock_view(ticket: Ticket) -> list[dict]:
    """The ticket's clocks for people and the API, newest cycle first."""
    now = app_clock.now()
    out = []
    for c in sorted(clocks.ticket_clocks(db.session, ticket), key=lambda c: (-c.cycle, c.id)):
        out.append({
            "stage": c.stage.value,
            "cycle": c.cycle,
            "state": "stopped" if c.stopped_at else ("paused" if c.paused else "running"),
            "started_at": c.started_at.isoformat(),
            "warn_at": c.warn_at.isoformat() if c.warn_at else None,
            "due_at": c.due_at.isoformat() if c.due_at else None,
            "warned_at": c.warned_at.isoformat() if c.warned_at else None,
            "breached_at": c.breached_at.isoformat() if c.breached_at else None,
            "stopped_at": c.stopped_at.isoformat() if c.stopped_at else None,
            "budget_seconds": c.total_seconds,
            "extended_seconds": c.extended_seconds,
            "paused_reason": c.paused_reason,
            "working_time": c.calendar_id is not None,
            "met": c.met,
            "overdue": c.breached_at is not None or (c.stopped_at is None and c.due_at is not None and c.due_at <= now),
        })
    return out
