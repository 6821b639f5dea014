"""What a live screen (wall board, dispatch desk, crew phone) is told of a ticket: one
card, the same in the snapshot a page opens with and in every `ticket.*` event after
it, so a page updates a card from the event alone. No caller data: events go to
whole rooms (the center room: wall boards too), so a card carries no caller and the
address at street level only (hotline/callers/privacy.py)."""
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.callers.privacy import street_level
from hotline.core.orm import in_ids
from hotline.sla.engine.summary import deadlines_for, escalations_for
from hotline.tickets.models import Category, Status, Ticket
from hotline.tickets.workflow import steps_available
from hotline.units.models import Unit

# What a card shows, read as plain rows: 200 tickets as ORM objects (with their category
# and unit) cost a desk snapshot 20 ms at a million tickets, the rows 4.
_CARD_COLUMNS = (
    Ticket.id, Ticket.number, Ticket.version, Ticket.status, Ticket.priority, Ticket.address, Ticket.created_at,
    Category.code.label("category_code"), Unit.code.label("unit_code"), Unit.name.label("unit_name"),
)


def _card(ticket, category: str | None, unit: tuple[str, str] | None, sla: dict | None,
          escalation: dict | None) -> dict[str, Any]:
    """`ticket`: a Ticket or a row of _CARD_COLUMNS; `unit`: its code and name."""
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "category": category,
        "unit": unit[0] if unit else None,
        "unit_name": unit[1] if unit else None,  # the center itself is not in the units strip
        "street": street_level(ticket.address),  # a whole room hears it: boards too
        "version": ticket.version,
        "created_at": ticket.created_at.isoformat(),
        "returned": ticket.status == Status.RETURNED,
        "steps": steps_available(ticket),
        "sla": sla,  # the nearest deadline (hotline.sla.engine.summary)
        "escalation": escalation,  # the level an unacknowledged escalation has reached
    }


def cards_for(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The cards of these tickets, in this order: three queries (the tickets, their
    deadlines, their escalations), whatever their number."""
    if not ids:
        return []
    stmt = (select(*_CARD_COLUMNS).outerjoin(Category, Category.id == Ticket.category_id)
            .outerjoin(Unit, Unit.id == Ticket.unit_id).where(in_ids(Ticket.id, ids)))
    rows = {row.id: row for row in session.execute(stmt)}
    deadlines, escalations = deadlines_for(session, ids), escalations_for(session, ids)
    return [_card(row, row.category_code, (row.unit_code, row.unit_name) if row.unit_code else None,
                  deadlines.get(i), escalations.get(i))
            for i in ids if (row := rows.get(i)) is not None]


def ticket_card(ticket: Ticket, session: Session) -> dict[str, Any]:
    """One ticket's card, read inside the transaction that changed it (no autoflush)."""
    unit = session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    category = session.get(Category, ticket.category_id) if ticket.category_id else None
    ids = [ticket.id] if ticket.id is not None else []
    return _card(
        ticket, category.code if category else None, (unit.code, unit.name) if unit else None,
        deadlines_for(session, ids).get(ticket.id), escalations_for(session, ids).get(ticket.id),
    )
