"""The shapes of SLA input on a ticket: pause, resume, extension (延期), reply (答复), reclassify;
and of the answers (documented in /api/openapi.json; sla/panel/views.py writes them)."""
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from hotline.core.validation import Strict, Text
from hotline.sla.models import ExtensionStatus, Stage
from hotline.tickets.models import Priority
from hotline.tickets.schemas import TicketOut

MAX_EXTENSION_MINUTES = 43200  # 30 days


class PauseIn(Strict):
    reason: Text(200, 1) = Field(description="Why the clock stops: waiting for the caller, for parts")
    stage: Stage | None = Field(None, description="Only this stage's clock; all running clocks when left out")


class ResumeIn(Strict):
    stage: Stage | None = Field(None, description="Only this stage's clock; all paused clocks when left out")


class ExtensionIn(Strict):
    stage: Stage
    minutes: int = Field(ge=1, le=MAX_EXTENSION_MINUTES)
    reason: Text(1000, 1)


class ReplyIn(Strict):
    version: int
    message: Text(4000, 1) = Field(description="What the caller was told")


class ReclassifyIn(Strict):
    version: int
    category: Text(40, 1) | None = None
    priority: Priority | None = None
    area: Text(80) | None = Field(None, description="An empty string clears the area")
    reason: Text(1000, 1)


# --- answers -----------------------------------------------------------------------------------


class ClockOut(BaseModel):
    stage: Stage
    cycle: int
    state: Literal["running", "paused", "stopped"]
    started_at: datetime
    warn_at: datetime | None
    due_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    stopped_at: datetime | None
    budget_seconds: int
    extended_seconds: int
    paused_reason: str | None
    working_time: bool = Field(description="counts working time on a calendar, not round the clock")
    met: bool | None = Field(description="on time, late, or null while it runs")
    overdue: bool


class ExtensionOut(BaseModel):
    """An extension request (延期) on one of the ticket's clocks."""

    id: int
    stage: Stage
    cycle: int
    minutes: int
    reason: str
    status: ExtensionStatus
    requested_at: datetime
    requested_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    decision_note: str | None


class PauseOut(BaseModel):
    stage: Stage | None
    reason: str
    started_at: datetime
    started_by: str | None
    ended_at: datetime | None
    ended_by: str | None


class TicketExtensionsOut(BaseModel):
    pending: list[ExtensionOut]
    decided: list[ExtensionOut]


class OpenEscalationOut(BaseModel):
    id: int
    reason: str
    level: int
    audience: str | None
    started_at: datetime
    next_at: datetime | None


class TicketSlaOut(BaseModel):
    number: str
    version: int
    clocks: list[ClockOut] = Field(description="newest cycle first")
    pauses: list[PauseOut]
    extensions: TicketExtensionsOut
    escalations: list[OpenEscalationOut] = Field(description="unacknowledged, with their level and audience")


class TicketWithClocksOut(TicketOut):
    clocks: list[ClockOut]
