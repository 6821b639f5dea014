"""The rules of the roster: which shift is on, who is on it, drawing, publishing,
and coverage. Swap and leave requests are in requests.py."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from hotline.core import clock, error_catalog
from hotline.core.errors import Conflict, NotFound, Problem, ValidationFailed, check_version
from hotline.core.validation import day_within_limits
from hotline.core.extensions import db
from hotline.core.orm import upsert
from hotline.core.lookup import get_or_404
from hotline.duty.rosters import doubles
from hotline.duty.rosters.models import (
    Roster,
    RosterAssignment,
    RosterChange,
    RosterStatus,
    ShiftStaffing,
    ShiftTemplate,
)
from hotline.duty.rosters.slots import (
    ShiftSlot,
    candidate_slots,
    covers_whole_day,
    make_slot,
    month_days,
    slot_times,
    uncovered,
)
from hotline.users.models import Role, User


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


# --- the month roster: drawing and coverage ------------------------------------------------------


ROSTERED_ROLES = (Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.MANAGER)

error_catalog.define({
    "not_a_month": _l("not a month (YYYY-MM)"),
    "unknown_shift": _l("unknown shift '%(code)s'"),
    "not_rosterable": _l("'%(username)s' is not center staff who can be rostered"),
    "day_not_in_month": _l("%(day)s is not in %(month)s"),
    "person_listed_twice": _l("a person is listed twice"),
    "overlapping_shift": _l("%(user)s is already on the %(shift)s shift of %(day)s, which overlaps"),
    "no_roster": _l("no roster for %(month)s"),
    "nobody_on_duty": _l("nobody would be on duty in a 24-hour center: a supervisor must override with a reason"),
    "gaps": _l("the roster has coverage gaps: confirm to publish anyway"),
    "role_not_rostered": _l("'%(role)s' is not rostered"),
    "max_below_min": _l("max is below min"),
    "role_listed_twice": _l("a role is listed twice"),
    "shift_of_no_length": _l("a shift cannot last 24 hours or none: give different times"),
})

Cell = tuple[date, int]  # (day, template id)


def parse_month(text: str) -> date:
    try:
        year, month = (int(p) for p in text.split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        raise ValidationFailed.at("month", "not_a_month") from None
    return day_within_limits(first, "month")


def find_template(code: str, field: str = "shift") -> ShiftTemplate:
    template = db.session.scalar(select(ShiftTemplate).where(ShiftTemplate.code == code))
    if template is None or not template.active:
        raise ValidationFailed.at(field, "unknown_shift", code=code)
    return template


def find_staff(username: str, field: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or user.role not in ROSTERED_ROLES:
        raise ValidationFailed.at(field, "not_rosterable", username=username)
    return user


def rosterable_staff() -> list[User]:
    return db.session.scalars(
        select(User).where(User.active, User.role.in_(ROSTERED_ROLES)).order_by(User.role, User.display_name)
    ).all()


def roster_of(month: date, create: bool = False) -> Roster | None:
    roster = db.session.scalar(select(Roster).where(Roster.month == month))
    if roster is None and create:
        # Two planners opening a new month at once: one insert wins, both read it.
        db.session.execute(
            upsert(db.session, Roster).values(month=month).on_conflict_do_nothing(index_elements=[Roster.month])
        )
        roster = db.session.scalar(select(Roster).where(Roster.month == month))
    return roster


def _check_version(roster: Roster, expected: int | None) -> None:
    check_version(roster, expected, what=_l("roster"), ident=f"{roster.month:%Y-%m}")


def cells(first: date, last: date) -> dict[Cell, list[User]]:
    """Who is on which shift, from `first` to `last` (start days), drafts included."""
    rows = db.session.execute(
        select(RosterAssignment.day, RosterAssignment.template_id, User)
        .join(User, User.id == RosterAssignment.user_id)
        .where(RosterAssignment.day >= first, RosterAssignment.day <= last)
        .order_by(User.role, User.display_name)
    ).all()
    out: dict[Cell, list[User]] = {}
    for day, template_id, user in rows:
        out.setdefault((day, template_id), []).append(user)
    return out


@dataclass
class Gap:
    day: date
    template: ShiftTemplate
    kind: str  # empty, below_min, above_max
    role: Role | None = None
    count: int = 0
    limit: int | None = None

    def view(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "shift": self.template.code,
            "kind": self.kind,
            "role": self.role.value if self.role else None,
            "count": self.count,
            "limit": self.limit,
        }


def staffing_of(template: ShiftTemplate) -> list[ShiftStaffing]:
    return list(template.staffing)


def cell_gaps(day: date, template: ShiftTemplate, people: list[User]) -> list[Gap]:
    if not people:
        return [Gap(day, template, "empty")]
    gaps = []
    for rule in staffing_of(template):
        n = sum(1 for p in people if p.role == rule.role)
        if n < rule.min_count:
            gaps.append(Gap(day, template, "below_min", rule.role, n, rule.min_count))
        elif rule.max_count is not None and n > rule.max_count:
            gaps.append(Gap(day, template, "above_max", rule.role, n, rule.max_count))
    return gaps


def nobody_on_duty(first: date, last: date, grid: dict[Cell, list[User]], templates) -> list[tuple[datetime, datetime]]:
    """In a center that runs around the clock, the times within the shifts starting from
    `first` to `last` with nobody rostered at all."""
    if not covers_whole_day(templates):
        return []
    by_id = {t.id: t for t in templates}
    intervals = [slot_times(by_id[tid], day) for (day, tid), people in grid.items() if people and tid in by_id]
    start = min(slot_times(t, first)[0] for t in templates)
    end = max(slot_times(t, last)[1] for t in templates)
    return uncovered(intervals, start, end)


@dataclass
class Coverage:
    around_the_clock: bool
    gaps: list[Gap]
    holes: list[tuple[datetime, datetime]]

    def view(self) -> dict:
        return {
            "around_the_clock": self.around_the_clock,
            "gaps": [g.view() for g in self.gaps],
            "nobody_on_duty": [{"from": a.isoformat(), "to": b.isoformat()} for a, b in self.holes],
            "ok": not self.gaps and not self.holes,
        }


def coverage(month: date) -> Coverage:
    templates = active_templates()
    days = month_days(month)
    grid = cells(days[0] - timedelta(days=1), days[-1])  # the night before the 1st reaches into it
    gaps = [g for day in days for t in templates for g in cell_gaps(day, t, grid.get((day, t.id), []))]
    return Coverage(covers_whole_day(templates), gaps, nobody_on_duty(days[0], days[-1], grid, templates))


def overlapping_shift(user: User, day: date, template: ShiftTemplate, ignore: set[Cell] = frozenset()) -> Cell | None:
    """Another shift of the user whose time overlaps this one (nobody works two at once)."""
    starts, ends = slot_times(template, day)
    rows = db.session.execute(
        select(RosterAssignment.day, ShiftTemplate)
        .join(ShiftTemplate, ShiftTemplate.id == RosterAssignment.template_id)
        .where(RosterAssignment.user_id == user.id, RosterAssignment.day.between(day - timedelta(days=1), day + timedelta(days=1)))
    ).all()
    for other_day, other in rows:
        if (other_day, other.id) == (day, template.id) or (other_day, other.id) in ignore:
            continue
        a, b = slot_times(other, other_day)
        if a < ends and starts < b:
            return other_day, other.id
    return None


def record_change(roster: Roster, actor: User, kind: str, **fields) -> RosterChange:
    change = RosterChange(roster_id=roster.id, actor_id=actor.id, kind=kind, at=clock.now(), **fields)
    db.session.add(change)
    roster.updated_at = clock.now()
    flag_modified(roster, "updated_at")  # an UPDATE even at the same instant: bumps the version
    return change


def set_cell(month: date, day: date, template: ShiftTemplate, people: list[User], actor: User,
             expected_version: int | None, reason: str | None = None) -> Roster:
    """Draw one cell of the grid: exactly these people on this shift of this day.
    On a published roster every edit is kept in its history with who and when."""
    if day.replace(day=1) != month:
        raise ValidationFailed.at("day", "day_not_in_month", day=day.isoformat(), month=f"{month:%Y-%m}")
    if len({p.id for p in people}) != len(people):
        raise ValidationFailed.at("people", "person_listed_twice")
    roster = roster_of(month, create=True)
    _check_version(roster, expected_version)
    for i, person in enumerate(people):
        if clash := overlapping_shift(person, day, template):
            other = db.session.get(ShiftTemplate, clash[1])
            raise ValidationFailed.at(f"people.{i}", "overlapping_shift", user=person.username, shift=other.code,
                                          day=clash[0].isoformat())
    existing = db.session.scalars(
        select(RosterAssignment).where(RosterAssignment.day == day, RosterAssignment.template_id == template.id)
    ).all()
    for person in people:  # whoever is added: no double shift (连班) unless approved
        if all(a.user_id != person.id for a in existing):
            doubles.check(person, day, template)
    before = sorted(a.user.username for a in existing)
    after = sorted(p.username for p in people)
    if before == after:
        return roster
    wanted = {p.id for p in people}
    for a in existing:
        if a.user_id not in wanted:
            db.session.delete(a)
    have = {a.user_id for a in existing}
    for person in people:
        if person.id not in have:
            db.session.add(RosterAssignment(roster_id=roster.id, day=day, template_id=template.id, user_id=person.id))
    record_change(roster, actor, "cell", day=day, template_id=template.id, changes={"people": [before, after]}, reason=reason)
    db.session.flush()
    return roster


def publish(month: date, actor: User, expected_version: int | None, confirm_gaps: bool = False,
            override_reason: str | None = None) -> tuple[Roster, Coverage]:
    """Publish the month. Gaps need an explicit confirmation; a 24-hour center left with
    nobody on duty is refused unless a supervisor overrides with a reason (kept)."""
    roster = roster_of(month)
    if roster is None:
        raise NotFound("no_roster", month=f"{month:%Y-%m}")
    _check_version(roster, expected_version)
    cover = coverage(month)
    if cover.holes and not override_reason:
        raise Conflict("nobody_on_duty", details={"coverage": cover.view()})
    if cover.gaps and not confirm_gaps and not override_reason:
        raise Conflict("gaps", details={"coverage": cover.view()})
    was_published = roster.status == RosterStatus.PUBLISHED
    roster.status = RosterStatus.PUBLISHED
    roster.published_at = clock.now()
    roster.published_by_id = actor.id
    changes = {"gaps": len(cover.gaps), "nobody_on_duty": len(cover.holes), "republished": was_published}
    record_change(roster, actor, "override" if cover.holes else "publish", changes=changes,
            reason=override_reason if cover.holes else (override_reason or None))
    db.session.flush()
    return roster, cover


def history(roster: Roster) -> list[RosterChange]:
    return db.session.scalars(
        select(RosterChange).where(RosterChange.roster_id == roster.id).order_by(RosterChange.id.desc())
    ).all()


def save_template(data) -> ShiftTemplate:
    """Create or update a shift template (by code) and its head counts."""
    problems = {}
    for i, rule in enumerate(data.staffing):
        if rule.role not in ROSTERED_ROLES:
            problems[f"staffing.{i}.role"] = Problem("role_not_rostered", role=rule.role.value)
        if rule.max is not None and rule.max < rule.min:
            problems[f"staffing.{i}.max"] = Problem("max_below_min")
    if len({r.role for r in data.staffing}) != len(data.staffing):
        problems["staffing"] = Problem("role_listed_twice")
    if data.starts == data.ends:
        problems["ends"] = Problem("shift_of_no_length")
    if problems:
        raise ValidationFailed(problems)
    template = db.session.scalar(select(ShiftTemplate).where(ShiftTemplate.code == data.code))
    if template is None:
        template = ShiftTemplate(code=data.code)
        db.session.add(template)
    template.name_en, template.name_zh = data.name_en, data.name_zh
    template.starts, template.ends = data.starts, data.ends
    template.sort_order, template.active = data.sort_order, data.active
    # Updated in place by role: replacing the rows would insert before deleting (unique role).
    existing = {s.role: s for s in template.staffing}
    wanted = {r.role for r in data.staffing}
    for rule in data.staffing:
        row = existing.get(rule.role) or ShiftStaffing(role=rule.role)
        row.min_count, row.max_count = rule.min, rule.max
        if rule.role not in existing:
            template.staffing.append(row)
    for role, row in existing.items():
        if role not in wanted:
            template.staffing.remove(row)
    db.session.flush()
    return template


# --- the settings page: shift templates by id, created once, edited with the version seen ---------


def all_templates() -> list[ShiftTemplate]:
    """Every shift template, inactive ones too."""
    return db.session.scalars(select(ShiftTemplate).order_by(ShiftTemplate.sort_order, ShiftTemplate.starts)).all()


def create_template(data) -> ShiftTemplate:
    """A new shift; unlike save_template, an existing code is refused rather than overwritten."""
    if db.session.scalar(select(ShiftTemplate.id).where(ShiftTemplate.code == data.code)) is not None:
        raise ValidationFailed.at("code", "code_taken")
    return save_template(data)


def update_template(template_id: int, data, expected_version: int | None) -> ShiftTemplate:
    """Edit a shift as last seen (409 when someone saved it since). The code stays."""
    template = get_or_404(ShiftTemplate, template_id, _l("shift template"))
    check_version(template, expected_version, what=_l("shift"), ident=template.code)
    if data.code != template.code:
        raise ValidationFailed.at("code", "code_fixed", what=_l("shift"))
    flag_modified(template, "name_en")  # a head-count change alone must bump the version too
    return save_template(data)


def coming_assignments(from_day: date) -> dict[int, int]:
    """Per template id: how many people are rostered on it from a day on (drafts included)."""
    rows = db.session.execute(
        select(RosterAssignment.template_id, db.func.count())
        .where(RosterAssignment.day >= from_day)
        .group_by(RosterAssignment.template_id)
    ).all()
    return dict(rows)
