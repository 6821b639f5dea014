"""Tickets as JSON for a given viewer: the caller masked unless the viewer may see them."""
from hotline.callers.phones import display_phone
from hotline.callers.privacy import can_see_caller, mask_name, mask_phone
from hotline.tickets.models import Ticket, TicketEvent, TicketNote
from hotline.users.models import User

_TIMES = (
    "created_at",
    "updated_at",
    "dispatched_at",
    "accepted_at",
    "arrived_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
)


def _iso(value):
    return value.isoformat() if value else None


def caller_view(ticket: Ticket, viewer: User) -> dict | None:
    caller = ticket.caller
    if caller is None:
        return None
    if can_see_caller(viewer, ticket):
        return {"phone": caller.phone, "display_phone": display_phone(caller.phone), "name": caller.name, "masked": False}
    return {
        "phone": mask_phone(caller.phone),
        "display_phone": mask_phone(caller.phone),
        "name": mask_name(caller.name),
        "masked": True,
    }


def ticket_summary(ticket: Ticket, viewer: User) -> dict:
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "category": ticket.category.code,
        "channel": ticket.channel.value,
        "unit": ticket.unit.code if ticket.unit else None,
        "caller": caller_view(ticket, viewer),
        "address": ticket.address,
        "matter": ticket.matter,
        "confidential": ticket.confidential,
        "version": ticket.version,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
    }


def event_view(event: TicketEvent) -> dict:
    return {
        "at": _iso(event.at),
        "kind": event.kind,
        "actor": event.actor.username if event.actor else None,
        "changes": event.changes,
        "message": event.message,
    }


def note_view(note: TicketNote) -> dict:
    return {"id": note.id, "at": _iso(note.at), "author": note.author.username, "body": note.body}


def ticket_detail(ticket: Ticket, viewer: User) -> dict:
    data = ticket_summary(ticket, viewer)
    data.update(
        {
            "area": ticket.area,
            "facts": ticket.facts,
            "answer": ticket.answer,
            "cancel_reason": ticket.cancel_reason,
            "operator": ticket.operator.username if ticket.operator else None,
            "call": _call_view(ticket),
            "notes": [note_view(n) for n in ticket.notes],
            "timeline": [event_view(e) for e in ticket.events],
        }
    )
    data.update({name: _iso(getattr(ticket, name)) for name in _TIMES})
    return data


def _call_view(ticket: Ticket) -> dict | None:
    call = ticket.call
    if call is None:
        return None
    return {
        "line": call.line,
        "rang_at": _iso(call.rang_at),
        "answered_at": _iso(call.answered_at),
        "ended_at": _iso(call.ended_at),
        "ring_seconds": call.ring_seconds,
    }
