"""The outbox of live events: every event gets its sequence number when the
transaction that wrote it commits (hotline.core.outbox), so sequence order is
commit order, and a client that missed some asks for everything after the last
number it saw."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core import clock
from hotline.core.extensions import db


class LiveEvent(db.Model):
    __tablename__ = "live_event"

    # Given explicitly at commit (outbox._number), never by the database.
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    name: Mapped[str] = mapped_column(String(40))  # ticket.created, ticket.updated, ...
    # Units whose members may see it besides the center (board, desk, supervisors):
    # the ticket's unit, and on a transfer or return the unit it left too.
    unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # For each room the event goes to, the seq of the previous event in that room
    # ({"center": seq - 1, "unit:3": 41}): a client in that room that has seen less
    # has missed one. Null for events written before numbering at commit.
    prev: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)


class LiveStream(db.Model):
    """The head of each room's stream: `center` (every event; its row lock orders
    the commits that write events) and one row per unit room, made on demand, holding
    the seq of the last event sent to that room."""

    __tablename__ = "live_stream"

    room: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
