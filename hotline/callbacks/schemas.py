"""The shapes of callback input: a recorded attempt, the queue's and the rates' queries."""
from typing import Literal

from pydantic import AwareDatetime, Field, StrictBool

from hotline.callbacks.models import Satisfaction
from hotline.core.validation import Strict, Text


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
