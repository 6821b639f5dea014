"""Duty log entries and the supervisor's daily review.

Like a paper log book, an entry is never changed or removed: a mistake is put right
by a later entry. Once a supervisor has reviewed and signed a day, no entry for that
day can be added; the review carries a checksum of the entries it signed."""
import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core import clock
from hotline.core.errors import Conflict
from hotline.core.extensions import db
from hotline.core.orm import str_enum
from hotline.tickets.models import Ticket
from hotline.users.models import User


class EntryKind(enum.StrEnum):
    EVENT = "event"  # 事件: something that happened (a burst main, a power cut)
    CALL = "call"  # 重要来电: a call of note
    VISIT = "visit"  # 来访: a visitor at the center
    FAULT = "fault"  # 设备故障
    OTHER = "other"


class DutyLogEntry(db.Model):
    __tablename__ = "duty_log_entry"
    __table_args__ = (Index("ix_duty_log_entry_day_at", "day", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]  # the center's local day of `at`
    at: Mapped[datetime]  # when it happened
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind))
    body: Mapped[str] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    shift_label: Mapped[str | None] = mapped_column(String(80))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    author: Mapped[User] = relationship()
    ticket: Mapped[Ticket | None] = relationship()


class DutyLogReview(db.Model):
    """A supervisor's review and signature of one local day (每日检查签字)."""

    __tablename__ = "duty_log_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    signed_at: Mapped[datetime] = mapped_column(default=clock.now)
    comment: Mapped[str | None] = mapped_column(Text)
    entry_count: Mapped[int]
    checksum: Mapped[str] = mapped_column(String(64))

    reviewer: Mapped[User] = relationship()


class LogLocked(Conflict):
    """A duty log row was about to be changed or removed."""


@event.listens_for(DutyLogEntry, "before_update")
@event.listens_for(DutyLogEntry, "before_delete")
@event.listens_for(DutyLogReview, "before_update")
@event.listens_for(DutyLogReview, "before_delete")
def _append_only(mapper, connection, target) -> None:
    raise LogLocked("the duty log is written once and kept")
