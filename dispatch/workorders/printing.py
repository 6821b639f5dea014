"""The printed work order (派工单): which of a ticket's work orders a person prints,
and what the sheet carries. Crews print their own unit's only; the address and the
caller as the viewer may see them (hotline/callers/privacy.py); the deadlines from
whichever part keeps them (signals.ticket_deadlines)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dispatch.workorders.models import WorkOrder
from hotline.callers.privacy import address_for
from hotline.core import error_catalog, signals
from hotline.core.errors import NotFound
from hotline.core.permissions import scope_for
from hotline.tickets.models import Ticket
from hotline.tickets.serialize import caller_view
from hotline.units.services import center_name
from hotline.users.models import User

error_catalog.define({
    "no_work_order": _l("ticket %(number)s has no work order you may print"),
})


def printable_work_order(ticket: Ticket, user: User) -> WorkOrder:
    """The active work order, else the latest; of those the person's units may see."""
    scope = scope_for(user)
    mine = sorted((w for w in ticket.work_orders if scope.sees_unit(w.unit_id)), key=lambda w: w.id, reverse=True)
    order = next((w for w in mine if w.is_active), None) or (mine[0] if mine else None)
    if order is None:
        raise NotFound("no_work_order", number=ticket.number)
    return order


def sheet(ticket: Ticket, order: WorkOrder, user: User) -> dict:
    deadlines = [row for _receiver, rows in signals.ticket_deadlines.send(ticket) for row in rows or []]
    return {
        "center": center_name() or _("Hotline"),
        "ticket": ticket,
        "order": order,
        "caller": caller_view(ticket, user),
        "address": address_for(user, ticket),
        "deadlines": deadlines,
    }
