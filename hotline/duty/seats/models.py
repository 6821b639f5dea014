"""Seats, the seat sessions of people on shift, and the sign-out log 签出登记."""
import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import str_enum
from hotline.duty.rosters.models import ShiftTemplate
from hotline.users.models import User


class Seat(db.Model):
    __tablename__ = "seat"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class SeatState(enum.StrEnum):
    READY = "ready"
    BUSY = "busy"  # 示忙
    AWAY = "away"  # 离席; more than 5 minutes goes to the sign-out log


class SeatSession(db.Model):
    """A person signed in to a seat for one shift (the slot: template + day)."""

    __tablename__ = "seat_session"
    __table_args__ = (
        Index("ix_seat_session_open_user", "user_id", "signed_out_at"),
        Index("ix_seat_session_open_seat", "seat_id", "signed_out_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    seat_id: Mapped[int] = mapped_column(ForeignKey("seat.id"))
    template_id: Mapped[int] = mapped_column(ForeignKey("shift_template.id"))
    day: Mapped[date]  # the day the shift starts
    signed_in_at: Mapped[datetime] = mapped_column(default=clock.now)
    signed_out_at: Mapped[datetime | None]
    state: Mapped[SeatState] = mapped_column(str_enum(SeatState), default=SeatState.READY)
    state_since: Mapped[datetime] = mapped_column(default=clock.now)
    away_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship()
    seat: Mapped[Seat] = relationship()
    template: Mapped[ShiftTemplate] = relationship()

    __mapper_args__ = {"version_id_col": version}


class AwayEntry(db.Model):
    """签出登记: a time away from the seat longer than the allowed minutes."""

    __tablename__ = "seat_away"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("seat_session.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("seat.id"))
    reason: Mapped[str] = mapped_column(Text)
    left_at: Mapped[datetime] = mapped_column(index=True)
    back_at: Mapped[datetime]
    minutes: Mapped[float]

    user: Mapped[User] = relationship()
    seat: Mapped[Seat] = relationship()
    session: Mapped[SeatSession] = relationship()
