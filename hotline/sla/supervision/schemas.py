"""The shapes of the supervision endpoints' input: alert filters, acknowledgements,
extension decisions and the on-time report's period."""
from typing import Literal

from flask_babel import lazy_gettext as _l
from pydantic import AwareDatetime, Field, model_validator

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed
from hotline.core.validation import Strict, Text
from hotline.sla.models import AlertKind, ExtensionStatus, Stage

error_catalog.define({"to_before_from": _l("must not be before 'from'")})


class _Period(Strict):
    start: AwareDatetime | None = Field(None, alias="from")
    end: AwareDatetime | None = Field(None, alias="to")

    @model_validator(mode="after")
    def _ordered(self):
        if self.start and self.end and self.start > self.end:
            # Named after the field (a ValueError here would carry no field path).
            raise ValidationFailed.at("to", "to_before_from")
        return self


class AlertQuery(_Period):
    """Filters of the alert list (and its export); `from`/`to` bound the alert time."""

    unit: Text(40) | None = Field(None, description="unit code; its sub-units (crews) are included")
    category: Text(40) | None = None
    stage: Stage | None = None
    kind: AlertKind | None = None
    acknowledged: bool | None = None
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=500)


class AlertAck(Strict):
    comment: Text(2000) | None = None


class EscalationQuery(Strict):
    open: bool = False
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
