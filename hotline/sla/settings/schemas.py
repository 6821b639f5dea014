"""The shapes of SLA settings input: policies, calendars and their exception days, areas."""
from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from hotline.core.validation import Strict, Text
from hotline.sla.models import Stage
from hotline.tickets.models import Priority

Code = Annotated[Text(40, 1), Field(pattern=r"^[a-z][a-z0-9_-]*$")]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["08:30"])]
Period = tuple[ClockTime, ClockTime]
# A year of minutes is more than any hotline target; beyond it is a typing slip.
Minutes = Annotated[float, Field(gt=0, le=366 * 24 * 60)]


class PolicyIn(Strict):
    """One clock's target. category and priority null: any; calendar null: round the clock."""

    category: Code | None = None
    priority: Priority | None = None
    stage: Stage
    minutes: Minutes
    minutes_outside_city: Minutes | None = None
    calendar: Code | None = None
    warn_percent: int = Field(75, ge=1, le=99)
    active: bool = True


class PolicyUpdate(Strict):
    """Only the fields sent change; `version` is the one the caller last saw."""

    version: int
    category: Code | None = None
    priority: Priority | None = None
    stage: Stage | None = None
    minutes: Minutes | None = None
    minutes_outside_city: Minutes | None = None
    calendar: Code | None = None
    warn_percent: int | None = Field(None, ge=1, le=99)
    active: bool | None = None


class CalendarIn(Strict):
    code: Code
    name: Text(120, 1)
    hours: list[Period] = Field(min_length=1, max_length=8, examples=[[["08:30", "12:00"], ["13:30", "17:30"]]])
    public_holidays: bool = True


class CalendarUpdate(Strict):
    version: int
    name: Text(120, 1) | None = None
    hours: list[Period] | None = Field(None, min_length=1, max_length=8)
    public_holidays: bool | None = None


class CalendarDayIn(Strict):
    """A center holiday (working=false) or an extra working day (working=true)."""

    day: date
    working: bool
    note: Text(120) | None = None


class PreviewQuery(Strict):
    start: datetime | None = Field(None, alias="from", description="ISO time; without a zone: the center's; default now")
    minutes: Minutes


class AreaIn(Strict):
    name: Text(80, 1)
    outside_city: bool = False


class AreaUpdate(Strict):
    name: Text(80, 1) | None = None
    outside_city: bool | None = None
