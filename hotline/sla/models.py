"""SLA: policies, working calendars, the clocks on each ticket, and what fell due.

A clock's deadlines are columns (`warn_at`, `due_at`) and `next_check_at`, the
earlier of the two still to fire, is indexed: the scheduler only ever asks for the
smallest `next_check_at`, and the sweep for the rows at or before now."""
import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import str_enum
from hotline.tickets.models import Category, Priority, Ticket
from hotline.units.models import Unit
from hotline.users.models import User


class Stage(enum.StrEnum):
    ACCEPT = "accept"  # 签收: from dispatch to the unit accepting
    ARRIVE = "arrive"  # 到场: from the call to the crew on site
    REPLY = "reply"  # 答复: from the call to a reply to the caller
    RESOLVE = "resolve"  # 办结
    CALLBACK = "callback"  # 回访: from resolution to the callback


class AlertKind(enum.StrEnum):
    WARNING = "warning"
    BREACH = "breach"


class ExtensionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class Calendar(db.Model):
    """Working time: hours on a working day, which days work. Public holidays and
    make-up working days (调休) come from the `holidays` package; `days` adds the
    center's own exceptions."""

    __tablename__ = "sla_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    hours: Mapped[list[list[str]]] = mapped_column(JSON)  # [["08:30", "12:00"], ["13:30", "17:30"]]
    public_holidays: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    days: Mapped[list["CalendarDay"]] = relationship(back_populates="calendar", order_by="CalendarDay.day")

    __mapper_args__ = {"version_id_col": version}


class CalendarDay(db.Model):
    __tablename__ = "sla_calendar_day"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("sla_calendar.id"))
    day: Mapped[date]
    working: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(120))

    calendar: Mapped[Calendar] = relationship(back_populates="days")


class Policy(db.Model):
    """One clock's target. The most specific active row for a ticket's category and
    priority wins (category and priority, then category, then priority, then any).
    No matching row: the ticket has no clock for that stage."""

    __tablename__ = "sla_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    priority: Mapped[Priority | None] = mapped_column(str_enum(Priority))
    stage: Mapped[Stage] = mapped_column(str_enum(Stage))
    # Minutes may be fractional: a drill or a test can run a policy of a few seconds.
    minutes: Mapped[float]
    minutes_outside_city: Mapped[float | None]
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("sla_calendar.id"))  # None: round the clock
    warn_percent: Mapped[int] = mapped_column(default=75)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    category: Mapped[Category | None] = relationship()
    calendar: Mapped[Calendar | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class SlaClock(db.Model):
    """One stage's clock on one ticket, per cycle (a reopened ticket starts a new cycle).

    Working seconds used so far = `consumed_seconds` + the working time since
    `running_since` (None while paused or stopped)."""

    __tablename__ = "sla_clock"
    __table_args__ = (
        UniqueConstraint("ticket_id", "stage", "cycle"),
        # The running clocks only, by ticket and deadline: each open ticket's nearest deadline
        # is one lookup (engine/marks.py keeps it on the ticket; the list's deadline column).
        Index("ix_sla_clock_running", "ticket_id", "due_at", "warn_at", "warned_at", "breached_at",
              sqlite_where=text("stopped_at IS NULL AND running_since IS NOT NULL"),
              postgresql_where=text("stopped_at IS NULL AND running_since IS NOT NULL")),
        # The on-time report: a period's stopped clocks, and the open ones overdue by unit and stage.
        # Partial, so that neither competes with ix_sla_clock_running for the board's queries.
        Index("ix_sla_clock_stopped", "stopped_at",
              sqlite_where=text("stopped_at IS NOT NULL"), postgresql_where=text("stopped_at IS NOT NULL")),
        Index("ix_sla_clock_open", "unit_id", "stage", "due_at", "breached_at", "ticket_id",
              sqlite_where=text("stopped_at IS NULL"), postgresql_where=text("stopped_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    stage: Mapped[Stage] = mapped_column(str_enum(Stage))
    cycle: Mapped[int] = mapped_column(default=1)
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("sla_policy.id"))
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("sla_calendar.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    budget_seconds: Mapped[int]
    extended_seconds: Mapped[int] = mapped_column(default=0)
    warn_percent: Mapped[int] = mapped_column(default=75)
    started_at: Mapped[datetime]
    running_since: Mapped[datetime | None]
    consumed_seconds: Mapped[float] = mapped_column(default=0.0)
    paused_reason: Mapped[str | None] = mapped_column(String(200))
    warn_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    warned_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    stopped_at: Mapped[datetime | None]

    ticket: Mapped[Ticket] = relationship()
    unit: Mapped[Unit | None] = relationship()
    calendar: Mapped[Calendar | None] = relationship()

    @property
    def total_seconds(self) -> int:
        return self.budget_seconds + self.extended_seconds

    @property
    def paused(self) -> bool:
        return self.stopped_at is None and self.running_since is None

    @property
    def met(self) -> bool | None:
        """On time (True), late (False), or still running (None)."""
        if self.breached_at is not None:
            return False
        if self.stopped_at is None:
            return None
        return self.consumed_seconds <= self.total_seconds


class Pause(db.Model):
    __tablename__ = "sla_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("sla_clock.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(default=clock.now)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Extension(db.Model):
    """延期: asked for before the deadline, approved or refused by a supervisor."""

    __tablename__ = "sla_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("sla_clock.id"), index=True)
    minutes: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ExtensionStatus] = mapped_column(str_enum(ExtensionStatus), default=ExtensionStatus.PENDING)
    requested_at: Mapped[datetime] = mapped_column(default=clock.now)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)

    clock: Mapped[SlaClock] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Alert(db.Model):
    """A warning or breach, recorded once per clock (the unique constraint makes
    sure of it even with two schedulers)."""

    __tablename__ = "sla_alert"
    __table_args__ = (
        UniqueConstraint("clock_id", "kind"),
        # breaches (warnings) nobody took note of, by deadline: the urgent order's first parts
        Index("ix_sla_alert_waiting", "kind", "acknowledged_at", "due_at", "id"),
        Index("ix_sla_alert_due", "due_at", "id"),  # its last part: the acknowledged ones by deadline
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("sla_clock.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[AlertKind] = mapped_column(str_enum(AlertKind))
    stage: Mapped[Stage] = mapped_column(str_enum(Stage))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    due_at: Mapped[datetime]
    at: Mapped[datetime] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    comment: Mapped[str | None] = mapped_column(Text)

    clock: Mapped[SlaClock] = relationship()
    ticket: Mapped[Ticket] = relationship()
    unit: Mapped[Unit | None] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()


class Escalation(db.Model):
    """督办/逐级上报: a breach (or an emergency) climbing the ladder until someone
    acknowledges it. `next_at` is when it climbs again if nobody does."""

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_started_at", "started_at", "id"),)  # the list, newest first

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("sla_alert.id"))
    reason: Mapped[str] = mapped_column(String(20))  # breach | emergency
    level: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime]
    next_at: Mapped[datetime | None] = mapped_column(index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(index=True)  # the open ones (the nav count)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    ticket: Mapped[Ticket] = relationship()
    steps: Mapped[list["EscalationStep"]] = relationship(order_by="EscalationStep.level")


class EscalationStep(db.Model):
    __tablename__ = "escalation_step"
    __table_args__ = (UniqueConstraint("escalation_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalation.id"))
    level: Mapped[int]
    audience: Mapped[str] = mapped_column(String(20))  # unit | supervisor | manager
    at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(Text)

    acknowledged_by: Mapped[User | None] = relationship()

