"""The shapes of SLA input on a ticket: pause, resume, extension (延期), reply (答复), reclassify."""
from pydantic import Field

from hotline.core.validation import Strict, Text
from hotline.sla.models import Stage
from hotline.tickets.models import Priority

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
