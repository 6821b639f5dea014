"""Input of the roster API."""
from datetime import date, time

from pydantic import BaseModel, Field

from hotline.core.validation import Strict, Text
from hotline.duty.rosters.models import RequestKind, RequestStatus
from hotline.users.models import Role


class StaffingIn(Strict):
    role: Role
    min: int = Field(0, ge=0, le=50)
    max: int | None = Field(None, ge=0, le=50)


class ShiftTemplateIn(Strict):
    code: Text(20, 1)
    name_en: Text(40, 1)
    name_zh: Text(40, 1)
    starts: time
    ends: time = Field(description="At or before `starts`: the shift ends the next day")
    sort_order: int = Field(100, ge=0, le=10000)
    active: bool = True
    staffing: list[StaffingIn] = []
    version: int | None = Field(None, description="to change an existing template: the version you saw (409 when stale or missing)")


class CellIn(Strict):
    day: date
    shift: Text(20, 1)
    people: list[Text(60, 1)] = Field(max_length=50, description="usernames; an empty list clears the cell")
    version: int | None = Field(None, description="the roster version you saw (409 when stale)")
    reason: Text(1000) | None = None


class PublishIn(Strict):
    version: int | None = None
    confirm_gaps: bool = Field(False, description="publish although some shifts are below or above their head counts")
    override_reason: Text(1000) | None = Field(
        None, description="supervisor override: publish although a 24-hour center would have nobody on duty"
    )


class ShiftRequestIn(Strict):
    kind: RequestKind
    day: date
    shift: Text(20, 1)
    reason: Text(1000, 1)
    partner: Text(60) | None = Field(None, description="swap: the colleague who takes the shift")
    partner_day: date | None = Field(None, description="swap: the colleague's shift you take in return")
    partner_shift: Text(20) | None = None


class DecisionIn(Strict):
    approve: bool
    version: int | None = None
    substitute: Text(60) | None = Field(None, description="leave: who stands in (顶班)")
    note: Text(1000) | None = None


class WithdrawIn(Strict):
    version: int | None = None


class MonthPath(BaseModel):
    """The path parameter of /rosters/<month>."""

    month: str = Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-11"])


class ShiftPath(BaseModel):
    """The path parameters of /shifts/<day>/<shift>."""

    day: date
    shift: str = Field(description="shift template code")


class ShiftRequestQuery(BaseModel):
    """The query of GET /shift-requests (read by hand in the view)."""

    status: RequestStatus | None = None


class CopyIn(Strict):
    version: int | None = Field(None, description="the version of this month's roster you saw (409 when stale)")


class RotationIn(Strict):
    people: list[Text(60, 1)] = Field(min_length=1, max_length=30, description="usernames, in the order they rotate")
    pattern: list[Text(200, 1)] = Field(
        min_length=1, max_length=14,
        description="one step each (or several in one string, separated by spaces, commas or dashes): a shift's code "
                    "or name, or 休/off for a rest day, e.g. ['白班', '中班', '夜班', '休']")
    start: date
    end: date
    stagger: bool = Field(True, description="the n-th person starts n steps into the pattern")


class DoubleShiftIn(Strict):
    user: Text(60, 1)
    first_day: date
    first_shift: Text(20, 1)
    second_day: date
    second_shift: Text(20, 1)
    reason: Text(1000, 1)


class DoubleShiftQuery(BaseModel):
    """The query of GET /double-shifts (read by hand in the view)."""

    status: RequestStatus | None = None
