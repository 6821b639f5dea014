"""The live screens' snapshots: the wall board and the active work orders. A page
opens with one, then applies the `ticket.*` events after its `seq`."""
from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from dispatch.workorders.models import ACTIVE_WORK, WorkOrder
from hotline.core import clock
from hotline.core.api import bp
from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.core.openapi import operation
from hotline.core.permissions import (
    DISPATCH,
    READ_BOARD,
    READ_WORK_ORDERS,
    require,
    scope_for,
)
from hotline.core.validation import parse_query
from hotline.live.board import DESK_LANES, snapshot
from hotline.live.schemas import BoardQuery, DeskBoardQuery
from hotline.live.views import cards_for
from hotline.tickets.models import Ticket
from hotline.tickets.serialize import ticket_summary

_LANES = ("Each lane (`lanes`) counts its open tickets: `total`, `late`, `warned`, `emergency`, and the same "
          "in `more` for those beyond the window; `tickets` holds the window's cards, lane by lane, the most urgent "
          "first (emergencies, missed deadlines, warned ones, then by priority and age).")


@bp.get("/v1/board")
@operation("The wall board snapshot: per column the most urgent open tickets and the counts of all, units, "
           "and the last event sequence number", query=BoardQuery,
           returns="Snapshot; apply live events with a greater seq",
           description="Columns: waiting (new, returned), dispatched, moving (accepted, en route), on_site. " + _LANES)
@require(READ_BOARD)
def board():
    query = parse_query(BoardQuery, request.args)
    return jsonify(snapshot(size=query.per_lane))


@bp.get("/v1/desk/board")
@operation("The dispatch desk snapshot: the queue (new, returned) and the work in progress, the most urgent "
           "first, filtered, with counts", query=DeskBoardQuery,
           returns="Snapshot; apply live events with a greater seq",
           description=_LANES + " With a filter, each lane's `all` counts its tickets without one.")
@require(DISPATCH)
def desk_board():
    query = parse_query(DeskBoardQuery, request.args)
    return jsonify(snapshot(lanes=DESK_LANES, size=query.per_lane, filters=query))


@bp.get("/v1/work-orders")
@operation("Active work orders: a crew's own, or every unit's for the desk", returns="Work orders",
           description="Each item's ticket carries `sla`, its nearest deadline (stage, due_at, warn_at, warned, "
                       "breached, paused; null without a running clock); `now` is the server's time for the countdown.")
@require(READ_WORK_ORDERS)
def work_orders():
    """The active work of the caller's unit (a crew), or of every unit (the desk).
    `seq` is the last live event this list reflects (read first: a live client applies
    events after it, and replaying one already reflected is harmless)."""
    seq = db.session.scalar(select(func.max(LiveEvent.seq))) or 0
    stmt = (
        select(WorkOrder)
        .options(
            joinedload(WorkOrder.unit),
            joinedload(WorkOrder.ticket).options(joinedload(Ticket.category), joinedload(Ticket.caller), joinedload(Ticket.unit)),
        )
        .where(WorkOrder.status.in_(ACTIVE_WORK))
        .order_by(WorkOrder.assigned_at)
    )
    scope = scope_for(current_user)
    if not scope.whole_center:
        stmt = stmt.where(WorkOrder.unit_id.in_(scope.unit_ids or {-1}))
    orders = db.session.scalars(stmt).all()
    cards = cards_for(db.session, [wo.ticket_id for wo in orders])
    return jsonify(
        seq=seq,
        now=clock.now().isoformat(),
        items=[
            {
                "id": wo.id,
                "status": wo.status.value,
                "unit": wo.unit.code,
                "instructions": wo.instructions,
                "assigned_at": wo.assigned_at.isoformat(),
                # The ticket as this person may see it (caller masked or not), with its live card.
                "ticket": {**card, **ticket_summary(wo.ticket, current_user)},
            }
            for wo, card in zip(orders, cards)
        ]
    )
