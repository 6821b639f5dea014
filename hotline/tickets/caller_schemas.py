"""The shapes of the caller history answer (documented in /api/openapi.json)."""
from pydantic import BaseModel, Field

from hotline.tickets.schemas import TicketSummaryOut


class CallerPhone(BaseModel):
    """The path parameter of /callers/<phone>/tickets."""

    phone: str = Field(examples=["13800138000"], description="in any spelling of the number")


class CallerCardOut(BaseModel):
    """Who is calling: masked when they also came in confidentially to someone else."""

    phone: str
    display_phone: str
    name: str | None
    addresses: list[str] = Field(description="the latest five; none when masked")
    masked: bool


class CallerHistoryOut(BaseModel):
    caller: CallerCardOut | None = Field(description="null: never called before")
    tickets: list[TicketSummaryOut]
    open_count: int
    recent_count: int
    repeat: bool = Field(description="called within the repeat window")
