"""A call on a hotline line: who rang, when, who answered, how long it rang."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.callers.models import Caller
from hotline.core.extensions import db
from hotline.users.models import User


class Call(db.Model):
    __tablename__ = "call"

    id: Mapped[int] = mapped_column(primary_key=True)
    line: Mapped[str] = mapped_column(String(40))
    caller_number: Mapped[str] = mapped_column(String(40))  # as presented by the line
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("caller.id"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    rang_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # Kept, not derived at report time: centers report answer speed (15 s, 接通率).
    ring_seconds: Mapped[float | None]

    caller: Mapped[Caller | None] = relationship()
    operator: Mapped[User | None] = relationship()
