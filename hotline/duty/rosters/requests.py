"""Swap (调班) and leave (请假) requests: filed by the person, decided by a supervisor.
Approval re-checks coverage and only then rewrites the published roster."""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from hotline.audit.four_eyes import check_not_own
from hotline.audit.services import record
from hotline.core import clock, error_catalog
from hotline.core.error_catalog import Term
from hotline.core.errors import Conflict, Forbidden, Problem, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.duty.rosters import doubles
from hotline.duty.rosters.models import (
    RequestKind,
    RequestStatus,
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftRequest,
    ShiftTemplate,
)
from hotline.duty.rosters.services import (
    cell_gaps,
    overlapping_shift,
    record_change,
    rostered,
)
from hotline.duty.rosters.slots import slot_times
from hotline.users.models import Role, User

DECIDERS = (Role.SUPERVISOR, Role.MANAGER)

error_catalog.define({
    "not_published": _l("the roster of %(month)s is not published yet"),
    "shift_started": _l("the %(shift)s shift of %(day)s has already started"),
    "not_on_own_shift": _l("you are not on the %(shift)s shift of %(day)s"),
    "swap_needs_partner": _l("a swap needs the colleague who takes the shift"),
    "swap_needs_someone_else": _l("a swap needs someone else"),
    "partner_shift_half_given": _l("give both the day and the shift you take in return, or neither"),
    "partner_not_on_shift": _l("%(user)s is not on the %(shift)s shift of %(day)s"),
    "leave_names_no_partner": _l("a leave request names no partner: the supervisor names the substitute"),
    "roster_changed": _l("%(user)s is no longer on the %(shift)s shift of %(day)s"),
    "already_on": _l("%(user)s is already on the %(shift)s shift of %(day)s"),
    "overlap": _l("%(user)s already works a shift that overlaps the %(shift)s shift of %(day)s"),
    "coverage": _l("approving would leave a shift %(gaps)s"),
    "gap_empty": _l("%(shift)s %(day)s with nobody on duty"),
    "gap_below_min": _l("%(shift)s %(day)s with %(count)s %(role)s (at least %(limit)s needed)"),
    "decided": _l("request %(id)s is already %(status)s"),
    "substitute_for_leave_only": _l("only a leave request takes a substitute"),
    "substitute_is_on_leave": _l("the substitute cannot be the person on leave"),
    "withdraw_own_only": _l("only the person who filed a request can withdraw it"),
})


@dataclass
class Move:
    """One person off and/or one person on a shift of a day."""

    day: date
    template: ShiftTemplate
    off: User | None = None
    on: User | None = None


def _published(day: date) -> Roster:
    roster = db.session.scalar(select(Roster).where(Roster.month == day.replace(day=1)))
    if roster is None or roster.status != RosterStatus.PUBLISHED:
        raise Conflict("not_published", month=f"{day:%Y-%m}")
    return roster


def _not_started(day: date, template: ShiftTemplate, field: str) -> None:
    starts, _ = slot_times(template, day)
    if starts <= clock.now():
        raise ValidationFailed.at(field, "shift_started", shift=template.code, day=day.isoformat())


def _on_shift(user: User, day: date, template: ShiftTemplate) -> bool:
    return any(p.id == user.id for p in rostered(template.id, day))


def file_request(requester: User, kind: RequestKind, day: date, template: ShiftTemplate, reason: str,
                 partner: User | None = None, partner_day: date | None = None,
                 partner_template: ShiftTemplate | None = None) -> ShiftRequest:
    """A request for one's own shift. Nothing changes on the roster until approval."""
    _published(day)
    _not_started(day, template, "day")
    if not _on_shift(requester, day, template):
        raise ValidationFailed.at("shift", "not_on_own_shift", shift=template.code, day=day.isoformat())
    if kind == RequestKind.SWAP:
        if partner is None:
            raise ValidationFailed.at("partner", "swap_needs_partner")
        if partner.id == requester.id:
            raise ValidationFailed.at("partner", "swap_needs_someone_else")
        if (partner_day is None) != (partner_template is None):
            raise ValidationFailed.at("partner_shift", "partner_shift_half_given")
        if partner_day is not None:
            _published(partner_day)
            _not_started(partner_day, partner_template, "partner_day")
            if not _on_shift(partner, partner_day, partner_template):
                raise ValidationFailed.at("partner_shift", "partner_not_on_shift", user=partner.username,
                                              shift=partner_template.code, day=partner_day.isoformat())
    elif partner or partner_day or partner_template:
        raise ValidationFailed.at("partner", "leave_names_no_partner")
    request = ShiftRequest(
        kind=kind, requester_id=requester.id, day=day, template_id=template.id, reason=reason,
        partner_id=partner.id if partner else None, partner_day=partner_day,
        partner_template_id=partner_template.id if partner_template else None, created_at=clock.now(),
    )
    db.session.add(request)
    db.session.flush()
    return request


def get_request(request_id: int) -> ShiftRequest:
    request = get_or_404(ShiftRequest, request_id, _l("request"))
    return request


def visible_requests(user: User, status: RequestStatus | None = None) -> list[ShiftRequest]:
    """A supervisor sees every request; anyone else their own and those naming them."""
    stmt = select(ShiftRequest).order_by(ShiftRequest.id.desc()).limit(200)
    if user.role not in DECIDERS:
        stmt = stmt.where(or_(ShiftRequest.requester_id == user.id, ShiftRequest.partner_id == user.id,
                              ShiftRequest.substitute_id == user.id))
    if status:
        stmt = stmt.where(ShiftRequest.status == status)
    return db.session.scalars(stmt).all()


def _moves(request: ShiftRequest, substitute: User | None) -> list[Move]:
    moves = [Move(request.day, request.template, off=request.requester)]
    if request.kind == RequestKind.SWAP:
        moves[0].on = request.partner
        if request.partner_day is not None:
            moves.append(Move(request.partner_day, request.partner_template, off=request.partner, on=request.requester))
    elif substitute is not None:
        moves[0].on = substitute
    return moves


def _gap(gap) -> Problem:
    """A shift an approval would leave short, for the refusal's message."""
    if gap.kind == "empty":
        return Problem("gap_empty", shift=gap.template.code, day=gap.day.isoformat())
    return Problem("gap_below_min", shift=gap.template.code, day=gap.day.isoformat(), count=gap.count,
                   role=Term("role", gap.role.value), limit=gap.limit)


def _check_moves(moves: list[Move]) -> None:
    """Each move still fits the roster as it stands, and leaves no shift worse covered."""
    leaving = {(m.off.id, m.day, m.template.id) for m in moves if m.off}
    problems = []
    for m in moves:
        people = rostered(m.template.id, m.day)
        if m.off and all(p.id != m.off.id for p in people):
            raise Conflict("roster_changed", user=m.off.username, shift=m.template.code, day=m.day.isoformat())
        after = [p for p in people if not (m.off and p.id == m.off.id)]
        if m.on:
            if any(p.id == m.on.id for p in after):
                raise Conflict("already_on", user=m.on.username, shift=m.template.code, day=m.day.isoformat())
            ignore = {(d, t) for (uid, d, t) in leaving if uid == m.on.id}
            if overlapping_shift(m.on, m.day, m.template, ignore):
                raise Conflict("overlap", user=m.on.username, shift=m.template.code, day=m.day.isoformat())
            doubles.check(m.on, m.day, m.template, ignore)  # a substitute or swap partner: no unapproved 连班
            after.append(m.on)
        before_gaps = {(g.kind, g.role): g.count for g in cell_gaps(m.day, m.template, people)}
        for gap in cell_gaps(m.day, m.template, after):
            if gap.kind == "above_max":
                continue
            was = before_gaps.get((gap.kind, gap.role))
            if was is None or gap.count < was:
                problems.append(gap)
    if problems:
        raise Conflict("coverage", gaps=[_gap(g) for g in problems], details={"gaps": [g.view() for g in problems]})


def _check_pending(request: ShiftRequest, expected_version: int | None) -> None:
    check_version(request, expected_version, what=_l("request"))
    if request.status != RequestStatus.PENDING:
        raise Conflict("decided", id=request.id, status=request.status.value)


def decide(request: ShiftRequest, actor: User, approve: bool, expected_version: int | None,
           substitute: User | None = None, note: str | None = None) -> ShiftRequest:
    """Approve (the roster changes, with history) or refuse a pending request."""
    _check_pending(request, expected_version)
    check_not_own(actor, request.requester, request.partner)
    if substitute is not None and request.kind != RequestKind.LEAVE:
        raise ValidationFailed.at("substitute", "substitute_for_leave_only")
    if approve:
        if substitute is not None and substitute.id == request.requester_id:
            raise ValidationFailed.at("substitute", "substitute_is_on_leave")
        _not_started(request.day, request.template, "day")
        moves = _moves(request, substitute)
        _check_moves(moves)
        for m in moves:
            _apply(m)
            record_change(_published(m.day), actor, request.kind.value, day=m.day, template_id=m.template.id, request_id=request.id,
                    changes={"off": m.off.username if m.off else None, "on": m.on.username if m.on else None},
                    reason=request.reason)
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.substitute_id = substitute.id if (approve and substitute) else None
    request.decided_at = clock.now()
    request.decided_by_id = actor.id
    request.decision_note = note
    record("roster.request_decide", target=request, reason=note, actor=actor,
           detail={"approve": approve, "kind": request.kind.value, "day": request.day.isoformat(),
                   "shift": request.template.code, "requester": request.requester.username,
                   "partner": request.partner.username if request.partner else None,
                   "substitute": substitute.username if (approve and substitute) else None})
    db.session.flush()
    return request


def withdraw(request: ShiftRequest, user: User, expected_version: int | None) -> ShiftRequest:
    if request.requester_id != user.id:
        raise Forbidden("withdraw_own_only")
    _check_pending(request, expected_version)
    request.status = RequestStatus.WITHDRAWN
    request.decided_at = clock.now()
    request.decided_by_id = user.id
    db.session.flush()
    return request


def _apply(move: Move) -> None:
    if move.off:
        row = db.session.scalar(select(RosterAssignment).where(
            RosterAssignment.day == move.day, RosterAssignment.template_id == move.template.id,
            RosterAssignment.user_id == move.off.id))
        db.session.delete(row)
    if move.on:
        roster = _published(move.day)
        db.session.add(RosterAssignment(roster_id=roster.id, day=move.day, template_id=move.template.id, user_id=move.on.id))
    db.session.flush()
