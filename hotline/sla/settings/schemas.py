"""The shapes of SLA settings input: policies, calendars and their exception days, areas;
and of the answers (documented in /api/openapi.json; sla/settings/services.py writes them)."""
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

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


class DayPath(BaseModel):
    """The exception day in /sla/calendars/<calendar_id>/days/<day>."""

    day: date


class AreaIn(Strict):
    name: Text(80, 1)
    outside_city: bool = False


class AreaUpdate(Strict):
    name: Text(80, 1) | None = None
    outside_city: bool | None = None


# --- answers -----------------------------------------------------------------------------------


class PolicyOut(BaseModel):
    """One clock's target."""

    id: int
    category: str | None = Field(description="category code; null: any category")
    priority: Priority | None = Field(description="null: any priority")
    stage: Stage
    minutes: float
    minutes_outside_city: float | None
    calendar: str | None = Field(description="calendar code; null: round the clock")
    warn_percent: int
    active: bool
    version: int


class PolicyListOut(BaseModel):
    items: list[PolicyOut] = Field(description="by stage")


class CalendarDayOut(BaseModel):
    day: date
    working: bool
    note: str | None


class CalendarOut(BaseModel):
    """Working time: hours on a working day, and the center's exception days."""

    id: int
    code: str
    name: str
    hours: list[list[str]] = Field(examples=[[["08:30", "12:00"], ["13:30", "17:30"]]])
    public_holidays: bool
    working_day_minutes: float
    days: list[CalendarDayOut]
    version: int = Field(description="bumped by every change, its exception days included")


class CalendarListOut(BaseModel):
    items: list[CalendarOut]


class CalendarPreviewOut(BaseModel):
    calendar: str
    version: int
    start: datetime = Field(alias="from")
    minutes: float
    working_day_minutes: float
    deadline: datetime


class AreaOut(BaseModel):
    id: int
    name: str
    outside_city: bool


class AreaListOut(BaseModel):
    items: list[AreaOut]
