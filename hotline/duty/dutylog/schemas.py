"""The shapes of duty log input and search."""
from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from hotline.core.validation import Strict, Text
from hotline.duty.dutylog.models import EntryKind


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
