"""The outbox of live events: every event gets a sequence number in the same
transaction as the change it describes, so a client that missed some can ask
for everything after the last number it saw."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core import clock
from hotline.core.extensions import db


class LiveEvent(db.Model):
    __tablename__ = "live_event"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    name: Mapped[str] = mapped_column(String(40))  # ticket.created, ticket.updated, ...
    # Units whose members may see it besides the center (board, desk, supervisors):
    # the ticket's unit, and on a transfer or return the unit it left too.
    unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
