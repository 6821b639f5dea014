"""Ticket changes become live events by themselves: a session hook sees a new ticket
(`ticket.created`) or a changed one (`ticket.updated`) and writes its card, with the load of the units it touched,
to the outbox in the same transaction. No service has to remember to announce a change."""
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from hotline.core.orm import listen_once
from hotline.core.outbox import add_event
from hotline.live.board import unit_states
from hotline.live.views import ticket_card
from hotline.tickets.models import Ticket
from hotline.units.services import audience


def _on_after_flush(session: Session, _ctx) -> None:
    pending = session.info.setdefault("live_tickets", [])
    for obj in session.new:
        if isinstance(obj, Ticket):
            pending.append(("ticket.created", obj, ()))
    for obj in session.dirty:
        if isinstance(obj, Ticket) and session.is_modified(obj, include_collections=False):
            old_units = tuple(inspect(obj).attrs.unit_id.history.deleted or ())
            pending.append(("ticket.updated", obj, old_units))


def _on_after_flush_postexec(session: Session, _ctx) -> None:
    pending = session.info.pop("live_tickets", [])
    with session.no_autoflush:
        for name, ticket, old_units in pending:
            touched = [u for u in (ticket.unit_id, *old_units) if u]
            card = {**ticket_card(ticket, session), "units": unit_states(session, touched)}
            add_event(session, name, card, audience(session, ticket.unit_id, *old_units))


def _forget(session: Session, *_args) -> None:
    session.info.pop("live_tickets", None)


def install(session) -> None:
    listen_once(
        session, __name__,
        ("after_flush", _on_after_flush),
        ("after_flush_postexec", _on_after_flush_postexec),
        ("after_soft_rollback", _forget),
        ("after_transaction_end", _forget),
    )
