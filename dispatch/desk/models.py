"""A dispatcher's saved views of the desk: a name and the filters it sets."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core import clock
from hotline.core.extensions import db


class DeskView(db.Model):
    """Kept on the server, per person: desks are shared seats (a dispatcher signs in at
    whichever is free), so a browser's own storage would mix people's views and lose them
    at the next seat."""

    __tablename__ = "desk_view"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
