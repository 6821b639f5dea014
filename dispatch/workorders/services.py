"""Dispatching: send (派单), transfer (转办), return (退回) and the crew's steps.

Each function checks the version the person acted on, asks the state machine
whether the step is legal, and records the step on the work order and the
ticket's timeline. Live events follow from the ticket change by themselves."""
from sqlalchemy import select

from hotline.core import clock
from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.core.extensions import db
from hotline.tickets import timeline
from hotline.tickets.models import Ticket
from hotline.tickets.services import check_version
from hotline.units.models import Unit
from hotline.users.models import Role, User
from hotline.tickets import workflow
from dispatch.workorders.models import ACTIVE_WORK, WorkOrder, WorkOrderStatus


def active_work_order(ticket: Ticket) -> WorkOrder | None:
    return db.session.scalar(
        select(WorkOrder)
        .where(WorkOrder.ticket_id == ticket.id, WorkOrder.status.in_(ACTIVE_WORK))
        .order_by(WorkOrder.id.desc())
    )


def find_unit(code: str, field: str = "unit") -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or not unit.active:
        raise ValidationFailed({field: f"unknown unit '{code}'"})
    return unit


def _move(ticket: Ticket, step: str, actor: User | None, extra: dict, message: str | None = None):
    target = workflow.next_status(ticket, step)
    changes = timeline.apply_changes(ticket, {"status": target, **extra})
    timeline.record(ticket, step, actor, changes, message)


def _send(ticket: Ticket, unit: Unit, actor: User | None, instructions: str | None) -> WorkOrder:
    now = clock.now()
    order = WorkOrder(
        ticket=ticket,
        unit=unit,
        status=WorkOrderStatus.ASSIGNED,
        dispatcher_id=actor.id if actor else None,
        instructions=instructions,
        assigned_at=now,
    )
    db.session.add(order)
    return order


def dispatch_ticket(
    ticket: Ticket, unit: Unit, actor: User | None, expected_version: int | None, instructions: str | None = None
) -> WorkOrder:
    check_version(ticket, expected_version)
    now = clock.now()
    _move(ticket, "dispatch", actor, {"unit_id": unit.id, "dispatched_at": ticket.dispatched_at or now}, instructions)
    order = _send(ticket, unit, actor, instructions)
    db.session.flush()
    return order


def transfer_ticket(ticket: Ticket, unit: Unit, reason: str, actor: User, expected_version: int | None) -> WorkOrder:
    check_version(ticket, expected_version)
    if unit.id == ticket.unit_id:
        raise ValidationFailed({"unit": "the ticket is already with this unit"})
    _move(ticket, "transfer", actor, {"unit_id": unit.id}, reason)
    _end_active(ticket, WorkOrderStatus.TRANSFERRED, reason)
    order = _send(ticket, unit, actor, None)
    db.session.flush()
    return order


def return_ticket(ticket: Ticket, reason: str, actor: User, expected_version: int | None) -> None:
    """The unit sends it back: the dispatcher's queue, flagged as returned."""
    check_version(ticket, expected_version)
    check_unit_member(ticket, actor)
    _move(ticket, "return", actor, {}, reason)
    _end_active(ticket, WorkOrderStatus.RETURNED, reason)
    db.session.flush()


_STEP_FIELDS = {
    "accept": ("accepted_at", WorkOrderStatus.ACCEPTED),
    "en_route": ("en_route_at", WorkOrderStatus.EN_ROUTE),
    "on_site": ("arrived_at", WorkOrderStatus.ON_SITE),
    "resolve": ("resolved_at", WorkOrderStatus.RESOLVED),
}


def advance(ticket: Ticket, step: str, actor: User, expected_version: int | None, result: str | None = None) -> WorkOrder:
    """A crew's step on its work order: accept, en_route, on_site, resolve."""
    check_version(ticket, expected_version)
    check_unit_member(ticket, actor)
    workflow.next_status(ticket, step)  # an illegal step says why before anything else
    if step == "resolve" and not result:
        raise ValidationFailed({"result": "say how it was resolved"})
    order = active_work_order(ticket)
    if order is None:
        raise Conflict(f"ticket {ticket.number} has no active work order")
    now = clock.now()
    field, order_status = _STEP_FIELDS[step]
    ticket_fields = {}
    if step == "accept":
        ticket_fields["accepted_at"] = ticket.accepted_at or now
    elif step == "on_site":
        ticket_fields["arrived_at"] = ticket.arrived_at or now
    elif step == "resolve":
        ticket_fields["resolved_at"] = now
    _move(ticket, step, actor, ticket_fields, result)
    setattr(order, field, now)
    order.status = order_status
    if result:
        order.result = result
    db.session.flush()
    if step == "resolve":
        from hotline.callbacks.services import open_callback

        open_callback(ticket)
    return order


def reopen_ticket(ticket: Ticket, words: str, actor: User) -> WorkOrder:
    """The callback found it unsolved: back to the same unit with the caller's words,
    as a new cycle whose SLA clocks start again from now."""
    now = clock.now()
    unit = db.session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    if unit is None:
        raise Conflict(f"ticket {ticket.number} has no unit to go back to")
    _move(ticket, "reopen", actor, {
        "cycle": ticket.cycle + 1, "reopened_at": now, "dispatched_at": now,
        "accepted_at": None, "arrived_at": None, "replied_at": None, "resolved_at": None,
    }, words)
    order = _send(ticket, unit, actor, words)
    db.session.flush()
    return order


def close_ticket(ticket: Ticket, actor: User, message: str | None) -> None:
    """归档: the callback is done and the matter is settled."""
    _move(ticket, "close", actor, {"closed_at": clock.now()}, message)
    db.session.flush()


def _end_active(ticket: Ticket, status: WorkOrderStatus, reason: str) -> None:
    order = active_work_order(ticket)
    if order is not None:
        order.status, order.reason, order.ended_at = status, reason, clock.now()


def check_unit_member(ticket: Ticket, actor: User) -> None:
    """Crews act only on their own unit's work; the center may act for them."""
    if actor.role in (Role.DISPATCHER, Role.SUPERVISOR, Role.MANAGER):
        return
    if actor.role != Role.CREW or actor.unit_id is None:
        raise Forbidden("only the unit's crew or the dispatch desk may do this")
    unit = db.session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    if unit is None or actor.unit_id not in (unit.id, unit.parent_id):
        raise Forbidden("this ticket is not with your unit")


def route_new_ticket(ticket: Ticket) -> WorkOrder | None:
    """A new ticket goes at once to the unit the routing rules name, if any."""
    from dispatch.routing.services import unit_for

    unit = unit_for(ticket)
    if unit is None:
        return None
    return dispatch_ticket(ticket, unit, None, None, None)
