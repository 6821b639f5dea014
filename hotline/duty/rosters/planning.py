"""Drawing many cells at once: last month copied into this one, and a rotation (轮班)
such as 早-中-夜-休 laid over a group of people. Both only ever add: a cell or a person
already planned is kept and reported, never overwritten; a placement another rule
refuses (overlapping shifts, an unapproved double shift 连班) is skipped and reported
with the same code the single-cell edit would answer."""
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hotline.core import error_catalog
from hotline.core.errors import Problem, ValidationFailed
from hotline.core.extensions import db
from hotline.core.validation import day_within_limits
from hotline.duty.rosters import doubles
from hotline.duty.rosters.models import RosterAssignment, ShiftTemplate
from hotline.duty.rosters.services import (
    _check_version,
    active_templates,
    cells,
    find_staff,
    month_days,
    overlapping_shift,
    record_change,
    roster_of,
)
from hotline.users.models import User

MAX_DAYS = 62  # a rotation reaches over two months at most
MAX_STEPS = 14
OFF_TOKENS = {"休", "休息", "off", "rest", "x"}

error_catalog.define({
    "cell_taken": _l("%(shift)s %(day)s already has %(people)s: kept"),
    "busy_that_day": _l("%(user)s is already on %(shift)s %(day)s: kept"),
    "overlap_skipped": _l("%(user)s: %(shift)s %(day)s overlaps another shift of theirs"),
    "not_rosterable_now": _l("%(user)s can no longer be rostered"),
    "end_before_start": _l("the end is before the start"),
    "range_too_long": _l("at most %(days)s days at once"),
    "pattern_empty": _l("give the pattern as shifts and rest days, e.g. 白班 中班 夜班 休"),
    "pattern_too_long": _l("at most %(steps)s steps"),
    "pattern_all_off": _l("the pattern has no shift"),
})


@dataclass
class Plan:
    """What a copy or rotation added and what it left as it was, and why."""

    added: list[tuple[date, str, str]] = field(default_factory=list)  # day, shift code, username
    skipped: list[tuple[date, str, str | None, Problem, dict]] = field(default_factory=list)

    def skip(self, day: date, template: ShiftTemplate, user: User | None, problem: Problem,
             extra: dict | None = None) -> None:
        self.skipped.append((day, template.code, user.username if user else None, problem, extra or {}))

    def view(self) -> dict:
        return {
            "added": [{"day": d.isoformat(), "shift": s, "user": u} for d, s, u in self.added],
            "skipped": [
                {"day": d.isoformat(), "shift": s, "user": u, "code": p.code, "error": p.render(english=True),
                 "message": p.render(english=not has_request_context(), sentence=True), **extra}
                for d, s, u, p, extra in self.skipped
            ],
        }


def _place(plan: Plan, user: User, day: date, template: ShiftTemplate, roster_id: int) -> None:
    """Put one person on one shift, unless a rule refuses it (then reported)."""
    if not user.active:
        plan.skip(day, template, user, Problem("not_rosterable_now", user=user.display_name))
        return
    if overlapping_shift(user, day, template):
        plan.skip(day, template, user, Problem("overlap_skipped", user=user.display_name, shift=template.code,
                                               day=day.isoformat()))
        return
    if pair := doubles.unapproved(user, day, template):
        refusal = pair.refusal()
        plan.skip(day, template, user, refusal.problem, {"double_shift": pair.view()})
        return
    db.session.add(RosterAssignment(roster_id=roster_id, day=day, template_id=template.id, user_id=user.id))
    db.session.flush()
    plan.added.append((day, template.code, user.username))


def source_day(day: date) -> date:
    """The day of last month with the same weekday, four weeks back (five for the 29th to
    31st when four weeks back is still this month)."""
    back = day - timedelta(weeks=4)
    return back if back.month != day.month else back - timedelta(weeks=1)


def copy_previous_month(month: date, actor: User, expected_version: int | None) -> Plan:
    """Last month's roster laid onto this month by weekday: the 5th Monday-of-the-plan
    takes the people of the Monday four weeks earlier. A center staffs by the week
    (weekend teams, supervisors on fixed weekdays, dispatchers alternating weekly), so
    copying by date would move every weekend onto weekdays. Cells already drawn are kept."""
    roster = roster_of(month, create=True)
    _check_version(roster, expected_version)
    days = month_days(month)
    previous = (month - timedelta(days=1)).replace(day=1)
    source = cells(previous, days[0] - timedelta(days=1))
    target = cells(days[0], days[-1])
    plan = Plan()
    for day in days:
        for template in active_templates():
            people = source.get((source_day(day), template.id), [])
            if not people:
                continue
            there = target.get((day, template.id), [])
            if there:
                if {p.id for p in there} != {p.id for p in people}:
                    plan.skip(day, template, None, Problem("cell_taken", shift=template.code, day=day.isoformat(),
                                                           people=", ".join(p.display_name for p in there)))
                continue
            for person in people:
                _place(plan, person, day, template, roster.id)
    record_change(roster, actor, "copy", changes={"from": f"{previous:%Y-%m}", "added": len(plan.added),
                                                  "skipped": len(plan.skipped)})
    db.session.flush()
    return plan


def parse_pattern(tokens: list[str]) -> list[ShiftTemplate | None]:
    """Shift codes or names (白班, day...) and rest days (休, off), one per step."""
    words = [w for t in tokens for w in re.split(r"[\s,，、/\-–—>→]+", t) if w]
    if not words:
        raise ValidationFailed.at("pattern", "pattern_empty")
    if len(words) > MAX_STEPS:
        raise ValidationFailed.at("pattern", "pattern_too_long", steps=MAX_STEPS)
    templates = active_templates()
    by_word = {}
    for t in templates:
        for name in (t.code, t.name_zh, t.name_en):
            by_word.setdefault(name.casefold(), t)
    out, problems = [], {}
    for word in words:
        if word.casefold() in OFF_TOKENS:
            out.append(None)
        elif (template := by_word.get(word.casefold())) is not None:
            out.append(template)
        else:
            problems.setdefault("pattern", Problem("unknown_shift", code=word))  # the word says which step
    if problems:
        raise ValidationFailed(problems)
    if not any(out):
        raise ValidationFailed.at("pattern", "pattern_all_off")
    return out


def apply_rotation(usernames: list[str], tokens: list[str], start: date, end: date, actor: User,
                   stagger: bool = True) -> Plan:
    """Lay a cycle over a group from `start` to `end`: with `stagger`, the n-th person
    starts n steps into it (so with 早-中-夜-休 and four people every shift is covered
    each day). A person already on a shift that day keeps it (reported)."""
    problems = {}
    if len(set(usernames)) != len(usernames):
        problems["people"] = Problem("person_listed_twice")
    if end < start:
        problems["end"] = Problem("end_before_start")
    elif (end - start).days + 1 > MAX_DAYS:
        problems["end"] = Problem("range_too_long", days=MAX_DAYS)
    for check in (lambda: day_within_limits(start, "start"), lambda: day_within_limits(end, "end"),
                  lambda: [find_staff(name, f"people.{i}") for i, name in enumerate(usernames)],
                  lambda: parse_pattern(tokens)):
        try:
            check()
        except ValidationFailed as failed:  # every field's problem at once, not the first only
            problems.update(failed.problems)
    if problems:
        raise ValidationFailed(problems)
    people = [find_staff(name, f"people.{i}") for i, name in enumerate(usernames)]
    pattern = parse_pattern(tokens)
    plan = Plan()
    rosters = {}
    day = start
    while day <= end:
        month = day.replace(day=1)
        if month not in rosters:
            rosters[month] = roster_of(month, create=True)
        busy = {uid: t_id for uid, t_id in db.session.execute(
            select(RosterAssignment.user_id, RosterAssignment.template_id).where(RosterAssignment.day == day))}
        for n, person in enumerate(people):
            template = pattern[((day - start).days + (n if stagger else 0)) % len(pattern)]
            if template is None:
                continue
            if person.id in busy:
                if busy[person.id] != template.id:
                    other = db.session.get(ShiftTemplate, busy[person.id])
                    plan.skip(day, template, person, Problem("busy_that_day", user=person.display_name,
                                                             shift=other.code, day=day.isoformat()))
                continue
            _place(plan, person, day, template, rosters[month].id)
        day += timedelta(days=1)
    for month, roster in rosters.items():
        record_change(roster, actor, "rotation", changes={
            "group": usernames, "pattern": [t.code if t else None for t in pattern],
            "from": start.isoformat(), "to": end.isoformat(),
            "added": sum(1 for d, _, _ in plan.added if d.replace(day=1) == month)})
    db.session.flush()
    return plan
