"""Input of the dispatch actions."""
from typing import Literal

from hotline.core.validation import Strict, Text
from hotline.tickets.schemas import TicketNumber

Step = Literal["accept", "en_route", "on_site", "resolve"]


class DispatchIn(Strict):
    unit: Text(40, 1)
    version: int
    instructions: Text(2000) | None = None


class TransferIn(Strict):
    unit: Text(40, 1)
    reason: Text(1000, 1)
    version: int


class ReturnIn(Strict):
    reason: Text(1000, 1)
    version: int


class StepIn(Strict):
    version: int
    result: Text(4000) | None = None


class RoutingRuleIn(Strict):
    category: Text(40, 1)
    area: Text(80) | None = None
    unit: Text(40, 1)
    active: bool = True


class TicketStep(TicketNumber):
    """The path parameters of /tickets/<number>/steps/<step>."""

    step: Step
