"""Finding past handovers: words (notes, next steps, reviews, addenda, a ticket number
or its matter), a period, a status. Newest first."""
from pydantic import AwareDatetime, Field
from sqlalchemy import Select, exists, func, or_, select

from hotline.core.extensions import db
from hotline.core.validation import Strict, Text
from hotline.duty.handover.models import (
    Handover,
    HandoverAddendum,
    HandoverItem,
    HandoverStatus,
)
from hotline.tickets.models import Ticket


class HandoverQuery(Strict):
    q: Text(100) | None = None
    status: HandoverStatus | None = None
    opened_from: AwareDatetime | None = Field(None, alias="from")
    opened_to: AwareDatetime | None = Field(None, alias="to")
    late: bool = Field(False, description="only handovers where the incoming person came late or the handover overran the shift")
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=200)


def like_pattern(words: str) -> str:
    literal = words.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def handover_text_matches(words: str):
    like = like_pattern(words)
    item_matches = (
        select(HandoverItem.id)
        .outerjoin(Ticket, Ticket.id == HandoverItem.ticket_id)
        .where(
            HandoverItem.handover_id == Handover.id,
            or_(
                HandoverItem.next_step.ilike(like, escape="\\"),
                HandoverItem.review_note.ilike(like, escape="\\"),
                Ticket.number == words.strip(),
                Ticket.matter.ilike(like, escape="\\"),
            ),
        )
    )
    addendum_matches = select(HandoverAddendum.id).where(
        HandoverAddendum.handover_id == Handover.id, HandoverAddendum.body.ilike(like, escape="\\")
    )
    return or_(
        Handover.notes.ilike(like, escape="\\"),
        Handover.room_state.ilike(like, escape="\\"),
        exists(item_matches),
        exists(addendum_matches),
    )


def handover_statement(q: str | None, start=None, end=None, status: HandoverStatus | None = None,
                       late: bool = False) -> Select:
    stmt = select(Handover)
    if late:
        stmt = stmt.where(or_(Handover.incoming_late_minutes > 0, Handover.overrun_minutes > 0))
    if q and q.strip():
        stmt = stmt.where(handover_text_matches(q))
    if start is not None:
        stmt = stmt.where(Handover.opened_at >= start)
    if end is not None:
        stmt = stmt.where(Handover.opened_at < end)
    if status is not None:
        stmt = stmt.where(Handover.status == status)
    return stmt.order_by(Handover.opened_at.desc(), Handover.id.desc())


def find_handovers(query: HandoverQuery) -> tuple[list[Handover], int]:
    stmt = handover_statement(query.q, query.opened_from, query.opened_to, query.status, query.late)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(query.per_page).offset((query.page - 1) * query.per_page)).all()
    return items, total
