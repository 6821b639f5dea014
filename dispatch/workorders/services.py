"""Dispatching: send (派单), transfer (转办), return (退回) and the crew's steps.

Each function checks the version the person acted on, moves the ticket through
its state machine (hotline.tickets.services.move: legal or 409, timeline, signals)
and records the step on the work order. Live events follow from the ticket change
by themselves."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, true, union_all

from dispatch.routing.services import unit_for
from dispatch.workorders.models import ACTIVE_WORK, WorkOrder, WorkOrderStatus
from hotline.core import clock, error_catalog
from hotline.core.errors import Conflict, NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.tickets import workflow
from hotline.tickets.access import check_unit_member
from hotline.tickets.models import Ticket
from hotline.tickets.services import check_ticket_version, move
from hotline.units.models import Unit
from hotline.users.models import User

error_catalog.define({
    "already_with_unit": _l("the ticket is already with this unit"),
    "say_how_resolved": _l("say how it was resolved"),
    "no_active_work_order": _l("ticket %(number)s has no active work order"),
})


def active_work_order(ticket: Ticket) -> WorkOrder | None:
    return db.session.scalar(
        select(WorkOrder)
        .where(WorkOrder.ticket_id == ticket.id, WorkOrder.status.in_(ACTIVE_WORK))
        .order_by(WorkOrder.id.desc())
    )


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
    check_ticket_version(ticket, expected_version)
    now = clock.now()
    move(ticket, "dispatch", actor, {"unit_id": unit.id, "dispatched_at": ticket.dispatched_at or now}, instructions)
    order = _send(ticket, unit, actor, instructions)
    db.session.flush()
    return order


def transfer_ticket(ticket: Ticket, unit: Unit, reason: str, actor: User, expected_version: int | None) -> WorkOrder:
    check_ticket_version(ticket, expected_version)
    if unit.id == ticket.unit_id:
        raise ValidationFailed.at("unit", "already_with_unit")
    workflow.next_status(ticket, "transfer")  # an illegal step says why before anything changes
    _end_active(ticket, WorkOrderStatus.TRANSFERRED, reason)
    move(ticket, "transfer", actor, {"unit_id": unit.id}, reason)
    order = _send(ticket, unit, actor, None)
    db.session.flush()
    return order


def return_ticket(ticket: Ticket, reason: str, actor: User, expected_version: int | None) -> None:
    """The unit sends it back: the dispatcher's queue, flagged as returned."""
    check_ticket_version(ticket, expected_version)
    check_unit_member(ticket, actor)
    workflow.next_status(ticket, "return")
    _end_active(ticket, WorkOrderStatus.RETURNED, reason)
    move(ticket, "return", actor, {}, reason)
    db.session.flush()


_STEP_FIELDS = {
    "accept": ("accepted_at", WorkOrderStatus.ACCEPTED),
    "en_route": ("en_route_at", WorkOrderStatus.EN_ROUTE),
    "on_site": ("arrived_at", WorkOrderStatus.ON_SITE),
    "resolve": ("resolved_at", WorkOrderStatus.RESOLVED),
}


def advance(ticket: Ticket, step: str, actor: User, expected_version: int | None, result: str | None = None) -> WorkOrder:
    """A crew's step on its work order: accept, en_route, on_site, resolve."""
    check_ticket_version(ticket, expected_version)
    check_unit_member(ticket, actor)
    workflow.next_status(ticket, step)  # an illegal step says why before anything else
    if step == "resolve" and not result:
        raise ValidationFailed.at("result", "say_how_resolved")
    order = active_work_order(ticket)
    if order is None:
        raise Conflict("no_active_work_order", number=ticket.number)
    now = clock.now()
    field, order_status = _STEP_FIELDS[step]
    ticket_fields = {}
    if step == "accept":
        ticket_fields["accepted_at"] = ticket.accepted_at or now
    elif step == "on_site":
        ticket_fields["arrived_at"] = ticket.arrived_at or now
    elif step == "resolve":
        ticket_fields["resolved_at"] = now
    setattr(order, field, now)  # the order first: the ticket's live event counts the unit's load
    order.status = order_status
    if result:
        order.result = result
    move(ticket, step, actor, ticket_fields, result)
    db.session.flush()
    return order


def send_back(ticket: Ticket, actor: User, words: str) -> WorkOrder:
    """A reopened ticket (the callback found it unsolved) goes back to its unit with
    the caller's words."""
    order = _send(ticket, db.session.get(Unit, ticket.unit_id), actor, words)
    db.session.flush()
    return order


def cancel_work(ticket: Ticket, reason: str) -> None:
    """The ticket was cancelled: its unit's work order ends (its crew's load with it)."""
    _end_active(ticket, WorkOrderStatus.CANCELLED, reason)


def _end_active(ticket: Ticket, status: WorkOrderStatus, reason: str) -> None:
    order = active_work_order(ticket)
    if order is not None:
        order.status, order.reason, order.ended_at = status, reason, clock.now()


def route_new_ticket(ticket: Ticket) -> WorkOrder | None:
    """A new ticket goes at once to the unit the routing rules name, if any."""
    unit = unit_for(ticket)
    if unit is None:
        return None
    return dispatch_ticket(ticket, unit, None, None, None)


def dispatch_many(items: list[tuple[str, int]], unit: Unit, actor: User, instructions: str | None, load) -> list[dict]:
    """Several tickets to one unit, each as a single dispatch would send it (the same
    checks, timeline entry and live event, one flush each, in the order given). Per item:
    a stale version (409), a ticket not waiting for dispatch (409) or not found (404) is
    that item's answer; the others go. Nothing of a refused item was changed (the
    version and the step are checked before anything is written), so no savepoint is
    needed. `load(number)` finds the ticket as the actor may see it (404 otherwise).
    Each result: {number, ok, status, ticket} or {number, ok, status, error}."""
    results = []
    for number, version in items:
        try:
            ticket = load(number)
            dispatch_ticket(ticket, unit, actor, version, instructions)
        except (Conflict, NotFound) as exc:
            results.append({"number": number, "ok": False, "status": exc.status, "error": exc})
            continue
        results.append({"number": number, "ok": True, "status": 200, "ticket": ticket})
    return results


def work_by_unit(session, statuses=ACTIVE_WORK, unit_ids=None) -> dict[int, int]:
    """Work orders in these states per unit (unit id -> count): the load the desk and the board show."""
    out: dict[int, int] = {}
    for (unit_id, _status), n in work_by_unit_and_status(session, statuses, unit_ids).items():
        out[unit_id] = out.get(unit_id, 0) + n
    return out


def work_by_unit_and_status(session, statuses=ACTIVE_WORK, unit_ids=None) -> dict[tuple[int, str], int]:
    """Work orders per unit and state ((unit id, status) -> count), for these states."""
    # Counted unit by unit and state by state, each a range of ix_work_order_unit_status
    # holding only live work: one GROUP BY read the index's year of finished work (134 ms
    # at a million).
    state = union_all(*(select(literal(s.value).label("status")) for s in statuses)).subquery()
    counted = (select(func.count()).where(WorkOrder.unit_id == Unit.id, WorkOrder.status == state.c.status)
               .correlate(Unit, state).scalar_subquery())
    stmt = select(Unit.id, state.c.status, counted).select_from(Unit).join(state, true())
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(unit_ids))
    return {(unit_id, status): n for unit_id, status, n in session.execute(stmt) if n}
