"""One audit entry. Rows are only ever inserted: the ORM refuses updates and deletes,
and the migration adds database triggers that refuse them too."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core import clock
from hotline.core.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_action_at", "action", "at"),
        Index("ix_audit_event_actor_id_at", "actor_id", "at"),
        Index("ix_audit_event_ticket_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    action: Mapped[str] = mapped_column(String(60))  # e.g. "user.create", "caller.reveal"
    # Who acted: the account (None for a failed sign-in with an unknown name) and the
    # name as it was then, so the entry reads the same after the account is renamed.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    ip: Mapped[str | None] = mapped_column(String(64))
    # What it was done to: a kind and an id ("user", 12), and the ticket when there is one.
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    reason: Mapped[str | None] = mapped_column(String(500))  # why (a reveal, an override)
    detail: Mapped[dict | None] = mapped_column(JSON)  # what changed: {"field": [before, after]}


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(mapper, connection, target):
    raise RuntimeError("the audit log is append-only")
