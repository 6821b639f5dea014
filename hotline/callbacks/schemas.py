"""The shapes of callback input: a recorded attempt, the queue's and the rates' queries;
and of the answers (documented in /api/openapi.json)."""
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, StrictBool

from hotline.callbacks.models import CallbackStatus, Satisfaction
from hotline.core.openapi import PageOut
from hotline.core.validation import Strict, Text
from hotline.tickets.models import Status
from hotline.tickets.schemas import CallerOut


class AttemptIn(Strict):
    """One call to the caller. Reached: solved and satisfaction are required, and the
    caller's words too when unsolved or dissatisfied (the service says so per field)."""

    version: int = Field(description="the callback's version as the operator saw it")
    reached: StrictBool
    solved: StrictBool | None = None
    satisfaction: Satisfaction | None = None
    words: Text(2000) | None = Field(None, description="what the caller said, in their words")


class CallbackQuery(Strict):
    due: bool = False
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=200)


class RatesQuery(Strict):
    resolved_from: AwareDatetime | None = Field(None, alias="from")
    resolved_to: AwareDatetime | None = Field(None, alias="to")
    by: Literal["unit", "category"] = "unit"


# --- answers -----------------------------------------------------------------------------------


class CallbackOut(BaseModel):
    """A callback (回访) as the queue shows it."""

    id: int
    version: int
    status: CallbackStatus
    ticket: str = Field(description="ticket number")
    cycle: int = Field(description="a reopened ticket is called back again in its next cycle")
    category: str
    unit: str | None = Field(description="the unit that resolved it")
    matter: str
    address: str | None
    result: str | None = Field(description="the work order's 办结 result")
    confidential: bool
    caller: CallerOut | None = Field(description="as on tickets: masked unless the viewer may see the caller")
    resolved_at: datetime
    due_at: datetime | None
    overdue: bool
    due_now: bool = Field(description="its next try has come")
    attempts: int
    next_try_at: datetime | None
    solved: bool | None
    satisfaction: Satisfaction | None
    done_at: datetime | None


class CallbackPageOut(PageOut):
    items: list[CallbackOut]


class CallbackTicketOut(BaseModel):
    number: str
    status: Status
    cycle: int
    version: int


class CallbackAttemptResultOut(BaseModel):
    callback: CallbackOut
    ticket: CallbackTicketOut


Rate = Annotated[float | None, Field(ge=0, le=1, description="null when nothing to divide by")]


class CallbackRateRowOut(BaseModel):
    key: str | None = Field(description="unit or category code")
    name_en: str
    name_zh: str
    opened: int = Field(description="callbacks opened (tickets resolved)")
    reached: int
    unreachable: int
    pending: int
    satisfaction: dict[Satisfaction, int] = Field(description="reached callbacks per level of satisfaction")
    answered: int
    solved: int
    callback_rate: Rate
    satisfaction_rate: Rate
    solved_rate: Rate
    on_time_rate: Rate
    on_time: int
    timed: int = Field(description="callback clocks with an outcome (met or missed)")


class CallbackRatesOut(BaseModel):
    by: Literal["unit", "category"]
    start: datetime | None = Field(alias="from")
    end: datetime | None = Field(alias="to")
    items: list[CallbackRateRowOut]
    total: CallbackRateRowOut
