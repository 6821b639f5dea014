"""Which tickets a person may see at all (before masking decides how much)."""
from hotline.core.errors import NotFound
from hotline.tickets.models import Ticket
from hotline.tickets.services import get_ticket
from hotline.units.services import member_unit_ids
from hotline.users.models import Role, User


def unit_scope(user: User) -> set[int] | None:
    """A crew sees its own unit's tickets only (and its sub-units'); None: no limit."""
    if user.role == Role.CREW:
        return member_unit_ids(user)
    return None


def visible_ticket(number: str, user: User) -> Ticket:
    ticket = get_ticket(number)
    scope = unit_scope(user)
    if scope is not None and ticket.unit_id not in scope:
        raise NotFound(f"no ticket {number}")  # not 403: do not confirm it exists
    return ticket


def find_tickets(query, user: User) -> tuple[list[Ticket], int]:
    """One page of the tickets matching a TicketQuery that `user` may see, and the total."""
    from hotline.core.extensions import db
    from hotline.tickets.services import TicketFilter, count, search_tickets

    stmt = search_tickets(
        TicketFilter(
            q=query.q,
            status=query.status,
            open_only=query.open,
            category=query.category,
            priority=query.priority,
            unit=query.unit,
            created_from=query.created_from,
            created_to=query.created_to,
            unit_ids_scope=unit_scope(user),
        )
    )
    page = stmt.limit(query.per_page).offset((query.page - 1) * query.per_page)
    return db.session.scalars(page).unique().all(), count(stmt)
