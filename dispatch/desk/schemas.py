"""The desk API's input and answers: card details, bulk dispatch, saved views."""
from typing import Literal

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from hotline.core import error_catalog
from hotline.core.validation import Strict, Text
from hotline.tickets.models import Priority

error_catalog.define({"listed_twice": _l("ticket %(number)s is listed twice")})

MAX_BULK = 50  # cards one person selects at once; more is a mistake, not a shift's work
DeskState = Literal["new", "returned", "dispatched", "accepted", "en_route", "on_site"]


class DeskDetailsQuery(Strict):
    number: list[Text(20, 1)] | None = Field(None, max_length=200, description="ticket numbers (repeat the key); "
                                             "absent: every ticket on the desk")


class SuggestionRuleOut(BaseModel):
    id: int
    category: str
    area: str | None = Field(description="null: the rule for any area")
    unit: str = Field(description="the unit the rule names")


class SuggestionOut(BaseModel):
    unit: str = Field(description="the suggested unit: the rule's, or the least loaded of its crews")
    load: int = Field(description="its open work orders now")
    candidates: list[str] = Field(description="the units the suggestion chose from (ties: the first)")
    rule: SuggestionRuleOut


class DeskDetailOut(BaseModel):
    number: str
    version: int
    matter: str = Field(description="what the caller said, shortened to a card's two lines")
    address: str | None = Field(description="as this person may see it (street only on a confidential ticket)")
    area: str | None
    suggestion: SuggestionOut | None = Field(description="for a ticket waiting for dispatch; null: no rule applies")


class DeskDetailsOut(BaseModel):
    items: list[DeskDetailOut]


class BulkItem(Strict):
    number: Text(20, 1)
    version: int


class BulkDispatchIn(Strict):
    unit: Text(40, 1)
    instructions: Text(2000) | None = None
    tickets: list[BulkItem] = Field(min_length=1, max_length=MAX_BULK)

    @field_validator("tickets")
    @classmethod
    def _once_each(cls, items):
        seen = set()
        for item in items:
            if item.number in seen:
                raise PydanticCustomError("listed_twice", "ticket {number} is listed twice", {"number": item.number})
            seen.add(item.number)
        return items


class BulkResultOut(BaseModel):
    number: str
    ok: bool
    status: int = Field(description="200 dispatched; 409 stale version or not waiting; 404 not found")
    ticket: dict | None = Field(None, description="the ticket as now dispatched (as POST .../dispatch answers)")
    error: str | None = None
    code: str | None = None
    message: str | None = Field(None, description="the error in the reader's language")
    current: dict | None = Field(None, description="on a 409: the ticket as it now stands")


class BulkDispatchOut(BaseModel):
    unit: str
    dispatched: int
    failed: int
    results: list[BulkResultOut]


class DeskFilters(Strict):
    category: Text(40) | None = None
    area: Text(80) | None = None
    priority: Priority | None = None
    state: DeskState | None = None
    late: Literal["late", "warned", "late_or_warned"] | None = Field(
        None, description="late: a deadline missed; warned: past its warning; late_or_warned: either")


class DeskViewIn(Strict):
    name: Text(60, 1)
    filters: DeskFilters


class DeskViewOut(BaseModel):
    id: int
    name: str
    filters: DeskFilters


class DeskViewListOut(BaseModel):
    items: list[DeskViewOut]


class DeskViewId(BaseModel):
    view_id: int = Field(ge=1, le=2**63 - 1)
