"""The wall board's picture of the center: open tickets, units and their load."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from dispatch.workorders.models import ACTIVE_WORK, WorkOrderStatus
from dispatch.workorders.services import work_by_unit
from hotline.core import clock
from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.live.views import ticket_cards
from hotline.tickets.models import OPEN_STATUSES, PRIORITY_RANK, Status, Ticket
from hotline.units.models import Unit, UnitKind

_IN_FIELD = (WorkOrderStatus.EN_ROUTE, WorkOrderStatus.ON_SITE)


def _unit_state(active: int, in_field: int) -> str:
    if in_field:
        return "in_field"
    return "busy" if active else "available"


def snapshot(unit_ids: set[int] | None = None) -> dict:
    """Everything open, emergencies first then oldest first, and the last sequence
    number it reflects: a client applies live events after that number."""
    seq = db.session.scalar(select(func.max(LiveEvent.seq))) or 0
    stmt = (
        select(Ticket)
        .options(joinedload(Ticket.category), joinedload(Ticket.unit))
        .where(Ticket.status.in_([s for s in OPEN_STATUSES if s != Status.RESOLVED]))
    )
    if unit_ids is not None:
        stmt = stmt.where(Ticket.unit_id.in_(unit_ids))
    tickets = db.session.scalars(stmt).all()
    tickets.sort(key=lambda t: (PRIORITY_RANK[t.priority], t.created_at))
    return {
        "seq": seq,
        "now": clock.now().isoformat(),
        "tickets": ticket_cards(db.session, tickets),
        "units": unit_states(db.session, unit_ids),
    }


def unit_states(session: Session, unit_ids=None) -> list[dict]:
    """Active units (all, or these) with their load of active work orders and whether a
    crew is out in the field: the board's unit strip, and in each ticket event the
    units it touched."""
    if unit_ids is not None and not unit_ids:
        return []  # a ticket with no unit yet touches none: no queries

    load, field = work_by_unit(session, ACTIVE_WORK, unit_ids), work_by_unit(session, _IN_FIELD, unit_ids)
    stmt = select(Unit).where(Unit.active, Unit.kind != UnitKind.CENTER).order_by(Unit.code)
    if unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(unit_ids))
    return [
        {
            "code": u.code,
            "name": u.name,
            "kind": u.kind.value,
            "parent": u.parent.code if u.parent else None,
            "load": load.get(u.id, 0),
            "state": _unit_state(load.get(u.id, 0), field.get(u.id, 0)),
        }
        for u in session.scalars(stmt)
    ]
