"""The CAD measures of a ticket, computed from the recorded steps, never typed in."""
from datetime import datetime

from hotline.tickets.models import Ticket


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() if start and end else None


def cad_measures(ticket: Ticket) -> dict[str, float | None]:
    """queue: created→dispatched; response: created→first arrival;
    travel: dispatched→on site (of the order that arrived); on_site: arrival→resolved."""
    arrived = [wo for wo in ticket.work_orders if wo.arrived_at]
    first = min(arrived, key=lambda wo: wo.arrived_at) if arrived else None
    return {
        "queue_seconds": _seconds(ticket.created_at, ticket.dispatched_at),
        "response_seconds": _seconds(ticket.created_at, ticket.arrived_at),
        "travel_seconds": _seconds(first.assigned_at, first.arrived_at) if first else None,
        "on_site_seconds": _seconds(ticket.arrived_at, ticket.resolved_at),
    }
