"""What a live screen (wall board, dispatch desk, crew phone) is told of a ticket: one
card, the same in the snapshot a page opens with and in every `ticket.*` event after
it, so a page updates a card from the event alone. No caller data: events go to
whole rooms (the center room: wall boards too), so a card carries no caller and the
address at street level only (hotline/callers/privacy.py)."""
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from hotline.callers.privacy import street_level
from hotline.sla.engine.summary import deadlines_for, escalations_for
from hotline.tickets.models import Status, Ticket
from hotline.tickets.workflow import steps_available
from hotline.units.models import Unit


def _card(ticket: Ticket, unit: Unit | None, sla: dict | None, escalation: dict | None) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "category": ticket.category.code if ticket.category else None,
        "unit": unit.code if unit else None,
        "unit_name": unit.name if unit else None,  # the center itself is not in the units strip
        "street": street_level(ticket.address),  # a whole room hears it: boards too
        "version": ticket.version,
        "created_at": ticket.created_at.isoformat(),
        "returned": ticket.status == Status.RETURNED,
        "steps": steps_available(ticket),
        "sla": sla,  # the nearest deadline (hotline.sla.engine.summary)
        "escalation": escalation,  # the level an unacknowledged escalation has reached
    }


def ticket_cards(session: Session, tickets: Sequence[Ticket]) -> list[dict[str, Any]]:
    """Cards for many tickets: two queries for their deadlines and escalations."""
    ids = [t.id for t in tickets]
    deadlines, escalations = deadlines_for(session, ids), escalations_for(session, ids)
    return [_card(t, t.unit, deadlines.get(t.id), escalations.get(t.id)) for t in tickets]


def ticket_card(ticket: Ticket, session: Session) -> dict[str, Any]:
    """One ticket's card, read inside the transaction that changed it (no autoflush)."""
    unit = session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    ids = [ticket.id] if ticket.id is not None else []
    return _card(
        ticket, unit,
        deadlines_for(session, ids).get(ticket.id), escalations_for(session, ids).get(ticket.id),
    )
