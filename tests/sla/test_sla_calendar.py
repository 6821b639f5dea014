"""Working time across the 2026 Spring Festival: 15-23 February off, Saturdays 14 and
28 February are make-up working days (调休), as the `holidays` package knows them."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hotline.sla.engine.calendars import ROUND_THE_CLOCK, WorkingTime

TZ = ZoneInfo("Asia/Shanghai")
HOURS = [["08:30", "12:00"], ["13:30", "17:30"]]  # 7.5 working hours a day
DAY = 7.5 * 3600


def at(day: int, hh: int, mm: int = 0, month: int = 2) -> datetime:
    return datetime(2026, month, day, hh, mm, tzinfo=TZ)


@pytest.fixture
def cal():
    return WorkingTime.from_spec(TZ, HOURS, "CN")


def test_spring_festival_days(cal):
    assert cal.is_working_day(date(2026, 2, 13))  # Friday
    assert cal.is_working_day(date(2026, 2, 14))  # Saturday, make-up working day
    assert not cal.is_working_day(date(2026, 2, 15))
    assert not cal.is_working_day(date(2026, 2, 17))  # Spring Festival
    assert not cal.is_working_day(date(2026, 2, 23))  # Monday, still a day off
    assert cal.is_working_day(date(2026, 2, 24))
    assert cal.is_working_day(date(2026, 2, 28))  # Saturday, make-up working day
    assert not cal.is_working_day(date(2026, 3, 1))  # an ordinary Sunday


def test_two_working_days_over_the_holiday(cal):
    # A complaint at Friday 13 Feb 16:00: 1.5 h left that day, 7.5 h on the make-up
    # Saturday, then nothing until Tuesday 24 Feb: 3.5 h in the morning, 2.5 h after lunch.
    due = cal.add(at(13, 16), 2 * DAY)
    assert due == at(24, 16, 0)
    assert cal.elapsed(at(13, 16), due) == 2 * DAY


def test_business_hour_boundaries(cal):
    assert cal.add(at(24, 12, 0), 0) == at(24, 13, 30)  # lunch: the clock waits
    assert cal.add(at(24, 11, 0), 3600) == at(24, 12, 0)  # uses up the morning: due at noon
    assert cal.add(at(24, 11, 0), 3601) == at(24, 13, 30) + timedelta(seconds=1)
    assert cal.add(at(24, 17, 30), 60) == at(25, 8, 31)  # after hours: next morning
    assert cal.add(at(24, 8, 30), DAY) == at(24, 17, 30)  # a whole working day ends that evening
    assert cal.add(at(24, 6, 0), 60) == at(24, 8, 31)  # before hours
    assert cal.elapsed(at(24, 12, 15), at(24, 13, 15)) == 0  # all in lunch
    assert cal.elapsed(at(24, 17, 0), at(25, 9, 0)) == 3600  # 30 min + 30 min


def test_holiday_start_waits_for_the_first_working_hour(cal):
    assert cal.add(at(17, 10), 60) == at(24, 8, 31)


def test_center_exceptions_override_the_public_calendar():
    cal = WorkingTime.from_spec(TZ, HOURS, "CN", {date(2026, 2, 24): False, date(2026, 2, 22): True})
    assert cal.is_working_day(date(2026, 2, 22))
    assert not cal.is_working_day(date(2026, 2, 24))
    assert cal.add(at(21, 20), 60) == at(22, 8, 31)


def test_round_the_clock_counts_every_second():
    assert ROUND_THE_CLOCK.add(at(17, 23), 3600) == at(18, 0)
    assert ROUND_THE_CLOCK.elapsed(at(17, 23), at(18, 1)) == 7200


def test_bad_hours_are_refused():
    with pytest.raises(ValueError):
        WorkingTime.from_spec(TZ, [["12:00", "08:00"]], "CN")
    with pytest.raises(ValueError):
        WorkingTime.from_spec(TZ, [["08:00", "12:00"], ["11:00", "13:00"]], "CN")


def test_a_calendar_without_working_days_does_not_loop_forever():
    days = {date(2026, 1, 1) + timedelta(days=i): False for i in range(4000)}
    with pytest.raises(ValueError):
        WorkingTime.from_spec(TZ, HOURS, None, days).add(at(1, 9, month=1), 60)
