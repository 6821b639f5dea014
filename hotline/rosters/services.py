"""The rules of the roster: which shift is on, who is on it, drawing, publishing,
coverage, and the swap and leave requests."""
from datetime import date, datetime

from sqlalchemy import select

from hotline import clock
from hotline.extensions import db
from hotline.rosters.models import Roster, RosterAssignment, RosterStatus, ShiftTemplate
from hotline.rosters.slots import ShiftSlot, candidate_slots, make_slot
from hotline.users.models import User


def active_templates() -> list[ShiftTemplate]:
    return db.session.scalars(
        select(ShiftTemplate).where(ShiftTemplate.active).order_by(ShiftTemplate.sort_order, ShiftTemplate.starts)
    ).all()


def rostered(template_id: int, day: date, published_only: bool = True) -> list[User]:
    """The people on a shift of a day, as the roster stands (approved swaps and leave applied).
    A draft roster is not in force: only a published one counts unless asked."""
    stmt = (
        select(User)
        .join(RosterAssignment, RosterAssignment.user_id == User.id)
        .join(Roster, Roster.id == RosterAssignment.roster_id)
        .where(RosterAssignment.template_id == template_id, RosterAssignment.day == day)
        .order_by(User.role, User.display_name)
    )
    if published_only:
        stmt = stmt.where(Roster.status == RosterStatus.PUBLISHED)
    return db.session.scalars(stmt).all()


def slot(template: ShiftTemplate, day: date) -> ShiftSlot:
    return make_slot(template, day, rostered(template.id, day))


def shift_at(at: datetime) -> ShiftSlot | None:
    """The shift on duty at a time (the latest started, if shifts overlap), or None."""
    on = [s for s in candidate_slots(active_templates(), at) if s.contains(at)]
    if not on:
        return None
    current = max(on, key=lambda s: s.starts_at)
    return slot(current.template, current.day)


def next_shift(after: datetime) -> ShiftSlot | None:
    """The first shift that starts after a time, or None when there are no shifts."""
    later = [s for s in candidate_slots(active_templates(), after, 0, 2) if s.starts_at > after]
    if not later:
        return None
    first = min(later, key=lambda s: (s.starts_at, s.template.sort_order))
    return slot(first.template, first.day)


def now_and_next() -> tuple[ShiftSlot | None, ShiftSlot | None]:
    now = clock.now()
    return shift_at(now), next_shift(now)
