"""Working time: adding working seconds to a moment, and counting them between two.

`RoundTheClock` counts every second. `WorkingTime` counts only the hours of working
days: Monday to Friday, minus public holidays, plus make-up working days (调休),
both as the `holidays` package knows them for the region, then the center's own
exceptions on top. Plain Python, no database: services build one from a Calendar."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask_babel import lazy_gettext as _l

from hotline.core import error_catalog
from hotline.core.errors import Problem

error_catalog.define({
    "period_ends_before_start": _l("working period %(start)s-%(end)s ends before it starts"),
    "periods_overlap": _l("working periods overlap"),
    "no_working_time": _l("the calendar has no working time in ten years"),
})


class HoursError(ValueError):
    """Working time that cannot be: `problem` says why."""

    def __init__(self, code: str, **params):
        self.problem = Problem(code, **params)
        super().__init__(self.problem.english)


# Past this many days without a working hour we stop looking: a calendar with no
# working day at all must not loop forever.
MAX_DAYS = 3660


class RoundTheClock:
    def add(self, start: datetime, seconds: float) -> datetime:
        return start + timedelta(seconds=max(seconds, 0))

    def elapsed(self, start: datetime, end: datetime) -> float:
        return max((end - start).total_seconds(), 0.0)


ROUND_THE_CLOCK = RoundTheClock()


@lru_cache(maxsize=64)
def _public_calendar(region: str, year: int):
    return holidays.country_holidays(region, years=year)


def _parse_hours(hours) -> tuple[tuple[time, time], ...]:
    periods = []
    for start, end in hours:
        s, e = time.fromisoformat(start), time.fromisoformat(end)
        if e <= s:
            raise HoursError("period_ends_before_start", start=start, end=end)
        periods.append((s, e))
    periods.sort()
    for (_, e1), (s2, _) in zip(periods, periods[1:]):
        if s2 < e1:
            raise HoursError("periods_overlap")
    return tuple(periods)


@dataclass(frozen=True)
class WorkingTime:
    tz: ZoneInfo
    hours: tuple[tuple[time, time], ...]
    region: str | None = "CN"  # None: no public holidays
    overrides: dict[date, bool] = field(default_factory=dict, hash=False)

    @classmethod
    def from_spec(cls, tz: ZoneInfo, hours, region: str | None, overrides: dict[date, bool] | None = None):
        return cls(tz, _parse_hours(hours), region, dict(overrides or {}))

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if self.region:
            return _public_calendar(self.region, day.year).is_working_day(day)
        return day.weekday() < 5

    def _periods(self, day: date):
        """The day's working periods as aware datetimes (empty on a day off)."""
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, s, self.tz), datetime.combine(day, e, self.tz)) for s, e in self.hours
        ]

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of working time after `start`. Zero working seconds
        from outside working hours is the start of the next working period."""
        remaining = max(seconds, 0.0)
        day = start.astimezone(self.tz).date()
        for _ in range(MAX_DAYS):
            for p_start, p_end in self._periods(day):
                if p_end <= start:
                    continue
                begin = max(p_start, start)
                available = (p_end - begin).total_seconds()
                # A deadline that uses up a period ends with it (due at 17:30, not
                # at the next morning's opening); zero seconds waits for working time.
                if available > 0 and (0 < remaining <= available or remaining == 0):
                    return (begin + timedelta(seconds=remaining)).astimezone(start.tzinfo)
                remaining -= available
            day += timedelta(days=1)
        raise HoursError("no_working_time")

    def elapsed(self, start: datetime, end: datetime) -> float:
        """Working seconds between two moments."""
        if end <= start:
            return 0.0
        total = 0.0
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for p_start, p_end in self._periods(day):
                overlap = (min(p_end, end) - max(p_start, start)).total_seconds()
                if overlap > 0:
                    total += overlap
            day += timedelta(days=1)
        return total

    @property
    def day_seconds(self) -> float:
        return sum(
            (datetime.combine(date.min, e) - datetime.combine(date.min, s)).total_seconds() for s, e in self.hours
        )
