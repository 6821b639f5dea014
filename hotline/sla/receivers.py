"""What the SLA engine does when tickets change elsewhere, and its panel on the ticket page."""
from hotline.core import clock, signals
from hotline.core.extensions import db
from hotline.sla.engine.escalations import open_escalation
from hotline.sla.panel.pages import TEMPLATE, sla_panel
from hotline.sla.panel.views import clock_rows
from hotline.tickets.models import Priority


def _alert_chain(ticket) -> None:
    """An emergency goes up the whole escalation ladder at once."""
    if ticket.is_open and ticket.priority == Priority.EMERGENCY:
        open_escalation(db.session, ticket, "emergency", clock.now())


@signals.ticket_created.connect
def emergency_taken_in(ticket, **_):
    _alert_chain(ticket)


@signals.ticket_priority_raised.connect
def raised_to_emergency(ticket, **_):
    _alert_chain(ticket)


@signals.ticket_panels.connect
def ticket_panel(ticket, user, **_):
    return TEMPLATE, sla_panel(ticket, user)


@signals.ticket_deadlines.connect
def ticket_deadlines(ticket, **_):
    return [
        {"stage": r["stage"], "due": r["due"], "state": r["shown_state"], "overdue": bool(r["overdue"])}
        for r in clock_rows(ticket) if r["cycle"] == ticket.cycle
    ]
