"""The outbox's emit lock (events go out in seq order across concurrent requests)
is held only while a transaction that numbered events is open, and let go however
that transaction ends: commit, rollback, close, or an error in the commit."""
import pytest

from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.core import outbox
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.tickets.services import create_ticket


def _numbered_event(user):
    """A ticket written and its live event numbered, transaction still open."""
    body = TicketCreate(category="repair", matter="The tap drips", caller={"phone": "13800138000"})
    create_ticket(body, user, Channel.API)
    db.session.flush()  # the ticket; its event is queued
    db.session.flush()  # the event row: it has its seq now
    assert db.session.info.get("live_outbox"), "no event numbered"
    assert outbox._emit_lock.locked()


@pytest.mark.parametrize("end", ["commit", "rollback", "close", "remove"])
def test_emit_lock_is_released_however_the_transaction_ends(ctx, user_of, end):
    _numbered_event(user_of("operator"))
    getattr(db.session, end)()
    assert not outbox._emit_lock.locked()
    assert "live_outbox" not in db.session.info


def test_an_event_of_a_closed_transaction_is_never_sent_later(app, tokens, user_of):
    from hotline.core.extensions import socketio

    board = socketio.test_client(app, auth={"token": tokens["dispatcher"]})
    assert board.is_connected()
    _numbered_event(user_of("operator"))
    db.session.close()  # ended without commit or rollback
    assert db.session.scalar(db.select(db.func.count()).select_from(LiveEvent)) == 0
    user_of("operator").display_name = "Operator Uno"
    db.session.commit()  # a later commit of the same session sends nothing stale
    assert board.get_received() == []
    assert not outbox._emit_lock.locked()
