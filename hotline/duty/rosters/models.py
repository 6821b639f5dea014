"""Shift templates, the month roster drawn on a grid, its change log, and the
swap (调班) and leave (请假/顶班) requests a supervisor decides."""
import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import str_enum
from hotline.users.models import Role, User


class ShiftTemplate(db.Model):
    """A shift of the center's day, e.g. 08:30-16:30. `ends` at or before `starts`
    means the shift ends on the next day (a night shift)."""

    __tablename__ = "shift_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_en: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(40))
    starts: Mapped[time]
    ends: Mapped[time]
    sort_order: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    staffing: Mapped[list["ShiftStaffing"]] = relationship(
        back_populates="template", order_by="ShiftStaffing.role", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def overnight(self) -> bool:
        return self.ends <= self.starts

    def name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en

    def __repr__(self) -> str:
        return f"<ShiftTemplate {self.code} {self.starts:%H:%M}-{self.ends:%H:%M}>"


class ShiftStaffing(db.Model):
    """How many people of a role a shift needs (min) and may have (max; None: no limit)."""

    __tablename__ = "shift_staffing"
    __table_args__ = (UniqueConstraint("template_id", "role", name="uq_shift_staffing_template_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("shift_template.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    min_count: Mapped[int] = mapped_column(default=0)
    max_count: Mapped[int | None]

    template: Mapped[ShiftTemplate] = relationship(back_populates="staffing")


class RosterStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Roster(db.Model):
    """The roster 排班表 of one month. Its version guards the grid against two
    supervisors drawing at once; every cell edit bumps it."""

    __tablename__ = "roster"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(unique=True)  # the first day of the month
    status: Mapped[RosterStatus] = mapped_column(str_enum(RosterStatus), default=RosterStatus.DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    published_by: Mapped[User | None] = relationship()
    assignments: Mapped[list["RosterAssignment"]] = relationship(back_populates="roster")

    __mapper_args__ = {"version_id_col": version}


class RosterAssignment(db.Model):
    """One person on one shift of one day (a person in a grid cell)."""

    __tablename__ = "roster_assignment"
    __table_args__ = (
        UniqueConstraint("day", "template_id", "user_id", name="uq_roster_assignment_day_template_user"),
        Index("ix_roster_assignment_user_day", "user_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)  # the day the shift starts
    template_id: Mapped[int] = mapped_column(ForeignKey("shift_template.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    roster: Mapped[Roster] = relationship(back_populates="assignments")
    template: Mapped[ShiftTemplate] = relationship()
    user: Mapped[User] = relationship()


class RosterChange(db.Model):
    """The roster's history: every edit, publication, override and approved request.
    Appended, never changed."""

    __tablename__ = "roster_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(20))  # cell, publish, override, swap, leave
    day: Mapped[date | None]
    template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_template.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("shift_request.id"))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User] = relationship()
    template: Mapped[ShiftTemplate | None] = relationship()


class RequestKind(enum.StrEnum):
    SWAP = "swap"  # 调班
    LEAVE = "leave"  # 请假; the supervisor names a substitute 顶班


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class ShiftRequest(db.Model):
    """A swap or leave request. The roster changes only when a supervisor approves it."""

    __tablename__ = "shift_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind))
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus), default=RequestStatus.PENDING)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    day: Mapped[date]
    template_id: Mapped[int] = mapped_column(ForeignKey("shift_template.id"))
    # swap: the partner takes the requester's shift; and the requester the partner's, if named
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    partner_day: Mapped[date | None]
    partner_template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_template.id"))
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # leave: named at approval
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    partner: Mapped[User | None] = relationship(foreign_keys=[partner_id])
    substitute: Mapped[User | None] = relationship(foreign_keys=[substitute_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    template: Mapped[ShiftTemplate] = relationship(foreign_keys=[template_id])
    partner_template: Mapped[ShiftTemplate | None] = relationship(foreign_keys=[partner_template_id])

    __mapper_args__ = {"version_id_col": version}


class DoubleShift(db.Model):
    """A back-to-back double shift (连班) of one person: two shifts with less than the
    required rest between them. Asked for by whoever draws it, decided by another
    supervisor (never the person, never the one who asked): without an approval the
    roster refuses to put the person on the second shift."""

    __tablename__ = "roster_double_shift"
    __table_args__ = (Index("ix_roster_double_shift_user_first", "user_id", "first_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    first_day: Mapped[date]
    first_template_id: Mapped[int] = mapped_column(ForeignKey("shift_template.id"))
    second_day: Mapped[date]
    second_template_id: Mapped[int] = mapped_column(ForeignKey("shift_template.id"))
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus), default=RequestStatus.PENDING)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=clock.now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    first_template: Mapped[ShiftTemplate] = relationship(foreign_keys=[first_template_id])
    second_template: Mapped[ShiftTemplate] = relationship(foreign_keys=[second_template_id])

    __mapper_args__ = {"version_id_col": version}
