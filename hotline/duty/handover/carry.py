"""Next steps carried over: what a handover proposes as each ticket's next step before the
outgoing person writes one. The newer of two: the next step the ticket had in the last
signed handover that listed it (still open, so still unresolved), and the ticket's latest
note. The outgoing person reads, keeps or rewrites it; the source is shown until then."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from hotline.core.extensions import db
from hotline.duty.handover.models import Handover, HandoverItem, HandoverStatus
from hotline.tickets.models import TicketNote


@dataclass(frozen=True)
class Proposal:
    text: str
    source: str  # "handover:<id>" or "note:<id>"
    at: datetime


def _latest_handover_steps(ticket_ids: set[int], before: int | None) -> dict[int, Proposal]:
    rows = db.session.execute(
        select(HandoverItem.ticket_id, HandoverItem.next_step, Handover.id, Handover.signed_at)
        .join(Handover, Handover.id == HandoverItem.handover_id)
        .where(
            HandoverItem.ticket_id.in_(ticket_ids), HandoverItem.next_step.is_not(None),
            Handover.status == HandoverStatus.SIGNED,
            *([Handover.id != before] if before else []),
        )
        .order_by(Handover.signed_at)
    )
    return {tid: Proposal(step, f"handover:{hid}", at) for tid, step, hid, at in rows}  # the newest wins


def _latest_notes(ticket_ids: set[int]) -> dict[int, Proposal]:
    newest = (
        select(TicketNote.ticket_id, func.max(TicketNote.id).label("id"))
        .where(TicketNote.ticket_id.in_(ticket_ids)).group_by(TicketNote.ticket_id).subquery()
    )
    rows = db.session.execute(select(TicketNote.ticket_id, TicketNote.body, TicketNote.id, TicketNote.at).join(newest, newest.c.id == TicketNote.id))
    return {tid: Proposal(body[:2000], f"note:{nid}", at) for tid, body, nid, at in rows}


def proposed_steps(ticket_ids, handover_id: int | None = None) -> dict[int, Proposal]:
    """The proposed next step of each ticket that has one (two queries for any number)."""
    ids = {t for t in ticket_ids if t is not None}
    if not ids:
        return {}
    out = _latest_handover_steps(ids, handover_id)
    for tid, note in _latest_notes(ids).items():
        if tid not in out or note.at > out[tid].at:
            out[tid] = note
    return out
