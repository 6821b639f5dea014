"""The one writer of a ticket's timeline: who, when, what, before and after."""
import enum
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from hotline.core import clock
from hotline.core.extensions import db
from hotline.tickets.models import Ticket, TicketEvent


class EventKind(enum.StrEnum):
    """Every kind of timeline entry there is. Workflow steps record their step name."""

    CREATED = "created"
    ANSWERED_ON_CALL = "answered_on_call"
    NOTE = "note"
    CANCELLED = "cancelled"
    REPLIED = "replied"  # 答复
    RECLASSIFIED = "reclassified"
    HANDED_OVER = "handed_over"  # 交接班: the incoming person owns it now (首问负责)
    # workflow steps (tickets.workflow.STEPS)
    DISPATCH = "dispatch"
    TRANSFER = "transfer"
    RETURN = "return"
    ACCEPT = "accept"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"
    # deadlines (written by sla)
    ESCALATED = "escalated"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    SLA_PAUSED = "sla_paused"
    SLA_RESUMED = "sla_resumed"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REFUSED = "extension_refused"


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record(
    ticket: Ticket,
    kind: EventKind,
    actor,
    changes: dict[str, tuple[Any, Any]] | None = None,
    message: str | None = None,
    *,
    touch: bool = True,
    at: datetime | None = None,
    session: Session | None = None,
) -> TicketEvent:
    """Append an entry. `touch` (the default) marks the ticket updated, which gives it
    a new version; entries about the ticket's clocks (sla) leave the ticket as it is."""
    event = TicketEvent(
        ticket_id=ticket.id,
        at=at or clock.now(),
        actor_id=actor.id if actor else None,
        kind=EventKind(kind).value,
        changes={k: [_plain(b), _plain(a)] for k, (b, a) in (changes or {}).items()},
        message=message,
    )
    if touch:
        event.ticket = ticket
        ticket.updated_at = event.at
    (session or db.session).add(event)
    return event


def apply_changes(ticket: Ticket, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set attributes and return {field: (before, after)} for those that changed."""
    changed = {}
    for field, value in values.items():
        before = getattr(ticket, field)
        if before != value:
            setattr(ticket, field, value)
            changed[field] = (before, value)
    return changed
