"""The shapes of ticket input, validated before any rule runs (one message per field),
and of the API's answers (documented in /api/openapi.json; tickets/serialize.py writes them)."""
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from hotline.core.openapi import PageOut
from hotline.core.validation import Strict, Text
from hotline.tickets.models import Channel, Priority, Status
from hotline.tickets.sorting import SortDir


class CallerIn(Strict):
    phone: Text(40, 1)
    name: Text(80) | None = None


class CallIn(Strict):
    line: Text(40, 1) = "main"
    rang_at: AwareDatetime | None = None
    answered_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None


class Facts(Strict):
    """5W1H: a news hotline rejects a record without them."""

    when: Text(500) | None = None
    where: Text(500) | None = None
    who: Text(500) | None = None
    what: Text(500) | None = None
    why: Text(500) | None = None
    how: Text(500) | None = None


class TicketCreate(Strict):
    category: Text(40, 1)
    priority: Priority | None = None
    matter: Text(4000, 1)
    caller: CallerIn | None = None
    address: Text(300) | None = None
    area: Text(80) | None = None
    facts: Facts | None = None
    channel: Channel | None = None
    unit: Text(40) | None = None
    confidential: bool = False
    answer: Text(4000) | None = Field(
        None, description="For a consultation answered on the call: closes the ticket at once."
    )
    call: CallIn | None = None


class NoteCreate(Strict):
    body: Text(4000, 1)


class TicketCancel(Strict):
    reason: Text(1000, 1)
    version: int | None = None



class TicketQuery(Strict):
    q: Text(100) | None = Field(
        None, description="ticket number, words, or a caller's phone, name or address (these only on the "
                          "tickets where you see them in full)")
    phone: Text(40) | None = Field(
        None, description="the tickets of this full number; a role that sees masked phones must give `reason` "
                          "(audited)")
    reason: Text(500) | None = Field(None, description="why you search by this number (kept in the audit log)")
    status: list[Status] | None = None
    open: bool = False
    category: Text(40) | None = None
    priority: Priority | None = None
    unit: Text(40) | None = None
    created_from: AwareDatetime | None = Field(None, alias="from")
    created_to: AwareDatetime | None = Field(None, alias="to")
    sort: Text(20) | None = Field(
        None, description="number, created, priority, state, unit or deadline (the next SLA deadline); "
                          "default: created, newest first")
    dir: SortDir | None = Field(None, description="default: newest, most urgent or soonest first")
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=200)
    after: Text(400) | None = Field(
        None, description="the `next` cursor of the previous page (same filters and sort): the page after it, "
                          "as fast at the millionth ticket as at the first (`page` is then only shown)")


class TicketNumber(BaseModel):
    """The path parameter of every /tickets/<number> route."""

    number: str = Field(examples=["20261123-0001"])


# --- answers -----------------------------------------------------------------------------------


class CallerOut(BaseModel):
    """The caller on a ticket: masked unless the viewer may see them."""

    phone: str = Field(description="E.164, or masked")
    display_phone: str
    name: str | None = Field(description="as given on this call")
    masked: bool
    revealable: bool = Field(False, description="masked, and you may reveal it on purpose with a reason "
                                                 "(POST /tickets/{number}/caller/reveal)")


class TicketSummaryOut(BaseModel):
    """A ticket in a list."""

    number: str
    status: Status
    priority: Priority
    category: str = Field(description="category code")
    channel: Channel
    unit: str | None = Field(description="unit code")
    caller: CallerOut | None
    address: str | None = Field(description="as given on this call; its street only when you may not see it in full")
    matter: str
    confidential: bool
    version: int
    created_at: datetime
    updated_at: datetime


class NoteOut(BaseModel):
    id: int
    at: datetime
    author: str
    body: str


class TicketEventOut(BaseModel):
    at: datetime
    kind: str
    actor: str | None
    changes: dict[str, Any] = Field(description="field: [before, after]")
    message: str | None


class CallOut(BaseModel):
    line: str
    rang_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    ring_seconds: float | None


class TicketOut(TicketSummaryOut):
    """One ticket with its timeline and notes."""

    area: str | None
    facts: dict[str, Any] = Field(description="5W1H: when, where, who, what, why, how")
    answer: str | None
    cancel_reason: str | None
    operator: str | None = Field(description="username")
    call: CallOut | None
    notes: list[NoteOut]
    timeline: list[TicketEventOut]
    dispatched_at: datetime | None
    accepted_at: datetime | None
    arrived_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    steps: list[str] | None = Field(
        None, description="The work steps the status allows (in the answers of dispatch, transfer, return and steps)")


class TicketPageOut(PageOut):
    items: list[TicketSummaryOut]
    total_capped: bool = Field(description="more tickets match than were counted: `total` is a floor (10,000+)")
    recent_only: bool = Field(description="`q` had only words of fewer than 3 characters: these were looked for "
                                          "in the newest 20,000 tickets only")
    next: str | None = Field(description="the cursor of the next page (`after`), null on the last page")


class CategoryOut(BaseModel):
    code: str
    name_en: str
    name_zh: str
    answerable_on_call: bool = Field(description="a consultation: an answer on the call closes the ticket")
    default_priority: Priority
    active: bool
    sort_order: int
    version: int


class CategoryQuery(Strict):
    all: bool = Field(False, description="inactive categories too")


class CategoryListOut(BaseModel):
    items: list[CategoryOut]


class RevealIn(Strict):
    reason: Text(500, 1) = Field(description="why you need the caller's identity (kept in the audit log)")


class RevealOut(BaseModel):
    """A confidential caller in full, as given on this call."""

    phone: str = Field(description="E.164")
    display_phone: str
    name: str | None
    address: str | None
    facts: dict[str, Any] = Field(description="5W1H in full")
