"""What dispatch does when tickets change elsewhere."""
from dispatch.workorders.services import (
    cancel_work,
    dispatch_ticket,
    route_new_ticket,
    send_back,
)
from hotline.core import signals
from hotline.tickets.models import Status


@signals.ticket_created.connect
def send_on(ticket, actor, unit, **_):
    """Straight to the unit the operator named, else to the one the routing rules name."""
    if ticket.status != Status.NEW:  # answered on the call
        return
    if unit is not None:
        dispatch_ticket(ticket, unit, actor, None)
    else:
        route_new_ticket(ticket)


@signals.ticket_reopened.connect
def back_to_unit(ticket, actor, words, **_):
    send_back(ticket, actor, words)


@signals.ticket_cancelled.connect
def stop_work(ticket, actor, reason, **_):
    cancel_work(ticket, reason)
