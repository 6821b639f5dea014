"""What the system knows at a handover: the shift, its people, and the items to hand over.

Each ticket becomes one item whatever the reasons (an emergency that is also overdue
and escalated is one line with three flags). The text of an item is a snapshot."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select

from hotline.callers.privacy import street_level
from hotline.core.extensions import db
from hotline.duty.handover.models import (
    Flag,
    Handover,
    HandoverStatus,
    ItemKind,
    StandingItem,
)
from hotline.duty.rosters import services as rosters
from hotline.sla.models import Escalation, SlaClock
from hotline.tickets.models import OPEN_STATUSES, Priority, Ticket, TicketEvent
from hotline.users.models import User

# A running deadline this close counts as near even before its warning fired.
DUE_SOON = timedelta(hours=2)
# Without a roster, a shift reaches back to the last handover, or this far.
DEFAULT_SHIFT = timedelta(hours=8)
# Flags in the order the incoming person should read them.
FLAG_ORDER = [Flag.EMERGENCY, Flag.OVERDUE, Flag.DUE_SOON, Flag.ESCALATED, Flag.CARRIED]


@dataclass
class Shifts:
    template_id: int | None
    day: date | None
    start: datetime
    end: datetime
    people: list[User]
    planned_end: datetime | None = None  # the outgoing shift's end by the roster
    next_template_id: int | None = None
    next_day: date | None = None
    next_start: datetime | None = None
    next_people: list[User] = field(default_factory=list)


def shifts_at(now: datetime, outgoing: User) -> Shifts:
    """The outgoing shift (the one on duty now, by the roster) and the one after it."""
    current = rosters.shift_at(now)
    following = rosters.next_shift(current.starts_at if current else now)
    if current is not None:
        shifts = Shifts(current.template.id, current.day, current.starts_at, now, list(current.people), current.ends_at)
    else:
        last = db.session.scalar(
            select(func.max(Handover.signed_at)).where(Handover.status == HandoverStatus.SIGNED)
        )
        start = last if last and now - last < 2 * DEFAULT_SHIFT else now - DEFAULT_SHIFT
        shifts = Shifts(None, None, start, now, [])
    if outgoing not in shifts.people:
        shifts.people.append(outgoing)
    if following is not None:
        shifts.next_template_id, shifts.next_day = following.template.id, following.day
        shifts.next_start, shifts.next_people = following.starts_at, list(following.people)
    return shifts


def owner_column():
    """首问负责: the ticket's owner, or the operator who took it if nobody took it over."""
    return func.coalesce(Ticket.owner_id, Ticket.operator_id)


def _summary(ticket: Ticket, clock_row: SlaClock | None, escalation: Escalation | None) -> dict:
    owner = db.session.get(User, ticket.owner_id or ticket.operator_id) if (ticket.owner_id or ticket.operator_id) else None
    summary = {
        "number": ticket.number,
        "priority": ticket.priority.value,
        "status": ticket.status.value,
        "category": ticket.category.code,
        "matter": ticket.matter[:300],
        # Read by the whole center: a confidential caller's address to its street only.
        "address": street_level(ticket.address) if ticket.confidential else ticket.address,
        "unit": ticket.unit.name if ticket.unit else None,
        "owner": owner.display_name if owner else None,
    }
    if clock_row is not None:
        summary["stage"] = clock_row.stage.value
        summary["due_at"] = clock_row.due_at.isoformat() if clock_row.due_at else None
    if escalation is not None:
        summary["escalation_level"] = escalation.level
        summary["escalation_reason"] = escalation.reason
    return summary


@dataclass
class ItemSpec:
    kind: ItemKind
    flags: list[str]
    summary: dict
    ticket_id: int | None = None
    standing_item_id: int | None = None
    escalation_id: int | None = None

    @property
    def key(self) -> tuple:
        return (self.kind, self.ticket_id, self.standing_item_id)


def collect_items(people_ids: list[int], start: datetime, now: datetime) -> list[ItemSpec]:
    open_ticket = Ticket.status.in_(OPEN_STATUSES)
    flags: dict[int, set[Flag]] = {}

    def flag(ticket_ids, f: Flag):
        for tid in ticket_ids:
            flags.setdefault(tid, set()).add(f)

    flag(db.session.scalars(select(Ticket.id).where(open_ticket, owner_column().in_(people_ids))), Flag.CARRIED)
    flag(db.session.scalars(select(Ticket.id).where(open_ticket, Ticket.priority == Priority.EMERGENCY)), Flag.EMERGENCY)

    running = select(SlaClock).join(Ticket).where(open_ticket, SlaClock.stopped_at.is_(None))
    soonest: dict[int, SlaClock] = {}
    for c in db.session.scalars(
        running.where(
            or_(
                SlaClock.breached_at.is_not(None),
                SlaClock.warned_at.is_not(None),
                SlaClock.warn_at <= now,
                and_(SlaClock.due_at.is_not(None), SlaClock.due_at <= now + DUE_SOON),
            )
        )
    ):
        flag([c.ticket_id], Flag.OVERDUE if c.breached_at or (c.due_at and c.due_at <= now) else Flag.DUE_SOON)
        if c.ticket_id not in soonest or (c.due_at and soonest[c.ticket_id].due_at and c.due_at < soonest[c.ticket_id].due_at):
            soonest[c.ticket_id] = c
    for tid, fs in flags.items():
        if Flag.OVERDUE in fs:
            fs.discard(Flag.DUE_SOON)

    escalations = {e.ticket_id: e for e in db.session.scalars(select(Escalation).where(Escalation.acknowledged_at.is_(None)).order_by(Escalation.id))}
    flag(escalations, Flag.ESCALATED)

    handled = set(
        db.session.scalars(
            select(TicketEvent.ticket_id).where(
                TicketEvent.actor_id.in_(people_ids), TicketEvent.at >= start, TicketEvent.at <= now
            ).distinct()
        )
    ) - set(flags)

    specs = []
    tickets = {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(set(flags) | handled)))}
    for tid, fs in flags.items():
        ordered = [f.value for f in FLAG_ORDER if f in fs]
        esc = escalations.get(tid)
        specs.append(ItemSpec(ItemKind.TICKET, ordered, _summary(tickets[tid], soonest.get(tid), esc), tid, None, esc.id if esc else None))
    specs.sort(key=lambda s: (min(FLAG_ORDER.index(Flag(f)) for f in s.flags), s.summary.get("due_at") or "~", s.summary["number"]))

    for item in db.session.scalars(select(StandingItem).where(StandingItem.closed_at.is_(None)).order_by(StandingItem.opened_at)):
        specs.append(
            ItemSpec(
                ItemKind.STANDING, [],
                {"kind": item.kind.value, "title": item.title, "body": item.body, "source": item.source,
                 "opened_at": item.opened_at.isoformat()},
                standing_item_id=item.id,
            )
        )
    for tid in sorted(handled, key=lambda t: tickets[t].number):
        specs.append(ItemSpec(ItemKind.HANDLED, [], _summary(tickets[tid], None, None), tid))
    return specs
