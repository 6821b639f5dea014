"""The shapes of ticket input, validated before any rule runs (one message per field)."""
from pydantic import AwareDatetime, Field

from hotline.core.validation import Strict, Text
from hotline.tickets.models import Channel, Priority, Status


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
    q: Text(100) | None = None
    status: list[Status] | None = None
    open: bool = False
    category: Text(40) | None = None
    priority: Priority | None = None
    unit: Text(40) | None = None
    created_from: AwareDatetime | None = Field(None, alias="from")
    created_to: AwareDatetime | None = Field(None, alias="to")
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=200)
