"""Callbacks as JSON for a given viewer: the caller shown or masked by the ticket rules."""
from sqlalchemy import select

from dispatch.workorders.models import WorkOrder, WorkOrderStatus
from hotline.callbacks.models import Callback, CallbackStatus
from hotline.callers.privacy import address_for
from hotline.core import clock
from hotline.core.extensions import db
from hotline.tickets.serialize import caller_view
from hotline.users.models import User


def _iso(value):
    return value.isoformat() if value else None


def resolved_results(ticket_ids: list[int]) -> dict[int, str]:
    """The latest 办结 result of each ticket, in one query."""
    if not ticket_ids:
        return {}
    rows = db.session.execute(
        select(WorkOrder.ticket_id, WorkOrder.result)
        .where(WorkOrder.ticket_id.in_(ticket_ids), WorkOrder.status == WorkOrderStatus.RESOLVED)
        .order_by(WorkOrder.id)
    )
    return {ticket_id: result for ticket_id, result in rows}  # later rows win


def callback_view(callback: Callback, viewer: User, result: str | None) -> dict:
    ticket = callback.ticket
    now = clock.now()
    pending = callback.status == CallbackStatus.PENDING
    return {
        "id": callback.id,
        "version": callback.version,
        "status": callback.status.value,
        "ticket": ticket.number,
        "cycle": callback.cycle,
        "category": ticket.category.code,
        "unit": callback.unit.code if callback.unit else None,
        "matter": ticket.matter,
        "address": address_for(viewer, ticket),
        "result": result,
        "confidential": ticket.confidential,
        "caller": caller_view(ticket, viewer),
        "resolved_at": _iso(callback.created_at),  # opened when the ticket was resolved
        "due_at": _iso(callback.due_at),
        "overdue": pending and callback.due_at is not None and callback.due_at <= now,
        "due_now": pending and callback.next_try_at <= now,
        "attempts": callback.attempts,
        "next_try_at": _iso(callback.next_try_at) if pending else None,
        "solved": callback.solved,
        "satisfaction": callback.satisfaction.value if callback.satisfaction else None,
        "done_at": _iso(callback.done_at),
    }


def callback_views(callbacks: list[Callback], viewer: User) -> list[dict]:
    results = resolved_results([c.ticket_id for c in callbacks])
    return [callback_view(c, viewer, results.get(c.ticket_id)) for c in callbacks]
