"""Which tickets a person may see and act on (before masking decides how much)."""
from flask_babel import lazy_gettext as _l

from hotline.core import error_catalog
from hotline.core.errors import Forbidden, NotFound
from hotline.core.extensions import db
from hotline.core.permissions import CENTER_STAFF, Role, scope_for
from hotline.tickets.models import Ticket
from hotline.tickets.services import TicketFilter, count, get_ticket, search_tickets
from hotline.users.models import User

error_catalog.define({
    "crew_or_desk_only": _l("only the unit's crew or the dispatch desk may do this"),
    "not_your_unit": _l("this ticket is not with your unit"),
})


def visible_ticket(number: str, user: User) -> Ticket:
    ticket = get_ticket(number)
    if not scope_for(user).sees_unit(ticket.unit_id):
        raise NotFound("not_found", what=_l("ticket"), id=number)  # not 403: do not confirm it exists
    return ticket


def check_unit_member(ticket: Ticket, actor: User) -> None:
    """Crews act only on their own unit's work; the center may act for them."""
    if actor.role in CENTER_STAFF - {Role.OPERATOR}:
        return
    if actor.role != Role.CREW or actor.unit_id is None:
        raise Forbidden("crew_or_desk_only")
    if ticket.unit_id is None or not scope_for(actor).sees_unit(ticket.unit_id):
        raise Forbidden("not_your_unit")


def actionable_ticket(number: str, user: User) -> Ticket:
    """A ticket the user may act on: visible to them and, for a crew, with their unit."""
    ticket = visible_ticket(number, user)
    if user.role == Role.CREW:
        check_unit_member(ticket, user)
    return ticket


def find_tickets(query, user: User) -> tuple[list[Ticket], int]:
    """One page of the tickets matching a TicketQuery that `user` may see, and the total."""
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
            unit_ids_scope=scope_for(user).unit_ids,
        )
    )
    page = stmt.limit(query.per_page).offset((query.page - 1) * query.per_page)
    return db.session.scalars(page).unique().all(), count(stmt)
