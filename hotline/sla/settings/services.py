"""Editing SLA policies, working calendars and areas. Nothing here is deleted except a
calendar's exception day (configuration, not a record): a policy no longer wanted is
deactivated.

What a change reaches: a new clock (a new ticket, a new stage starting, a reopened
cycle) takes the policy and calendar as they are now. A clock already running keeps
the target it started with until its ticket next changes in a way the clocks watch
(dispatch, a crew's step, a reclassification): then `sync_ticket_clocks` re-targets
it to the current policy, keeping the working time already used. A calendar change
moves a running clock's deadline at that same moment, not before."""
from datetime import date, datetime, timedelta

import holidays
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from hotline.core import clock as app_clock
from hotline.core import error_catalog
from hotline.core.errors import NotFound, Problem, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.sla.engine.calendars import HoursError, WorkingTime, _public_calendar
from hotline.sla.engine.clocks import reschedule_running, timer_for
from hotline.sla.models import Calendar, CalendarDay, Policy, Stage
from hotline.sla.settings.schemas import (
    AreaIn,
    AreaUpdate,
    CalendarDayIn,
    CalendarIn,
    CalendarUpdate,
    PolicyIn,
    PolicyUpdate,
)
from hotline.tickets.models import Category, Priority
from hotline.units.models import Area

STAGE_ORDER = {s: i for i, s in enumerate(Stage)}
PRIORITY_ORDER = {p: i for i, p in enumerate(Priority)}
POLICY_FIELDS = ("category", "priority", "stage", "minutes", "minutes_outside_city", "calendar", "warn_percent", "active")
NOT_NULL = {"stage", "minutes", "warn_percent", "active"}


def _number(value: float | None):
    """90.0 -> 90 (JSON and pages show whole minutes as integers)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


error_catalog.define({
    "unknown_calendar": _l("unknown calendar '%(code)s'"),
    "policy_already_active": _l("policy %(other)s is already active for this category, priority and stage"),
    "no_day_exception": _l("calendar %(calendar)s has no exception on %(day)s"),
    "name_taken": _l("this name is taken"),
    "may_not_be_empty": _l("may not be empty"),
})


def _refuse_empty(values: dict, names) -> None:
    """Fields sent as null that may not be empty."""
    empty = {name: Problem("may_not_be_empty") for name in names if name in values and values[name] is None}
    if empty:
        raise ValidationFailed(empty)


# --- policies ---------------------------------------------------------------------------------


def all_policies() -> list[Policy]:
    rows = db.session.scalars(select(Policy)).all()
    return sorted(
        rows,
        key=lambda p: (
            STAGE_ORDER[p.stage], not p.active, p.category.code if p.category else "",
            PRIORITY_ORDER[p.priority] if p.priority else -1, p.id,
        ),
    )


def get_policy(policy_id: int) -> Policy:
    policy = get_or_404(Policy, policy_id, _l("policy"))
    return policy


def _category_id(code: str | None) -> int | None:
    if code is None:
        return None
    category_id = db.session.scalar(select(Category.id).where(Category.code == code))
    if category_id is None:
        raise ValidationFailed.at("category", "unknown_category", code=code)
    return category_id


def _calendar_id(code: str | None) -> int | None:
    if code is None:
        return None
    calendar_id = db.session.scalar(select(Calendar.id).where(Calendar.code == code))
    if calendar_id is None:
        raise ValidationFailed.at("calendar", "unknown_calendar", code=code)
    return calendar_id


def _refuse_duplicate(policy: Policy) -> None:
    """At most one active policy per (category, priority, stage): otherwise which wins
    would depend on row ids, not on anything an admin can see."""
    if not policy.active:
        return
    stmt = select(Policy.id).where(
        Policy.active,
        Policy.stage == policy.stage,
        Policy.category_id.is_(None) if policy.category_id is None else Policy.category_id == policy.category_id,
        Policy.priority.is_(None) if policy.priority is None else Policy.priority == policy.priority,
    )
    if policy.id is not None:
        stmt = stmt.where(Policy.id != policy.id)
    other = db.session.scalar(stmt)
    if other is not None:
        raise ValidationFailed.at("stage", "policy_already_active", other=other)


def _apply(policy: Policy, values: dict) -> None:
    _refuse_empty(values, NOT_NULL)
    if "category" in values:
        policy.category_id = _category_id(values["category"])
    if "calendar" in values:
        policy.calendar_id = _calendar_id(values["calendar"])
    for field in ("priority", "stage", "minutes", "minutes_outside_city", "warn_percent", "active"):
        if field in values:
            setattr(policy, field, values[field])
    _refuse_duplicate(policy)


def create_policy(data: PolicyIn) -> Policy:
    policy = Policy()
    _apply(policy, data.model_dump())
    db.session.add(policy)
    db.session.flush()
    return policy


def update_policy(policy_id: int, data: PolicyUpdate) -> Policy:
    policy = get_policy(policy_id)
    check_version(policy, data.version, what=_l("policy"), required=True)
    with db.session.no_autoflush:
        _apply(policy, {k: getattr(data, k) for k in data.model_fields_set if k != "version"})
    db.session.flush()
    return policy


def policy_view(p: Policy) -> dict:
    return {
        "id": p.id,
        "category": p.category.code if p.category else None,
        "priority": p.priority.value if p.priority else None,
        "stage": p.stage.value,
        "minutes": _number(p.minutes),
        "minutes_outside_city": _number(p.minutes_outside_city),
        "calendar": p.calendar.code if p.calendar else None,
        "warn_percent": p.warn_percent,
        "active": p.active,
        "version": p.version,
    }


# --- calendars --------------------------------------------------------------------------------


def all_calendars() -> list[Calendar]:
    return db.session.scalars(select(Calendar).order_by(Calendar.id)).all()


def get_calendar(calendar_id: int) -> Calendar:
    calendar = get_or_404(Calendar, calendar_id, _l("calendar"))
    return calendar


def _checked_hours(periods) -> list[list[str]]:
    hours = [list(p) for p in periods]
    try:
        WorkingTime.from_spec(app_clock.center_tz(), hours, None)
    except HoursError as exc:
        raise ValidationFailed({"hours": exc.problem}) from None
    return sorted(hours)


def _bump(calendar: Calendar) -> None:
    """A change to the calendar's days changes its working time: a new version makes
    `timer_for` build it afresh (its cache is keyed on id and version)."""
    flag_modified(calendar, "hours")


def create_calendar(data: CalendarIn) -> Calendar:
    if db.session.scalar(select(Calendar.id).where(Calendar.code == data.code)):
        raise ValidationFailed.at("code", "code_taken")
    calendar = Calendar(
        code=data.code, name=data.name, hours=_checked_hours(data.hours), public_holidays=data.public_holidays
    )
    db.session.add(calendar)
    db.session.flush()
    return calendar


def update_calendar(calendar_id: int, data: CalendarUpdate) -> Calendar:
    calendar = get_calendar(calendar_id)
    check_version(calendar, data.version, what=_l("calendar"), required=True)
    sent = data.model_fields_set
    _refuse_empty({k: getattr(data, k) for k in sent}, ("name", "hours", "public_holidays"))
    if "name" in sent:
        calendar.name = data.name
    if "hours" in sent:
        calendar.hours = _checked_hours(data.hours)
    if "public_holidays" in sent:
        calendar.public_holidays = data.public_holidays
    _bump(calendar)  # even a rename: one rule, every change is a new version
    db.session.flush()
    reschedule_running(db.session, calendar.id)
    return calendar


def put_day(calendar_id: int, data: CalendarDayIn) -> CalendarDay:
    """Add a center holiday or working day, or change the one already set for that day."""
    calendar = get_calendar(calendar_id)
    row = db.session.scalar(select(CalendarDay).where(CalendarDay.calendar_id == calendar.id, CalendarDay.day == data.day))
    if row is None:
        row = CalendarDay(calendar=calendar, day=data.day)
        db.session.add(row)
    row.working, row.note = data.working, data.note
    _bump(calendar)
    db.session.flush()
    reschedule_running(db.session, calendar.id)
    return row


def remove_day(calendar_id: int, day: date) -> Calendar:
    calendar = get_calendar(calendar_id)
    row = db.session.scalar(select(CalendarDay).where(CalendarDay.calendar_id == calendar.id, CalendarDay.day == day))
    if row is None:
        raise NotFound("no_day_exception", calendar=calendar.code, day=day.isoformat())
    db.session.delete(row)
    _bump(calendar)
    db.session.flush()
    db.session.expire(calendar, ["days"])
    reschedule_running(db.session, calendar.id)
    return calendar


def working_time(calendar: Calendar) -> WorkingTime:
    return timer_for(db.session, calendar.id)


def day_minutes(calendar: Calendar) -> float:
    return working_time(calendar).day_seconds / 60


def preview(calendar: Calendar, start: datetime | None, minutes: float) -> dict:
    """What a clock of `minutes` working minutes started at `start` would be due at."""
    tz = app_clock.center_tz()
    start = app_clock.now() if start is None else start if start.tzinfo else start.replace(tzinfo=tz)
    try:
        due = working_time(calendar).add(start, minutes * 60)
    except HoursError as exc:
        raise ValidationFailed({"minutes": exc.problem}) from None
    return {
        "calendar": calendar.code,
        "version": calendar.version,
        "from": start.astimezone(tz).isoformat(),
        "minutes": _number(minutes),
        "working_day_minutes": _number(day_minutes(calendar)),
        "deadline": due.astimezone(tz).isoformat(),
    }


def calendar_view(c: Calendar) -> dict:
    return {
        "id": c.id,
        "code": c.code,
        "name": c.name,
        "hours": c.hours,
        "public_holidays": c.public_holidays,
        "working_day_minutes": _number(day_minutes(c)),
        "days": [{"day": d.day.isoformat(), "working": d.working, "note": d.note} for d in c.days],
        "version": c.version,
    }


def upcoming_days(calendar: Calendar, start: date, count: int, region: str, language: str) -> list[dict]:
    """Each of `count` days from `start`: working or not, and why (a public holiday, a
    make-up working day 调休, a center exception, a weekend)."""
    timer = working_time(calendar)
    overrides = {d.day: d for d in calendar.days}
    out = []
    for offset in range(count):
        day = start + timedelta(days=offset)
        public = _public_calendar(region, day.year) if calendar.public_holidays else None
        kind, note = "weekday" if day.weekday() < 5 else "weekend", None
        if public is not None and day in public:
            kind, note = "holiday", _holiday_name(region, day, language)
        elif public is not None and day in public.weekend_workdays:
            kind = "makeup"
        if day in overrides:
            kind = "center-working" if overrides[day].working else "center-holiday"
            note = overrides[day].note
        out.append({"day": day, "working": timer.is_working_day(day), "kind": kind, "note": note})
    return out


def _holiday_name(region: str, day: date, language: str) -> str | None:
    try:
        return holidays.country_holidays(region, years=day.year, language=language).get(day)
    except (NotImplementedError, KeyError):
        return None


# --- areas ------------------------------------------------------------------------------------


def all_areas() -> list[Area]:
    return db.session.scalars(select(Area).order_by(Area.name)).all()


def get_area(area_id: int) -> Area:
    area = get_or_404(Area, area_id, _l("area"))
    return area


def _refuse_taken_name(name: str, area_id: int | None) -> None:
    other = db.session.scalar(select(Area.id).where(Area.name == name))
    if other is not None and other != area_id:
        raise ValidationFailed.at("name", "name_taken")


def create_area(data: AreaIn) -> Area:
    _refuse_taken_name(data.name, None)
    area = Area(name=data.name, outside_city=data.outside_city)
    db.session.add(area)
    db.session.flush()
    return area


def update_area(area_id: int, data: AreaUpdate) -> Area:
    area = get_area(area_id)
    sent = data.model_fields_set
    _refuse_empty({k: getattr(data, k) for k in sent}, ("name", "outside_city"))
    if "name" in sent:
        _refuse_taken_name(data.name, area.id)
        area.name = data.name
    if "outside_city" in sent:
        area.outside_city = data.outside_city
    db.session.flush()
    return area


def area_view(a: Area) -> dict:
    return {"id": a.id, "name": a.name, "outside_city": a.outside_city}
