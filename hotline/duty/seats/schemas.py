"""Input of the seat API."""
from datetime import date

from pydantic import BaseModel, Field

from hotline.core.validation import Strict, Text
from hotline.duty.seats.models import SeatState


class SeatIn(Strict):
    code: Text(20, 1)
    name: Text(60, 1)
    sort_order: int = Field(100, ge=0, le=10000)
    active: bool = True
    version: int | None = Field(None, description="to change an existing seat: the version you saw (409 when stale or missing)")


class SignInIn(Strict):
    seat: Text(20, 1)
    shift: Text(20) | None = Field(None, description="default: your rostered shift now or starting within the hour")
    day: date | None = None


class StateIn(Strict):
    state: SeatState
    reason: Text(200) | None = Field(None, description="required when away")
    version: int | None = None


class SignOutIn(Strict):
    version: int | None = None


class AwayLogQuery(BaseModel):
    """The query of GET /seats/away-log (read by hand in the view)."""

    day: date | None = Field(None, description="a local day; default today")
