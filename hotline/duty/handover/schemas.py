"""The shapes of handover input, validated before any rule runs."""
from typing import Literal

from pydantic import Field

from hotline.core.validation import Strict, Text
from hotline.duty.handover.models import StandingKind


class HandoverOpen(Strict):
    incoming: Text(60) | None = Field(None, description="username of the incoming person; default: the one signed in for the next shift")


class ItemEdit(Strict):
    id: int
    next_step: Text(2000) | None = None


class CountEdit(Strict):
    id: int
    counted: int | None = Field(None, ge=0, le=100000)
    note: Text(500) | None = None


class HandoverUpdate(Strict):
    version: int
    incoming: Text(60) | None = None
    notes: Text(8000) | None = None
    room_state: Text(2000) | None = None
    items: list[ItemEdit] = Field(default_factory=list, max_length=2000)
    counts: list[CountEdit] = Field(default_factory=list, max_length=200)


class ItemReview(Strict):
    version: int
    decision: Literal["acknowledge", "dispute"]
    note: Text(2000) | None = None


class HandoverSign(Strict):
    version: int
    password: str = Field(min_length=1, max_length=200, description="the signer's own password, entered again")


class HandoverOverrideIn(Strict):
    version: int
    reason: Text(2000, 1)


class AddendumIn(Strict):
    body: Text(4000, 1)


class StandingItemIn(Strict):
    kind: StandingKind
    title: Text(200, 1)
    body: Text(4000) | None = None
    source: Text(120) | None = None


class StandingClose(Strict):
    version: int
    note: Text(2000, 1)


class ChecklistLine(Strict):
    id: int | None = None
    name: Text(120, 1)
    expected: int = Field(ge=0, le=100000)
    active: bool = True


class ChecklistSave(Strict):
    items: list[ChecklistLine] = Field(max_length=100)


class VersionIn(Strict):
    version: int
