"""The shapes of duty log input and search."""
from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from hotline.core.openapi import PageOut
from hotline.core.validation import Strict, Text
from hotline.duty.dutylog.models import EntryKind
from hotline.duty.handover.schemas import HandoverSummaryOut, PersonOut


class EntryIn(Strict):
    kind: EntryKind
    body: Text(4000, 1)
    at: AwareDatetime | None = Field(None, description="when it happened; default now (not in the future)")
    ticket: Text(20) | None = Field(None, description="a ticket number it concerns")


class ReviewIn(Strict):
    day: date
    comment: Text(2000) | None = None


class LogQuery(Strict):
    q: Text(100) | None = None
    kind: list[Literal["event", "call", "visit", "fault", "other", "handover"]] | None = Field(
        None, description="entry kinds, and 'handover' for handover records"
    )
    day_from: date | None = Field(None, alias="from")
    day_to: date | None = Field(None, alias="to")
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=200)


class DayQuery(BaseModel):
    """The query of GET /duty-log (read by hand in the view)."""

    day: date | None = Field(None, description="a local day; default today")


# --- answers -----------------------------------------------------------------------------------


class DutyLogEntryOut(BaseModel):
    id: int
    day: date
    at: datetime
    kind: EntryKind
    body: str
    ticket: str | None = Field(description="ticket number")
    shift: str | None
    author: PersonOut


class DutyLogReviewOut(BaseModel):
    day: date
    signed_at: datetime
    comment: str | None
    reviewer: PersonOut
    entry_count: int
    checksum: str
    verified: bool


class DutyLogDayOut(BaseModel):
    day: date
    entries: list[DutyLogEntryOut]
    review: DutyLogReviewOut | None


class DutyLogHitOut(BaseModel):
    type: Literal["entry", "handover"]
    at: datetime
    entry: DutyLogEntryOut | None = Field(None, description="type entry")
    handover: HandoverSummaryOut | None = Field(None, description="type handover")


class DutyLogHitPageOut(PageOut):
    items: list[DutyLogHitOut] = Field(description="newest first")
