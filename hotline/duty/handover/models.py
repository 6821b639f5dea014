"""The handover record, its items, the checklist counts, addenda, and the center's
standing items and checklist.

A handover is kept at least two years and never deleted: nothing in the app deletes
these rows, and the foreign keys have no cascade. Once both people have signed,
the record is locked (see `guard` below) and carries a SHA-256 checksum of its
signed content; later remarks go into addenda, each with its own checksum chained
to the record's."""
import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core import clock
from hotline.core.errors import Conflict
from hotline.core.extensions import db
from hotline.core.orm import str_enum
from hotline.duty.rosters.models import ShiftTemplate
from hotline.tickets.models import Ticket
from hotline.users.models import User


class HandoverStatus(enum.StrEnum):
    DRAFT = "draft"  # being prepared, reviewed, signed by one of the two
    SIGNED = "signed"  # both signed: locked


class ItemKind(enum.StrEnum):
    TICKET = "ticket"  # an open ticket: carried over, or flagged for the center
    HANDLED = "handled"  # finished this shift: for the record
    STANDING = "standing"  # equipment fault, superior instruction, message (standing item)


class Flag(enum.StrEnum):
    EMERGENCY = "emergency"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    CARRIED = "carried"  # open and owned by the outgoing shift: the incoming shift takes it
    ARRIVED = "arrived"  # came in (or turned urgent) after the handover was opened


class Review(enum.StrEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    DISPUTED = "disputed"


class StandingKind(enum.StrEnum):
    EQUIPMENT_FAULT = "equipment_fault"  # 设备故障
    INSTRUCTION = "instruction"  # 上级指示
    DOCUMENT = "document"  # 文件
    MESSAGE = "message"  # 其他部门重要信息


class Handover(db.Model):
    __tablename__ = "handover"
    __table_args__ = (Index("ix_handover_opened_at", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[HandoverStatus] = mapped_column(str_enum(HandoverStatus), default=HandoverStatus.DRAFT)
    # The two shifts as the roster had them when the handover was opened (no roster:
    # no template, and the shift is the time since the last handover).
    shift_template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_template.id"))
    shift_day: Mapped[date | None]
    shift_start: Mapped[datetime]
    shift_end: Mapped[datetime]
    next_template_id: Mapped[int | None] = mapped_column(ForeignKey("shift_template.id"))
    next_day: Mapped[date | None]
    next_start: Mapped[datetime | None]
    outgoing_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    incoming_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # User ids of the outgoing shift: whose open tickets are carried over.
    shift_people: Mapped[list[int]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    room_state: Mapped[str | None] = mapped_column(Text)  # 室内卫生, equipment switched off…

    opened_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    outgoing_signed_at: Mapped[datetime | None]
    incoming_signed_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None] = mapped_column(index=True)
    # Timing (none without a roster): the incoming person is expected `arrive_by` (the next
    # shift's start less the minutes early the center asks); arrival is their seat sign-in
    # for that shift, else their first act on the handover. The handover is to be done by
    # `done_by`, the end of the outgoing shift; `overrun_minutes` is how much later it was signed.
    arrive_by: Mapped[datetime | None]
    incoming_arrived_at: Mapped[datetime | None]
    incoming_late_minutes: Mapped[int | None]
    done_by: Mapped[datetime | None]
    overrun_minutes: Mapped[int | None]

    checksum: Mapped[str | None] = mapped_column(String(64))

    shift_template: Mapped[ShiftTemplate | None] = relationship(foreign_keys=[shift_template_id])
    next_template: Mapped[ShiftTemplate | None] = relationship(foreign_keys=[next_template_id])
    outgoing: Mapped[User] = relationship(foreign_keys=[outgoing_id])
    incoming: Mapped[User | None] = relationship(foreign_keys=[incoming_id])
    items: Mapped[list["HandoverItem"]] = relationship(
        back_populates="handover", order_by="HandoverItem.position"
    )
    counts: Mapped[list["HandoverCount"]] = relationship(
        back_populates="handover", order_by="HandoverCount.position"
    )
    addenda: Mapped[list["HandoverAddendum"]] = relationship(
        back_populates="handover", order_by="HandoverAddendum.id"
    )
    overrides: Mapped[list["HandoverOverride"]] = relationship(
        back_populates="handover", order_by="HandoverOverride.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_signed(self) -> bool:
        return self.status == HandoverStatus.SIGNED

    @property
    def overridden(self) -> set[str]:
        return {code for o in self.overrides for code in o.codes}


class HandoverItem(db.Model):
    """One thing handed over. Its text is a snapshot taken when the handover was
    prepared, so the signed record says what both saw, whatever the ticket does later."""

    __tablename__ = "handover_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id"), index=True)
    position: Mapped[int]
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind))
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    standing_item_id: Mapped[int | None] = mapped_column(ForeignKey("standing_item.id"))
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalation.id"))
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # number, matter, status, priority, due_at…
    next_step: Mapped[str | None] = mapped_column(Text)  # 下一步: written by the outgoing person
    # Where a proposed next step came from, until the outgoing person rewrites it:
    # "handover:<id>" (an earlier handover's item) or "note:<id>" (the ticket's latest note).
    next_step_source: Mapped[str | None] = mapped_column(String(40))
    review: Mapped[Review] = mapped_column(str_enum(Review), default=Review.PENDING)
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None]

    handover: Mapped[Handover] = relationship(back_populates="items")
    ticket: Mapped[Ticket | None] = relationship()

    @property
    def carried(self) -> bool:
        return Flag.CARRIED in self.flags

    @property
    def arrived(self) -> bool:
        return Flag.ARRIVED in self.flags

    @property
    def urgent_arrival(self) -> bool:
        """An emergency or a missed deadline that came in after the handover was opened."""
        return self.arrived and (Flag.EMERGENCY in self.flags or Flag.OVERDUE in self.flags)

    @property
    def must_acknowledge(self) -> bool:
        """Emergencies, deadlines, escalations and carried tickets: the incoming
        person acknowledges each before signing."""
        return self.kind == ItemKind.TICKET


class HandoverCount(db.Model):
    """A checklist line counted face to face (keys, radios, log books)."""

    __tablename__ = "handover_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id"), index=True)
    position: Mapped[int]
    checklist_item_id: Mapped[int | None] = mapped_column(ForeignKey("handover_checklist_item.id"))
    name: Mapped[str] = mapped_column(String(120))  # snapshot
    expected: Mapped[int]  # snapshot
    counted: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)

    handover: Mapped[Handover] = relationship(back_populates="counts")

    @property
    def complete(self) -> bool:
        return self.counted is not None and (self.counted == self.expected or bool(self.note))


class HandoverOverride(db.Model):
    """A supervisor lets a handover go ahead despite the refusals named in `codes`."""

    __tablename__ = "handover_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id"), index=True)
    by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=clock.now)
    reason: Mapped[str] = mapped_column(Text)
    codes: Mapped[list[str]] = mapped_column(JSON, default=list)

    handover: Mapped[Handover] = relationship(back_populates="overrides")
    by: Mapped[User] = relationship()


class HandoverAddendum(db.Model):
    """A remark added after signing, marked as such. The signed record never changes."""

    __tablename__ = "handover_addendum"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=clock.now)
    body: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))

    handover: Mapped[Handover] = relationship(back_populates="addenda")
    author: Mapped[User] = relationship()


class ChecklistItem(db.Model):
    """What the center counts at each handover, and how many there should be."""

    __tablename__ = "handover_checklist_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    expected: Mapped[int]
    sort_order: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)


class StandingItem(db.Model):
    """Something the center keeps in view from shift to shift until it is closed:
    an equipment fault, a superior's instruction or document, a message from
    another department."""

    __tablename__ = "standing_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    kind: Mapped[StandingKind] = mapped_column(str_enum(StandingKind))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(120))  # who sent it: 供水调度, 办公室…
    opened_at: Mapped[datetime] = mapped_column(default=clock.now)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    close_note: Mapped[str | None] = mapped_column(Text)

    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RecordLocked(Conflict):
    """A signed handover was about to be changed in the database."""


def _stored_status(connection, handover_id: int) -> str | None:
    """The status as the database has it, whatever the object in memory says."""
    return connection.scalar(select(Handover.__table__.c.status).where(Handover.__table__.c.id == handover_id))


@event.listens_for(Handover, "before_update")
def _guard_handover(mapper, connection, target: Handover) -> None:
    """The last line of defence behind the services' 409: a signed row is never updated."""
    if _stored_status(connection, target.id) == HandoverStatus.SIGNED.value:
        raise RecordLocked(f"handover {target.id} is signed and locked")


@event.listens_for(HandoverItem, "before_update")
@event.listens_for(HandoverCount, "before_update")
def _guard_parts(mapper, connection, target) -> None:
    if _stored_status(connection, target.handover_id) == HandoverStatus.SIGNED.value:
        raise RecordLocked(f"handover {target.handover_id} is signed and locked")


@event.listens_for(Handover, "before_delete")
@event.listens_for(HandoverItem, "before_delete")
@event.listens_for(HandoverCount, "before_delete")
@event.listens_for(HandoverAddendum, "before_delete")
@event.listens_for(HandoverOverride, "before_delete")
def _never_delete(mapper, connection, target) -> None:
    raise RecordLocked("handover records are kept (at least two years) and never deleted")


@event.listens_for(HandoverAddendum, "before_update")
@event.listens_for(HandoverOverride, "before_update")
def _addendum_fixed(mapper, connection, target) -> None:
    raise RecordLocked("an addendum is never changed")
