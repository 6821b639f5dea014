"""The wall board's and the dispatch desk's picture of the center: per lane (a board
column, a desk list) the most urgent open tickets as cards, counts for all of them, and
the units with their load. A screen never receives every open ticket: with 30,000 open
it gets the window it can show and the numbers of the rest.

Urgency, the same as the pages sort by (static/js/deadline.js `lateFirst`): emergencies
first; then a missed deadline (the most overdue first); then a warned one (the least
time left first); then by priority, the oldest first. The deadline is the ticket's
nearest running clock, as its card shows it (hotline/sla/engine/summary.py)."""
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from dispatch.workorders.models import ACTIVE_WORK, WorkOrder, WorkOrderStatus
from hotline.core import clock
from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.live.views import ticket_cards
from hotline.sla.models import SlaClock
from hotline.tickets.models import PRIORITY_RANK, Category, Priority, Status, Ticket
from hotline.units.models import Unit, UnitKind

_IN_FIELD = (WorkOrderStatus.EN_ROUTE, WorkOrderStatus.ON_SITE)

# The lanes a screen shows, by ticket status (board.js COLUMN, desk.js groupOf).
BOARD_LANES = {
    "waiting": (Status.NEW, Status.RETURNED),
    "dispatched": (Status.DISPATCHED,),
    "moving": (Status.ACCEPTED, Status.EN_ROUTE),
    "on_site": (Status.ON_SITE,),
}
DESK_LANES = {
    "queue": (Status.NEW, Status.RETURNED),
    "progress": (Status.DISPATCHED, Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SITE),
}
BOARD_WINDOW = 12  # a column shows at most about 8 cards, even on a 4K wall
DESK_WINDOW = 100  # a desk list is scrolled: the first hundred of each
MAX_WINDOW = 200

LATE, WARNED, ON_TIME = 0, 1, 2  # a ticket's deadline rank (deadline.js `rank`)


def _unit_state(active: int, in_field: int) -> str:
    if in_field:
        return "in_field"
    return "busy" if active else "available"


def _nearest():
    """Each ticket's nearest running deadline (the one its card shows): the running
    clock with the earliest due_at."""
    c = SlaClock
    order = (c.due_at.is_(None), c.due_at, c.id)
    ranked = (
        select(c.ticket_id, c.due_at, c.warn_at, c.warned_at, c.breached_at,
               func.row_number().over(partition_by=c.ticket_id, order_by=order).label("nth"))
        .where(c.stopped_at.is_(None), c.running_since.is_not(None))
        .subquery()
    )
    return select(ranked).where(ranked.c.nth == 1).subquery("nearest")


def _deadline_rank(n, now):
    late = or_(n.c.breached_at.is_not(None), n.c.due_at <= now)
    warned = or_(n.c.warned_at.is_not(None), n.c.warn_at <= now)
    return case((late, LATE), (warned, WARNED), else_=ON_TIME)


def _lane_of(lanes: dict):
    return case(*[(Ticket.status.in_(statuses), name) for name, statuses in lanes.items()])


def _filters(filters) -> list:
    """The desk's filters (dispatch/desk/schemas.py DeskFilters) as conditions on Ticket;
    `late` is applied on the deadline rank (see `window`)."""
    out = []
    if filters is None:
        return out
    if filters.category:
        out.append(Ticket.category_id.in_(select(Category.id).where(Category.code == filters.category)))
    if filters.area:
        out.append(Ticket.area == filters.area)
    if filters.priority:
        out.append(Ticket.priority == Priority(filters.priority))
    if filters.state:
        out.append(Ticket.status == Status(filters.state))
    return out


_LATE_FILTER = {"late": (LATE,), "warned": (WARNED,), "late_or_warned": (LATE, WARNED)}


def window(session: Session, lanes: dict, size: int, filters=None, unit_ids=None) -> tuple[list[Ticket], dict]:
    """The `size` most urgent open tickets of each lane, lane by lane in order, and each
    lane's counts: total, late, warned, emergency, and `more` (the same counts of the
    tickets beyond the window)."""
    now = clock.now()
    n = _nearest()
    rank = _deadline_rank(n, now)
    lane = _lane_of(lanes)
    emergency = case((Ticket.priority == Priority.EMERGENCY, 0), else_=1)
    priority = case(*[(Ticket.priority == p, r) for p, r in PRIORITY_RANK.items()])
    due = case((rank < ON_TIME, n.c.due_at))
    place = func.row_number().over(
        partition_by=lane, order_by=(emergency, rank, due, priority, Ticket.created_at, Ticket.id))
    statuses = [s for group in lanes.values() for s in group]
    stmt = (
        select(Ticket.id, lane.label("lane"), rank.label("rank"), emergency.label("emergency"), place.label("place"))
        .outerjoin(n, n.c.ticket_id == Ticket.id)
        .where(Ticket.status.in_(statuses), *_filters(filters))
    )
    if unit_ids is not None:
        stmt = stmt.where(Ticket.unit_id.in_(unit_ids or {-1}))
    if filters is not None and filters.late:
        stmt = stmt.where(rank.in_(_LATE_FILTER[filters.late]))
    keyed = stmt.subquery()
    inside = keyed.c.place <= size

    def count(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    counts = {name: _zero() for name in lanes}
    rows = session.execute(
        select(keyed.c.lane, func.count(), count(keyed.c.rank == LATE), count(keyed.c.rank == WARNED),
               count(keyed.c.emergency == 0), count(~inside), count(and_(~inside, keyed.c.rank == LATE)),
               count(and_(~inside, keyed.c.rank == WARNED)), count(and_(~inside, keyed.c.emergency == 0)))
        .group_by(keyed.c.lane)
    )
    for name, total, late, warned, emerg, m_total, m_late, m_warned, m_emerg in rows:
        counts[name] = {"total": total, "late": late, "warned": warned, "emergency": emerg,
                        "more": {"total": m_total, "late": m_late, "warned": m_warned, "emergency": m_emerg}}
    shown = session.execute(select(keyed.c.id, keyed.c.lane, keyed.c.place).where(inside)).all()
    order = {name: i for i, name in enumerate(lanes)}
    shown.sort(key=lambda r: (order[r.lane], r.place))
    by_id = {
        t.id: t for t in session.scalars(
            select(Ticket).options(joinedload(Ticket.category), joinedload(Ticket.unit))
            .where(Ticket.id.in_([r.id for r in shown])))
    }
    return [by_id[r.id] for r in shown], counts


def _zero() -> dict:
    return {"total": 0, "late": 0, "warned": 0, "emergency": 0,
            "more": {"total": 0, "late": 0, "warned": 0, "emergency": 0}}


def lane_totals(session: Session, lanes: dict, unit_ids=None) -> dict[str, int]:
    """Every open ticket of each lane, no filter: one GROUP BY on the status index."""
    stmt = select(Ticket.status, func.count()).where(Ticket.status.in_([s for g in lanes.values() for s in g]))
    if unit_ids is not None:
        stmt = stmt.where(Ticket.unit_id.in_(unit_ids or {-1}))
    by_status = dict(session.execute(stmt.group_by(Ticket.status)).all())
    return {name: sum(by_status.get(s, 0) for s in statuses) for name, statuses in lanes.items()}


def snapshot(unit_ids: set[int] | None = None, *, lanes: dict = BOARD_LANES, size: int = BOARD_WINDOW,
             filters=None) -> dict:
    """Per lane the `size` most urgent open tickets (cards, lane by lane, the most
    urgent first) and the counts of all of them (`lanes`), the units, and the last
    sequence number it reflects: a client applies live events after that number."""
    seq = db.session.scalar(select(func.max(LiveEvent.seq))) or 0
    tickets, counts = window(db.session, lanes, size, filters, unit_ids)
    if filters is not None:
        for name, total in lane_totals(db.session, lanes, unit_ids).items():
            counts[name]["all"] = total  # unfiltered: "12 of 340 shown (filtered)"
    return {
        "seq": seq,
        "now": clock.now().isoformat(),
        "window": size,
        "lanes": counts,
        "tickets": ticket_cards(db.session, tickets),
        "units": unit_states(db.session, unit_ids),
    }


def unit_states(session: Session, unit_ids=None) -> list[dict]:
    """Active units (all, or these) with their load of active work orders and whether a
    crew is out in the field: the board's unit strip, and in each ticket event the
    units it touched."""
    if unit_ids is not None and not unit_ids:
        return []  # a ticket with no unit yet touches none: no queries

    def counts(statuses) -> dict[int, int]:
        stmt = select(WorkOrder.unit_id, func.count()).where(WorkOrder.status.in_(statuses))
        if unit_ids is not None:
            stmt = stmt.where(WorkOrder.unit_id.in_(unit_ids))
        return dict(session.execute(stmt.group_by(WorkOrder.unit_id)).all())

    load, field = counts(ACTIVE_WORK), counts(_IN_FIELD)
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
