"""Tickets as JSON for a given viewer: the caller masked unless the viewer may see them."""
from hotline.callers.phones import display_phone
from hotline.callers.privacy import address_for, can_reveal, can_see_caller, mask_name, mask_phone
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

_IDENTIFYING_FACTS = ("who", "where")


def _iso(value):
    return value.isoformat() if value else None


def caller_view(ticket: Ticket, viewer: User) -> dict | None:
    """The caller as given on this call (the ticket's own snapshot), masked unless the
    viewer may see them (hotline/callers/privacy.py)."""
    caller = ticket.caller
    if caller is None:
        return None
    if can_see_caller(viewer, ticket):
        return {"phone": caller.phone, "display_phone": display_phone(caller.phone), "name": ticket.caller_name,
                "masked": False}
    masked = {
        "phone": mask_phone(caller.phone),
        "display_phone": mask_phone(caller.phone),
        "name": mask_name(ticket.caller_name),
        "masked": True,
    }
    if ticket.confidential and can_reveal(viewer, ticket):
        masked["revealable"] = True  # on purpose, with a reason (audited)
    return masked


def revealed_caller(ticket: Ticket) -> dict:
    """A confidential caller in full, for an audited reveal."""
    caller = ticket.caller
    return {
        "phone": caller.phone,
        "display_phone": display_phone(caller.phone),
        "name": ticket.caller_name,
        "address": ticket.address,
        "facts": ticket.facts or {},
    }


def facts_for(ticket: Ticket, viewer: User) -> dict:
    """5W1H; on a confidential ticket the 'who' and 'where' are the caller's own words
    about themselves: only for those who see the caller."""
    facts = dict(ticket.facts or {})
    if ticket.confidential and not can_see_caller(viewer, ticket):
        for key in _IDENTIFYING_FACTS:
            facts.pop(key, None)
    return facts


def ticket_summary(ticket: Ticket, viewer: User) -> dict:
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "category": ticket.category.code,
        "channel": ticket.channel.value,
        "unit": ticket.unit.code if ticket.unit else None,
        "caller": caller_view(ticket, viewer),
        "address": address_for(viewer, ticket),
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
            "facts": facts_for(ticket, viewer),
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
