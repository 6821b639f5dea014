"""The shapes of the supervision endpoints' input: alert filters, acknowledgements,
extension decisions and the on-time report's period; and of their answers
(documented in /api/openapi.json)."""
from datetime import datetime
from typing import Literal

from flask_babel import lazy_gettext as _l
from pydantic import AwareDatetime, BaseModel, Field, model_validator

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed
from hotline.core.openapi import PageOut
from hotline.core.validation import Strict, Text
from hotline.sla.models import AlertKind, ExtensionStatus, Stage
from hotline.tickets.models import Priority

error_catalog.define({"to_before_from": _l("must not be before 'from'")})


class _Period(Strict):
    start: AwareDatetime | None = Field(None, alias="from", description="at or after (ISO 8601 with a time zone)")
    end: AwareDatetime | None = Field(None, alias="to", description="at or before")

    @model_validator(mode="after")
    def _ordered(self):
        if self.start and self.end and self.start > self.end:
            # Named after the field (a ValueError here would carry no field path).
            raise ValidationFailed.at("to", "to_before_from")
        return self


class AlertQuery(_Period):
    """Filters of the alert list (and its export); `from`/`to` bound the alert time."""

    unit: Text(40) | None = Field(None, description="unit code; its sub-units (crews) are included")
    category: Text(40) | None = Field(None, description="category code")
    stage: Stage | None = None
    kind: AlertKind | None = None
    acknowledged: bool | None = None
    order: Literal["newest", "urgent"] = Field(
        "newest", description="newest: by alert time, newest first; urgent: breaches not yet acknowledged, then "
                              "warnings not yet acknowledged, then the rest, each by deadline, earliest first")
    after: Text(200) | None = Field(None, description="keyset paging: the `next` of the previous page (then `page` "
                                                      "is not used); stays right however long the list")
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=500)


class AlertAck(Strict):
    comment: Text(2000) | None = None


MAX_BULK_ACK = 200


class AlertBulkAck(Strict):
    ids: list[int] = Field(min_length=1, max_length=MAX_BULK_ACK, description="alert ids; unknown ones: 422, none acknowledged")
    comment: Text(2000) | None = None


class EscalationQuery(Strict):
    open: bool = Field(False, description="only those nobody has acknowledged")
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=200)


class EscalationAck(Strict):
    note: Text(2000) | None = None


class ExtensionQuery(Strict):
    status: ExtensionStatus | None = None
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=200)


class ExtensionDecision(Strict):
    approve: bool
    note: Text(2000) | None = None


class OnTimeQuery(_Period):
    """Clocks stopped in the period (default: the last 7 days), grouped by unit or category."""

    by: Literal["unit", "category"] = "unit"


# --- answers -----------------------------------------------------------------------------------


class SlaPersonOut(BaseModel):
    username: str
    name: str


class SlaAlertOut(BaseModel):
    id: int
    kind: AlertKind
    stage: Stage
    number: str = Field(description="the ticket")
    priority: Priority
    category: str | None
    unit: str | None
    due_at: datetime
    at: datetime = Field(description="when the warning or breach was recorded")
    acknowledged_at: datetime | None
    acknowledged_by: SlaPersonOut | None
    comment: str | None


class SlaAlertPageOut(PageOut):
    items: list[SlaAlertOut]
    total_capped: bool = Field(description="more alerts match than were counted: `total` is a floor (10,000+)")
    next: str | None = Field(description="pass as `after` for the page after this one; null: this is the last")
    seq: int = Field(description="the last live event this list reflects")
    now: datetime


class SlaAlertListOut(BaseModel):
    items: list[SlaAlertOut]


class EscalationStepOut(BaseModel):
    level: int
    audience: str
    at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: SlaPersonOut | None
    note: str | None


class EscalationOut(BaseModel):
    """An escalation (逐级上报) with its steps."""

    id: int
    number: str
    priority: Priority
    category: str | None
    unit: str | None
    reason: Literal["breach", "emergency"]
    level: int = Field(description="1 unit and desk, 2 supervisor, 3 manager")
    audience: Literal["unit", "supervisor", "manager"]
    started_at: datetime
    next_at: datetime | None = Field(description="when it climbs again unless acknowledged")
    acknowledged_at: datetime | None
    acknowledged_by: SlaPersonOut | None
    steps: list[EscalationStepOut]


class EscalationPageOut(PageOut):
    items: list[EscalationOut]
    total_capped: bool = Field(description="more escalations match than were counted: `total` is a floor (10,000+)")


class SlaExtensionOut(BaseModel):
    """An extension request (延期) as supervisors see it."""

    id: int
    number: str
    priority: Priority
    category: str | None
    unit: str | None
    stage: Stage
    due_at: datetime | None = Field(description="the clock's current deadline")
    minutes: int
    reason: str
    status: ExtensionStatus
    requested_at: datetime
    requested_by: SlaPersonOut | None
    decided_at: datetime | None
    decided_by: SlaPersonOut | None
    decision_note: str | None


class SlaExtensionPageOut(PageOut):
    items: list[SlaExtensionOut]


class OnTimeCellOut(BaseModel):
    total: int = Field(description="clocks stopped in the period")
    met: int
    late: int
    rate: float | None = Field(description="met / total")
    overdue: int = Field(description="running now and past the deadline")


class OnTimeGroupOut(BaseModel):
    key: str | None = Field(description="unit or category code; null: no unit")
    name: str | None
    stages: dict[str, OnTimeCellOut] = Field(description="by stage")


class OnTimeReportOut(BaseModel):
    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    now: datetime
    by: Literal["unit", "category"]
    stages: list[Stage]
    groups: list[OnTimeGroupOut]
    total: dict[str, OnTimeCellOut] = Field(alias="all", description="every group, by stage")
