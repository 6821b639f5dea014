"""Callbacks (回访): after a ticket is resolved, the caller is asked whether the
matter is solved and how satisfied they are. Rates are computed from these rows."""
import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.extensions import db
from hotline.core.orm import str_enum
from hotline.tickets.models import Ticket
from hotline.units.models import Unit
from hotline.users.models import User


class CallbackStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    DONE = "done"  # the caller was reached and answered
    UNREACHABLE = "unreachable"  # every attempt failed


class Satisfaction(enum.StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    DISSATISFIED = "dissatisfied"


SATISFIED = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)


class Callback(db.Model):
    __tablename__ = "callback"
    __table_args__ = (
        UniqueConstraint("ticket_id", "cycle"),
        Index("ix_callback_status_due", "status", "due_at"),
        Index("ix_callback_status_next_try", "status", "next_try_at"),  # the callbacks due now (the nav count)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    cycle: Mapped[int]
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)  # the unit that resolved it
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    status: Mapped[CallbackStatus] = mapped_column(str_enum(CallbackStatus), default=CallbackStatus.PENDING)
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    next_try_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    solved: Mapped[bool | None]
    satisfaction: Mapped[Satisfaction | None] = mapped_column(str_enum(Satisfaction))
    done_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    ticket: Mapped[Ticket] = relationship()
    unit: Mapped[Unit | None] = relationship()
    tries: Mapped[list["CallbackAttempt"]] = relationship(order_by="CallbackAttempt.id")

    __mapper_args__ = {"version_id_col": version}


class CallbackAttempt(db.Model):
    __tablename__ = "callback_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callback.id"), index=True)
    at: Mapped[datetime]
    operator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reached: Mapped[bool]
    solved: Mapped[bool | None]
    satisfaction: Mapped[Satisfaction | None] = mapped_column(str_enum(Satisfaction))
    words: Mapped[str | None] = mapped_column(Text)  # what the caller said, in their words

    operator: Mapped[User] = relationship()
