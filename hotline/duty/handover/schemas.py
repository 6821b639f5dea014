"""The shapes of handover input, validated before any rule runs; and of the answers
(documented in /api/openapi.json; duty/handover/serialize.py writes them)."""
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from hotline.core.openapi import PageOut
from hotline.core.validation import Id, Strict, Text
from hotline.duty.handover.models import HandoverStatus, ItemKind, Review, StandingKind


class HandoverOpen(Strict):
    incoming: Text(60) | None = Field(None, description="username of the incoming person; default: the one signed in for the next shift")


class ItemEdit(Strict):
    id: Id
    next_step: Text(2000) | None = None


class CountEdit(Strict):
    id: Id
    counted: int | None = Field(None, ge=0, le=100000)
    note: Text(500) | None = None


class HandoverUpdate(Strict):
    version: int
    incoming: Text(60) | None = None
    notes: Text(8000) | None = None
    room_state: Text(2000) | None = None
    items: list[ItemEdit] = Field(default_factory=list, max_length=2000)
    counts: list[CountEdit] = Field(default_factory=list, max_length=200)


class ItemReview(Strict):
    version: int
    decision: Literal["acknowledge", "dispute"]
    note: Text(2000) | None = None


class HandoverSign(Strict):
    version: int
    password: str = Field(min_length=1, max_length=200, description="the signer's own password, entered again")


class HandoverOverrideIn(Strict):
    version: int
    reason: Text(2000, 1)


class AddendumIn(Strict):
    body: Text(4000, 1)


class StandingItemIn(Strict):
    kind: StandingKind
    title: Text(200, 1)
    body: Text(4000) | None = None
    source: Text(120) | None = None


class StandingClose(Strict):
    version: int
    note: Text(2000, 1)


class ChecklistLine(Strict):
    id: Id | None = None
    name: Text(120, 1)
    expected: int = Field(ge=0, le=100000)
    active: bool = True


class ChecklistSave(Strict):
    items: list[ChecklistLine] = Field(max_length=100)


class VersionIn(Strict):
    version: int


class StandingItemsQuery(BaseModel):
    """The query of GET /standing-items (read by hand in the view)."""

    all: bool = Field(False, description="recent closed items too, not only the open ones")


# --- answers -----------------------------------------------------------------------------------


class PersonOut(BaseModel):
    """A person as handovers and the duty log show them."""

    username: str
    display_name: str


class HandoverShiftOut(BaseModel):
    template: str | None = Field(description="shift template code")
    day: date | None
    start: datetime | None
    end: datetime | None = Field(None, description="the handover's own shift only")


class HandoverTimingOut(BaseModel):
    """When the incoming person was expected and came, when the handover was to be done. None
    without a roster."""

    arrive_by: datetime | None = Field(description="the next shift's start less the minutes early the center asks")
    incoming_arrived_at: datetime | None = Field(description="seat sign-in for the next shift, or first act on the handover")
    incoming_late_minutes: int | None
    done_by: datetime | None = Field(description="the end of the outgoing shift")
    overrun_minutes: int | None = Field(description="how much later than done_by it was signed")


class HandoverSummaryOut(BaseModel):
    id: int
    version: int
    status: HandoverStatus
    shift: HandoverShiftOut
    next_shift: HandoverShiftOut
    outgoing: PersonOut | None
    incoming: PersonOut | None
    opened_at: datetime
    outgoing_signed_at: datetime | None
    incoming_signed_at: datetime | None
    signed_at: datetime | None
    checksum: str | None = Field(description="SHA-256 of the canonical JSON of the signed content")
    timing: HandoverTimingOut


class HandoverSummaryPageOut(PageOut):
    items: list[HandoverSummaryOut]


class HandoverItemOut(BaseModel):
    id: int
    kind: ItemKind
    flags: list[str]
    summary: dict[str, Any] = Field(description="a snapshot: number, matter, status, priority, due_at...")
    next_step: str | None
    next_step_source: str | None = Field(description="a proposed step's origin until rewritten: handover:<id> or note:<id>")
    must_acknowledge: bool
    carried: bool
    arrived: bool = Field(description="came in (or turned urgent) after the handover was opened")
    review: Review
    review_note: str | None
    reviewed_at: datetime | None


class HandoverCountOut(BaseModel):
    id: int
    name: str
    expected: int
    counted: int | None
    note: str | None
    complete: bool


class HandoverOverrideOut(BaseModel):
    at: datetime
    by: PersonOut | None
    reason: str
    codes: list[str] = Field(description="the refusals let go")


class BlockerOut(BaseModel):
    """What refuses the signature now."""

    code: str
    message: str
    items: list[int]
    tickets: list[str] = Field(description="the numbers of the tickets concerned")
    overridable: bool
    overridden: bool


class HandoverRightsOut(BaseModel):
    """What the viewer may do with this handover now."""

    prepare: bool
    review: bool
    sign: bool
    override: bool


class AddendumOut(BaseModel):
    id: int
    addendum: Literal[True]
    at: datetime
    author: PersonOut | None
    body: str
    checksum: str


class AddendumCheckOut(BaseModel):
    id: int
    ok: bool
    stored: str


class VerificationOut(BaseModel):
    ok: bool
    stored: str | None
    computed: str | None
    addenda: list[AddendumCheckOut]


class HandoverOut(HandoverSummaryOut):
    """A handover with its items, counts, overrides and addenda."""

    notes: str | None
    room_state: str | None
    items: list[HandoverItemOut]
    counts: list[HandoverCountOut]
    overrides: list[HandoverOverrideOut]
    addenda: list[AddendumOut]
    blockers: list[BlockerOut] = Field(description="empty once signed")
    you: HandoverRightsOut
    verification: VerificationOut | None = Field(None, description="once signed")


class StandingItemOut(BaseModel):
    id: int
    version: int
    kind: StandingKind
    title: str
    body: str | None
    source: str | None
    opened_at: datetime
    opened_by: PersonOut | None
    closed_at: datetime | None
    closed_by: PersonOut | None
    close_note: str | None


class StandingItemListOut(BaseModel):
    items: list[StandingItemOut]


class ChecklistItemOut(BaseModel):
    id: int
    name: str
    expected: int
    active: bool


class ChecklistOut(BaseModel):
    items: list[ChecklistItemOut]
