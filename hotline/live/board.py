"""The wall board's and the dispatch desk's picture of the center: per lane (a board
column, a desk list) the most urgent open tickets as cards, counts for all of them, and
the units with their load. A screen never receives every open ticket: with 30,000 open
it gets the window it can show and the numbers of the rest.

Urgency, the same as the pages sort by (static/js/deadline.js `lateFirst`): emergencies
first; then a missed deadline (the most overdue first); then a warned one (the least
time left first); then by priority, the oldest first. The deadline is the ticket's
nearest running clock, as its card shows it, read from the marks the SLA engine keeps
on the ticket (hotline/sla/engine/marks.py)."""
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from dispatch.desk.schemas import DeskFilters
from dispatch.workorders.models import ACTIVE_WORK, WorkOrderStatus
from dispatch.workorders.services import work_by_unit_and_status
from hotline.core import clock
from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.live.views import cards_for
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


def _rank(now):
    """A ticket's deadline rank from the marks of its nearest running clock (engine/marks.py)."""
    return case((Ticket.sla_late_at <= now, LATE), (Ticket.sla_warn_at <= now, WARNED), else_=ON_TIME)


def _filters(filters, unit_ids) -> list:
    """The desk's filters (dispatch/desk/schemas.py DeskFilters) as conditions on Ticket;
    `late` is a deadline rank (see `window`)."""
    out = []
    if unit_ids is not None:
        out.append(Ticket.unit_id.in_(unit_ids or {-1}))
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


def _counts(session: Session, lanes: dict, conds: list, ranks, now) -> dict:
    """Per lane: total, late, warned, emergency. One pass over ix_ticket_status_priority_sla
    in its order (grouped by its columns, summed: no sort)."""
    statuses = [s for group in lanes.values() for s in group]
    rank = _rank(now)
    stmt = (select(Ticket.status, Ticket.priority, func.count(), func.sum(case((rank == LATE, 1), else_=0)),
                   func.sum(case((rank == WARNED, 1), else_=0)))
            .where(Ticket.status.in_(statuses), *conds).group_by(Ticket.status, Ticket.priority))
    if ranks:
        stmt = stmt.where(rank.in_(ranks))
    lane_of = {s: name for name, group in lanes.items() for s in group}
    out = {name: dict.fromkeys(("total", "late", "warned", "emergency"), 0) for name in lanes}
    for status, priority, n, late, warned in session.execute(stmt):
        lane = out[lane_of[Status(status)]]
        lane["total"] += n
        lane["late"] += late
        lane["warned"] += warned
        lane["emergency"] += n if priority == Priority.EMERGENCY else 0
    return out


def _by_deadline(session: Session, statuses, conds: list, now, rank: int, emergency: bool, want: int) -> list[int]:
    """Up to `want` emergencies, or other tickets, whose nearest deadline is missed (LATE)
    or warned (WARNED), the earliest first (ix_ticket_status_priority_sla)."""
    if rank == LATE:
        cond = Ticket.sla_late_at <= now
    else:
        cond = and_(Ticket.sla_late_at > now, Ticket.sla_warn_at <= now)
    kind = Ticket.priority == Priority.EMERGENCY if emergency else Ticket.priority != Priority.EMERGENCY
    return list(session.scalars(
        select(Ticket.id)
        .where(Ticket.sla_late_at.is_not(None), cond, Ticket.status.in_(statuses), kind, *conds)
        .order_by(Ticket.sla_late_at, Ticket.id).limit(want)
    ))


def _state(sla: dict | None, now) -> int:
    """A card's deadline rank (deadline.js `state`): LATE, WARNED or ON_TIME."""
    if not sla or sla["paused"]:
        return ON_TIME

    def passed(at):
        return at is not None and datetime.fromisoformat(at) <= now

    if sla["breached"] or passed(sla["due_at"]):
        return LATE
    return WARNED if sla["warned"] or passed(sla["warn_at"]) else ON_TIME


def _lane_window(session: Session, statuses, size: int, conds: list, ranks, now) -> list[int]:
    """The lane's `size` most urgent tickets (ids, the most urgent first)."""
    chosen: list[int] = []
    for emergency in (True, False):
        # Missed deadlines, then warned ones, the nearest deadline first.
        for r in (LATE, WARNED):
            if len(chosen) < size and (not ranks or r in ranks):
                chosen += _by_deadline(session, statuses, conds, now, r, emergency, size - len(chosen))
        if len(chosen) < size and emergency and (not ranks or ON_TIME in ranks):
            # Emergencies on time (few), the oldest first: sorted here, because an ORDER BY
            # created_at lets SQLite walk ix_ticket_created_at through the whole year.
            calm = session.execute(
                select(Ticket.created_at, Ticket.id).where(
                    Ticket.status.in_(statuses), Ticket.priority == Priority.EMERGENCY, _rank(now) == ON_TIME, *conds))
            chosen += [i for _at, i in sorted(calm)][:size - len(chosen)]
    # The rest by priority, the oldest first (every missed and warned one is chosen by now).
    if len(chosen) < size and (not ranks or ON_TIME in ranks):
        priority = case(*[(Ticket.priority == p, r) for p, r in PRIORITY_RANK.items()])
        taken = set(chosen)
        rest = session.scalars(
            select(Ticket.id).where(Ticket.status.in_(statuses), Ticket.priority != Priority.EMERGENCY, *conds)
            .order_by(priority, Ticket.created_at, Ticket.id).limit(size + len(chosen))
        )
        chosen += [t for t in rest if t not in taken][:size - len(chosen)]
    return chosen


def window(session: Session, lanes: dict, size: int, filters=None, unit_ids=None, now=None) -> tuple[list[int], dict]:
    """The ids of the `size` most urgent open tickets of each lane, lane by lane in order,
    and each lane's counts: total, late, warned, emergency."""
    now = now or clock.now()
    conds = _filters(filters, unit_ids)
    ranks = _LATE_FILTER[filters.late] if filters is not None and filters.late else None
    counts = _counts(session, lanes, conds, ranks, now)
    ids = []
    for name, statuses in lanes.items():
        ids += _lane_window(session, statuses, size, conds, ranks, now) if counts[name]["total"] else []
    return ids, counts


def _beyond(counts: dict, lanes: dict, cards: list[dict], now) -> None:
    """Each lane's `more`: its counts less those of the cards shown."""
    lane_of = {s.value: name for name, group in lanes.items() for s in group}
    shown = {name: dict.fromkeys(("total", "late", "warned", "emergency"), 0) for name in lanes}
    for card in cards:
        lane = shown[lane_of[card["status"]]]
        state = _state(card["sla"], now)
        lane["total"] += 1
        lane["late"] += state == LATE
        lane["warned"] += state == WARNED
        lane["emergency"] += card["priority"] == Priority.EMERGENCY.value
    for name, lane in counts.items():
        lane["more"] = {key: max(0, n - shown[name][key]) for key, n in lane.items()}


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
    now = clock.now()
    ids, counts = window(db.session, lanes, size, filters, unit_ids, now)
    cards = cards_for(db.session, ids)
    _beyond(counts, lanes, cards, now)
    if filters is not None:
        # unfiltered: "12 of 340 shown (filtered)"; with no filter set, the counts are those
        filtered = any(getattr(filters, name) for name in DeskFilters.model_fields)
        totals = lane_totals(db.session, lanes, unit_ids) if filtered else {n: c["total"] for n, c in counts.items()}
        for name, total in totals.items():
            counts[name]["all"] = total
    return {
        "seq": seq,
        "now": now.isoformat(),
        "window": size,
        "lanes": counts,
        "tickets": cards,
        "units": unit_states(db.session, unit_ids),
    }


def unit_states(session: Session, unit_ids=None) -> list[dict]:
    """Active units (all, or these) with their load of active work orders and whether a
    crew is out in the field: the board's unit strip, and in each ticket event the
    units it touched."""
    if unit_ids is not None and not unit_ids:
        return []  # a ticket with no unit yet touches none: no queries

    load: dict[int, int] = {}
    field: dict[int, int] = {}
    for (unit_id, status), n in work_by_unit_and_status(session, ACTIVE_WORK, unit_ids).items():
        load[unit_id] = load.get(unit_id, 0) + n
        if status in _IN_FIELD:
            field[unit_id] = field.get(unit_id, 0) + n
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
