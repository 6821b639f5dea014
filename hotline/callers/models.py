"""Callers: people known by a normalized phone number, with their addresses."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core import clock
from hotline.core.extensions import db


class Caller(db.Model):
    __tablename__ = "caller"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # E.164
    name: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    addresses: Mapped[list["CallerAddress"]] = relationship(
        back_populates="caller", order_by="CallerAddress.last_used_at.desc()"
    )


class CallerAddress(db.Model):
    __tablename__ = "caller_address"
    __table_args__ = (UniqueConstraint("caller_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller_id: Mapped[int] = mapped_column(ForeignKey("caller.id"), index=True)
    address: Mapped[str] = mapped_column(String(300))
    last_used_at: Mapped[datetime] = mapped_column(default=clock.now)

    caller: Mapped[Caller] = relationship(back_populates="addresses")
