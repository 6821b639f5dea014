"""Appending to a ticket's timeline: who, when, what, before and after."""
from enum import Enum
from typing import Any

from hotline.core import clock
from hotline.core.extensions import db
from hotline.tickets.models import Ticket, TicketEvent
from hotline.users.models import User


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record(
    ticket: Ticket,
    kind: str,
    actor: User | None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    message: str | None = None,
) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket,
        at=clock.now(),
        actor_id=actor.id if actor else None,
        kind=kind,
        changes={k: [_plain(b), _plain(a)] for k, (b, a) in (changes or {}).items()},
        message=message,
    )
    db.session.add(event)
    ticket.updated_at = event.at
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
