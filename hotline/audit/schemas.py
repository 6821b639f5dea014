"""The audit log's filters and answers."""
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from pydantic import AwareDatetime, BaseModel, Field, model_validator

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed
from hotline.core.validation import Strict, Text

error_catalog.define({"to_before_from": _l("must not be before 'from'")})

MAX_ID = 2**63 - 1
PER_PAGE = 100
_EARLIEST, _LATEST = 1970, 9998  # years any database and time zone can hold


class AuditQuery(Strict):
    """Filters of the audit log, its export and its API (newest first)."""

    action: Text(60) | None = Field(None, description="action code or its start: 'user.' for every user action")
    actor: Text(120) | None = Field(None, description="part of the actor's username or name")
    target_type: Text(40) | None = Field(None, description="what it was done to: user, unit, category, routing_rule...")
    target_id: Text(64) | None = Field(None, description="its id (with target_type)")
    ticket: Text(40) | None = Field(None, description="the ticket's number, or its id")
    start: AwareDatetime | None = Field(None, alias="from", description="at or after (ISO 8601 with a time zone)")
    end: AwareDatetime | None = Field(None, alias="to", description="before (a day in the page's filter includes that whole day)")
    before: int | None = Field(None, ge=1, le=MAX_ID, description="entries older than this id (the next page)")

    @model_validator(mode="after")
    def _period(self):
        for field, value in (("from", self.start), ("to", self.end)):
            if value is not None and not _EARLIEST <= value.year <= _LATEST:
                raise ValidationFailed.at(field, "not_a_date")
        if self.start and self.end and self.start >= self.end:  # `to` is exclusive: nothing between
            raise ValidationFailed.at("to", "to_before_from")
        return self


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    action: str = Field(description="dotted code: user.create, caller.reveal, auth.sign_in_failed...")
    actor_id: int | None = Field(description="null: nobody signed in (a failed sign-in, the system)")
    actor_name: str = Field(description="the actor's name as it was then")
    actor_username: str | None
    ip: str | None
    target_type: str | None
    target_id: str | None
    ticket_id: int | None
    ticket: str | None = Field(description="the ticket's number")
    reason: str | None
    detail: dict[str, Any] | None = Field(description="what changed: {field: [before, after]}")


class AuditPageOut(BaseModel):
    items: list[AuditEntryOut]
    next_before: int | None = Field(description="ask again with before=this for older entries; null: no more")
