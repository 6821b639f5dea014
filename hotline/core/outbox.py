"""The one place live events leave from.

A domain that wants screens to hear of a change calls `add_event()` inside its
transaction: the row in `live_event` gets its sequence number there, and the event
is sent over Socket.IO only after the commit, in sequence order, to the center room
and the rooms of the units it names. A client never hears of a change that was
rolled back, and one that missed some asks for everything after the last number."""
import logging
import threading

from sqlalchemy.orm import Session

from hotline.core.events import LiveEvent
from hotline.core.extensions import socketio
from hotline.core.orm import listen_once

CENTER_ROOM = "center"

log = logging.getLogger(__name__)

# Sending in sequence order. After COMMIT, concurrent requests race to emit: seq 6
# could go out before seq 5, and a client that then resyncs from 6 would never see
# 5. So a transaction takes this lock right after the flush that gives its first
# event a number, and lets it go after the commit's events are sent (or at the end
# of the transaction). With SQLite a transaction that writes holds the database's
# write lock by then, so the next writer numbers its events only after this one has
# committed, and takes the lock after it: emission order is seq order, and a holder
# never waits for the database (no deadlock). The wait is bounded all the same: a
# stuck holder costs ordering, never availability.
# (PostgreSQL: numbers are taken without a database-wide lock, so there the event
# rows should be written in the commit's last flush; they already are unless code
# flushes or autoflushes after the ticket changes.)
_emit_lock = threading.Lock()
EMIT_LOCK_WAIT = 5.0
_HELD = "live_emit_lock"


def _hold_emit_lock(session: Session) -> None:
    if session.info.get(_HELD):
        return
    if _emit_lock.acquire(timeout=EMIT_LOCK_WAIT):
        session.info[_HELD] = True
    else:
        log.warning("live events: emit lock not free after %.0f s; sending without ordering", EMIT_LOCK_WAIT)


def _release_emit_lock(session: Session) -> None:
    if session.info.pop(_HELD, False):
        _emit_lock.release()


def unit_room(unit_id: int) -> str:
    return f"unit:{unit_id}"




def add_event(session: Session, name: str, payload: dict, unit_ids: list[int]) -> LiveEvent:
    """For events that are not ticket changes (SLA, escalation): same sequence, same path."""
    live = LiveEvent(name=name, payload=payload, unit_ids=unit_ids)
    session.add(live)
    return live


def _on_after_flush(session: Session, _ctx) -> None:
    # LiveEvents written by this flush now have their sequence numbers.
    outbox = session.info.setdefault("live_outbox", [])
    for obj in session.new:
        if isinstance(obj, LiveEvent):
            outbox.append(
                {"seq": obj.seq, "at": obj.at, "name": obj.name, "unit_ids": obj.unit_ids, "payload": obj.payload}
            )
    if outbox:
        _hold_emit_lock(session)


def _on_after_commit(session: Session) -> None:
    outbox = session.info.pop("live_outbox", [])
    try:
        if outbox:
            # One flush can write several events (a new ticket routed at once): send
            # them in sequence order, whatever order the session kept them in.
            for item in sorted(outbox, key=lambda i: i["seq"]):
                broadcast(item)
    finally:
        _release_emit_lock(session)


def _on_after_rollback(session: Session) -> None:
    session.info.pop("live_outbox", None)


def _on_after_transaction_end(session: Session, transaction) -> None:
    """However the transaction ended (commit, rollback, close), never keep the lock."""
    if transaction.parent is None:
        session.info.pop("live_outbox", None)  # sent on commit; otherwise never committed
        _release_emit_lock(session)


def install(session) -> None:
    listen_once(
        session, __name__,
        ("after_flush", _on_after_flush),
        ("after_commit", _on_after_commit),
        ("after_soft_rollback", lambda s, _t: _on_after_rollback(s)),
        ("after_transaction_end", _on_after_transaction_end),
    )


def wire(item: dict) -> dict:
    """What a client receives: the payload with the event's sequence number and
    `at`, the time its row was written (inside the transaction of the change, so
    just before the commit), ISO 8601 in UTC."""
    at = item.get("at")
    return {
        **item["payload"],
        "seq": item["seq"],
        "event": item["name"],
        "at": at.isoformat() if at is not None else None,
    }


def broadcast(item: dict) -> None:
    rooms = [CENTER_ROOM] + [unit_room(u) for u in item["unit_ids"]]
    socketio.emit(item["name"], wire(item), to=rooms)
