"""Shift arithmetic: a template on a day is a slot with a start and an end in time.
A night shift (ends at or before it starts) ends on the next day."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from hotline.core import clock
from hotline.duty.rosters.models import ShiftTemplate
from hotline.users.models import User


@dataclass
class ShiftSlot:
    template: ShiftTemplate
    day: date  # the day the shift starts
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    people: list[User] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, date]:
        return self.template.id, self.day

    def contains(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


def slot_times(template: ShiftTemplate, day: date) -> tuple[datetime, datetime]:
    tz = clock.center_tz()
    starts = datetime.combine(day, template.starts, tzinfo=tz)
    end_day = day + timedelta(days=1) if template.overnight else day
    ends = datetime.combine(end_day, template.ends, tzinfo=tz)
    return starts.astimezone(timezone.utc), ends.astimezone(timezone.utc)


def make_slot(template: ShiftTemplate, day: date, people: list[User] | None = None) -> ShiftSlot:
    starts, ends = slot_times(template, day)
    return ShiftSlot(template, day, starts, ends, list(people or []))


def candidate_slots(templates: list[ShiftTemplate], around: datetime, days_before: int = 1, days_after: int = 1):
    """Every slot of the templates starting from `days_before` to `days_after` local days around a time."""
    local_day = clock.local(around).date()
    for offset in range(-days_before, days_after + 1):
        for template in templates:
            yield make_slot(template, local_day + timedelta(days=offset))


def month_days(month: date) -> list[date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return [first + timedelta(days=i) for i in range((following - first).days)]


def uncovered(intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) that no interval covers."""
    holes, cursor = [], start
    for a, b in sorted(intervals):
        if b <= cursor:
            continue
        if a > cursor:
            holes.append((cursor, min(a, end)))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        holes.append((cursor, end))
    return [(a, b) for a, b in holes if a < b]


def covers_whole_day(templates: list[ShiftTemplate]) -> bool:
    """Whether the shifts together cover all 24 hours: the center runs around the clock."""
    if not templates:
        return False
    day = date(2001, 1, 1)  # a day without daylight-saving changes anywhere that matters
    intervals = [slot_times(t, d) for t in templates for d in (day - timedelta(days=1), day)]
    start, _ = slot_times_bounds(day)
    return not uncovered(intervals, start, start + timedelta(days=1))


def slot_times_bounds(day: date) -> tuple[datetime, datetime]:
    """Local midnight to midnight of a day, in UTC."""
    tz = clock.center_tz()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)
