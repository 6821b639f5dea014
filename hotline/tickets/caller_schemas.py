"""The shapes of the caller history answer (documented in /api/openapi.json)."""
from pydantic import BaseModel, Field

from hotline.tickets.schemas import TicketSummaryOut


class CallerPhone(BaseModel):
    """The path parameter of /callers/<phone>/tickets."""

    phone: str = Field(examples=["13800138000"], description="in any spelling of the number")


class CallerCardOut(BaseModel):
    """Who is calling, from the tickets on which you see them in full (each as given on its call)."""

    phone: str
    display_phone: str
    name: str | None = Field(description="the latest name given on those tickets")
    addresses: list[str] = Field(description="the latest five given on those tickets")
    masked: bool


class CallerHistoryOut(BaseModel):
    caller: CallerCardOut | None = Field(description="null: never called before (as far as you may see)")
    tickets: list[TicketSummaryOut]
    open_count: int
    recent_count: int
    repeat: bool = Field(description="called within the repeat window")
