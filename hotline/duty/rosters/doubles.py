"""Back-to-back double shifts (连班), water hotline rules 1.5: "不准做连班，经部门负责人
许可方可调班". Two shifts of one person with less than the required rest between them
(ROSTER_MIN_REST_HOURS, 8 by default: day 08:30-16:30 then evening 16:30, or a day and
the night that follows at 23:30) are refused wherever they would arise (a drawn cell, a
copied month, a rotation, a swap or a leave substitute) unless a supervisor approved
exactly that pair. The approval is asked for by whoever draws it and decided by another
supervisor: never the person who would work it, never the one who asked (four eyes)."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hotline.audit.four_eyes import check_not_own
from hotline.audit.services import record
from hotline.core import clock, error_catalog
from hotline.core.errors import Conflict, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.duty.rosters.models import DoubleShift, RequestStatus, RosterAssignment, ShiftTemplate
from hotline.duty.rosters.slots import slot_times
from hotline.users.models import User

error_catalog.define({
    "double_shift": _l("%(user)s would work %(first)s and %(second)s back to back (连班) with less than %(hours)s "
                       "hours' rest: a supervisor must approve it first"),
    "not_a_double_shift": _l("%(first)s and %(second)s are not back to back"),
    "double_shift_asked": _l("this double shift was already asked for (%(status)s)"),
    "double_shift_decided": _l("this double shift is already %(status)s"),
})

Cell = tuple[date, int]  # (day, template id)


@dataclass(frozen=True)
class Pair:
    """Two shifts of one person, the earlier first."""

    user: User
    first: tuple[date, ShiftTemplate]
    second: tuple[date, ShiftTemplate]

    def label(self, which: str) -> str:
        day, template = getattr(self, which)
        return f"{template.code} {day.isoformat()}"

    def view(self) -> dict:
        return {
            "user": self.user.username,
            "user_name": self.user.display_name,
            "first_day": self.first[0].isoformat(), "first_shift": self.first[1].code,
            "second_day": self.second[0].isoformat(), "second_shift": self.second[1].code,
        }

    def refusal(self) -> Conflict:
        return Conflict("double_shift", user=self.user.display_name, first=self.label("first"),
                        second=self.label("second"), hours=_hours(), details={"double_shift": self.view()})


def min_rest() -> timedelta:
    return timedelta(hours=current_app.config.get("ROSTER_MIN_REST_HOURS", 8))


def _hours() -> str:
    return f"{min_rest().total_seconds() / 3600:g}"


def back_to_back(a: tuple[date, ShiftTemplate], b: tuple[date, ShiftTemplate]) -> tuple | None:
    """(earlier, later) when the rest between two non-overlapping shifts is shorter than required."""
    (a_start, a_end), (b_start, b_end) = slot_times(a[1], a[0]), slot_times(b[1], b[0])
    if a_start < b_end and b_start < a_end:
        return None  # overlapping: another rule (nobody works two shifts at once)
    earlier, later, rest = (a, b, b_start - a_end) if a_start < b_start else (b, a, a_start - b_end)
    return (earlier, later) if rest < min_rest() else None


def pairs_for(user: User, day: date, template: ShiftTemplate, ignore: set[Cell] = frozenset()) -> list[Pair]:
    """The double shifts putting `user` on this shift would make with their other shifts."""
    reach = timedelta(days=2)
    rows = db.session.execute(
        select(RosterAssignment.day, ShiftTemplate)
        .join(ShiftTemplate, ShiftTemplate.id == RosterAssignment.template_id)
        .where(RosterAssignment.user_id == user.id, RosterAssignment.day.between(day - reach, day + reach))
    ).all()
    out = []
    for other_day, other in rows:
        if (other_day, other.id) in ignore or (other_day, other.id) == (day, template.id):
            continue
        if found := back_to_back((day, template), (other_day, other)):
            out.append(Pair(user, *found))
    return out


def _lookup(pair: Pair, *statuses: RequestStatus) -> DoubleShift | None:
    return db.session.scalar(select(DoubleShift).where(
        DoubleShift.user_id == pair.user.id,
        DoubleShift.first_day == pair.first[0], DoubleShift.first_template_id == pair.first[1].id,
        DoubleShift.second_day == pair.second[0], DoubleShift.second_template_id == pair.second[1].id,
        DoubleShift.status.in_(statuses),
    ).limit(1))


def unapproved(user: User, day: date, template: ShiftTemplate, ignore: set[Cell] = frozenset()) -> Pair | None:
    """The first double shift this placement would make that nobody approved, or None."""
    return next((p for p in pairs_for(user, day, template, ignore) if _lookup(p, RequestStatus.APPROVED) is None), None)


def check(user: User, day: date, template: ShiftTemplate, ignore: set[Cell] = frozenset()) -> None:
    """Refuse (409 double_shift, naming the person and both shifts) an unapproved double shift."""
    if pair := unapproved(user, day, template, ignore):
        raise pair.refusal()


def ask(user: User, first: tuple[date, ShiftTemplate], second: tuple[date, ShiftTemplate], reason: str,
        actor: User) -> DoubleShift:
    """Ask another supervisor to approve one double shift."""
    found = back_to_back(first, second)
    if found is None:
        raise ValidationFailed.at("second_day", "not_a_double_shift", first=f"{first[1].code} {first[0]}",
                                  second=f"{second[1].code} {second[0]}")
    pair = Pair(user, *found)
    if existing := _lookup(pair, RequestStatus.PENDING, RequestStatus.APPROVED):
        raise Conflict("double_shift_asked", status=existing.status.value, details={"id": existing.id})
    row = DoubleShift(user_id=user.id, first_day=pair.first[0], first_template_id=pair.first[1].id,
                      second_day=pair.second[0], second_template_id=pair.second[1].id, reason=reason,
                      requested_by_id=actor.id, requested_at=clock.now())
    db.session.add(row)
    db.session.flush()
    return row


def get(ident: int) -> DoubleShift:
    return get_or_404(DoubleShift, ident, _l("double shift"))


def listed(status: RequestStatus | None = None, limit: int = 100) -> list[DoubleShift]:
    stmt = select(DoubleShift).order_by(DoubleShift.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(DoubleShift.status == status)
    return db.session.scalars(stmt).all()


def decide(row: DoubleShift, actor: User, approve: bool, expected_version: int | None, note: str | None = None) -> DoubleShift:
    """Approve or refuse; the person who would work it and the one who asked cannot (403 own_request)."""
    check_version(row, expected_version, what=_l("double shift"))
    if row.status != RequestStatus.PENDING:
        raise Conflict("double_shift_decided", status=row.status.value)
    check_not_own(actor, row.user, row.requested_by)
    row.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    row.decided_by_id, row.decided_at, row.decision_note = actor.id, clock.now(), note
    record("roster.double_shift_decide", target=row, reason=note, actor=actor,
           detail={"approve": approve, "user": row.user.username, "asked_by": row.requested_by.username,
                   "first": f"{row.first_template.code} {row.first_day}",
                   "second": f"{row.second_template.code} {row.second_day}", "reason": row.reason})
    db.session.flush()
    return row


def view(row: DoubleShift) -> dict:
    def who(u):
        return {"username": u.username, "name": u.display_name, "role": u.role.value} if u else None

    return {
        "id": row.id, "version": row.version, "status": row.status.value,
        "user": who(row.user),
        "first_day": row.first_day.isoformat(), "first_shift": row.first_template.code,
        "second_day": row.second_day.isoformat(), "second_shift": row.second_template.code,
        "reason": row.reason, "requested_by": who(row.requested_by), "requested_at": row.requested_at.isoformat(),
        "decided_by": who(row.decided_by), "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "decision_note": row.decision_note,
    }
