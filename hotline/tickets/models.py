"""Tickets (工单), their categories, timeline events and notes."""
import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.callers.models import Caller
from hotline.calls.models import Call
from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import str_enum
from hotline.units.models import Unit
from hotline.users.models import User


class Priority(enum.StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    NORMAL = "normal"
    LOW = "low"


PRIORITY_RANK = {Priority.EMERGENCY: 0, Priority.URGENT: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class Status(enum.StrEnum):
    NEW = "new"  # 受理
    RETURNED = "returned"  # 退回, back in the dispatcher's queue
    DISPATCHED = "dispatched"  # 派单
    ACCEPTED = "accepted"  # 接单/签收
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"  # 到场
    RESOLVED = "resolved"  # 办结
    CLOSED = "closed"  # 归档
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset(Status) - {Status.CLOSED, Status.CANCELLED}
# In Status order: the open tickets' partial index is made for exactly this list (open_ticket).
OPEN_IN_ORDER = tuple(s for s in Status if s in OPEN_STATUSES)
_OPEN_LIST = ", ".join(f"'{s.value}'" for s in OPEN_IN_ORDER)


class Channel(enum.StrEnum):
    PHONE = "phone"
    WALK_IN = "walk_in"
    WEB = "web"
    API = "api"


FACT_KEYS = ("when", "where", "who", "what", "why", "how")  # 5W1H


class Category(db.Model):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    # A consultation is answered on the call and may be closed at once.
    answerable_on_call: Mapped[bool] = mapped_column(default=False)
    default_priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.NORMAL)
    sort_order: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    def name(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en


class TicketSequence(db.Model):
    """The last number given out per local day; incremented atomically."""

    __tablename__ = "ticket_sequence"

    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int]


class Ticket(db.Model):
    __tablename__ = "ticket"
    __table_args__ = (
        # the board's and the desk's counts per lane (late, warned, emergencies) and their
        # most urgent, with the desk's usual filters (unit, category): no table reads (0027)
        Index("ix_ticket_status_priority_sla", "status", "priority", "sla_late_at", "sla_warn_at", "unit_id",
              "category_id", "id"),
        # the list sorted by deadline: a walk of the open tickets' deadlines (closed ones have none)
        Index("ix_ticket_sla_late_at", "sla_late_at", "id", postgresql_where=text("sla_late_at IS NOT NULL"),
              sqlite_where=text("sla_late_at IS NOT NULL")),
        Index("ix_ticket_created_at", "created_at"),
        # each filter of the list, in the list's default order (migration 0022_search)
        Index("ix_ticket_status_created_at", "status", "created_at"),
        Index("ix_ticket_category_id_created_at", "category_id", "created_at"),
        Index("ix_ticket_unit_id_created_at", "unit_id", "created_at"),
        Index("ix_ticket_priority_created_at", "priority", "created_at"),
        Index("ix_ticket_caller_id_created_at", "caller_id", "created_at"),
        Index("ix_ticket_caller_name", "caller_name"),  # a name's beginning
        # the list sorted by state, priority or unit: each value's tickets walked by id (sorting.page_ids)
        Index("ix_ticket_status_id", "status", "id"),
        Index("ix_ticket_priority_id", "priority", "id"),
        Index("ix_ticket_unit_id_id", "unit_id", "id"),
        # the open tickets sorted by unit: open ones are the newest 3%, walked from each
        # unit's oldest ticket otherwise (migrations 0028, 0030)
        Index("ix_ticket_open_unit_id_id", "unit_id", "id", postgresql_where=text(f"status IN ({_OPEN_LIST})"),
              sqlite_where=text(f"status IN ({_OPEN_LIST})")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    priority: Mapped[Priority] = mapped_column(str_enum(Priority))
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.NEW)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("caller.id"), index=True)
    confidential: Mapped[bool] = mapped_column(default=False)  # GB/T 33358
    # The caller's name and address as given on this call: every view of the ticket
    # shows these, never the caller record's latest (hotline/callers/privacy.py).
    caller_name: Mapped[str | None] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(300))
    area: Mapped[str | None] = mapped_column(String(80))
    matter: Mapped[str] = mapped_column(Text)  # in the caller's words
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # 5W1H
    answer: Mapped[str | None] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # 首问负责: who on duty answers for the ticket now. None means the operator who
    # took it; a signed handover passes it to the incoming person.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("call.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # A callback that finds the matter unsolved reopens the ticket: a new cycle,
    # whose SLA clocks start from `reopened_at`.
    cycle: Mapped[int] = mapped_column(default=1)

    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    dispatched_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    arrived_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]  # 答复: the caller was given an answer
    resolved_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # When the nearest running deadline is (was) missed, and warned; NULL when none runs.
    # Written by the SLA engine alone, from the clocks (hotline/sla/engine/marks.py).
    sla_late_at: Mapped[datetime | None]
    sla_warn_at: Mapped[datetime | None]

    category: Mapped[Category] = relationship()
    caller: Mapped[Caller | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    operator: Mapped[User | None] = relationship(foreign_keys=[operator_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    call: Mapped[Call | None] = relationship()
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )
    notes: Mapped[list["TicketNote"]] = relationship(
        back_populates="ticket", order_by="TicketNote.id"
    )

    # Optimistic locking: a flush against a stale version raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def open_ticket():
    """The condition "the ticket is open", its statuses written into the SQL in the order of
    ix_ticket_open_unit_id_id's: SQLite uses a partial index only for a WHERE that repeats
    its condition, values and their order included (bound values it cannot compare)."""
    return Ticket.status.in_(bindparam("open_statuses", list(OPEN_IN_ORDER), expanding=True, literal_execute=True,
                                       unique=True))


class TicketEvent(db.Model):
    """One entry of a ticket's timeline. Appended, never changed."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(30))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # field: [before, after]
    message: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class TicketNote(db.Model):
    __tablename__ = "ticket_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=clock.now)
    body: Mapped[str] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()
