"""Input of the dispatch actions."""
from typing import Literal

from pydantic import BaseModel, Field

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
    category: Text(40, 1) = Field(description="category code")
    area: Text(80) | None = Field(None, description="the ticket's area, matched by name; absent or empty: any area")
    unit: Text(40, 1) = Field(description="unit code: an active unit that takes work orders")
    active: bool = True


class RoutingRulePatch(Strict):
    """Only the fields sent change; `area` null or empty makes it a rule for any area."""

    category: Text(40, 1) | None = None
    area: Text(80) | None = None
    unit: Text(40, 1) | None = None
    active: bool | None = None
    version: int = Field(description="the version last read (409 when it changed meanwhile)")


class RoutingRuleDeleteQuery(Strict):
    version: int | None = Field(None, description="the version last read; a stale one answers 409")


class RoutingPreviewQuery(Strict):
    category: Text(40, 1) = Field(description="category code")
    area: Text(80) | None = Field(None, description="the ticket's area; absent: no area")


class RuleId(BaseModel):
    """The path parameter of /routing-rules/<rule_id>."""

    rule_id: int = Field(ge=1, le=2**63 - 1)


class RoutingRuleOut(BaseModel):
    id: int
    category: str
    area: str | None = Field(description="null: any area")
    unit: str
    active: bool
    version: int


class RoutingRuleListOut(BaseModel):
    items: list[RoutingRuleOut]


class UnitRefOut(BaseModel):
    code: str
    name: str


class RoutingPreviewOut(BaseModel):
    category: str
    area: str | None
    unit: UnitRefOut | None = Field(description="the unit a new ticket would go to; null: it stays at the center")
    rule: RoutingRuleOut | None = Field(description="the rule that decides; null: no rule applies")


class TicketStep(TicketNumber):
    """The path parameters of /tickets/<number>/steps/<step>."""

    step: Step
