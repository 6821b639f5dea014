"""The one place live events leave from.

A domain that wants screens to hear of a change calls `add_event()` inside its
transaction. The event waits in the session until the commit: in `before_commit`,
after the rest of the transaction is flushed, one UPDATE of the `center` row of
`live_stream` takes the numbers for all of the transaction's events. That row lock
is held until COMMIT, so on PostgreSQL the tails of concurrent transactions queue
on it and sequence order is commit order (SQLite serialises writers anyway); an
event never becomes visible after one with a greater number. Each event also
carries `prev`: for the center and each unit room it goes to, the seq of the
previous event in that room. A client in a room that has seen less than `prev`
knows it missed one (hotline/live/follower.py, static/js/core/live.js).

After the commit the events are sent over Socket.IO to the center room and the
rooms of the units they name. Sending can fail (Redis away): that is logged, never
the request's failure; the clients notice the gap and resync from the table."""
import logging
import threading

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hotline.core import clock
from hotline.core.events import LiveEvent, LiveStream
from hotline.core.extensions import socketio
from hotline.core.orm import listen_once

CENTER_ROOM = "center"

log = logging.getLogger(__name__)

_PENDING = "live_pending"  # LiveEvents added, not numbered yet
_OUTBOX = "live_outbox"  # numbered and written: sent after the commit
_HELD = "live_emit_lock"

# Within one process, sending in sequence order: a transaction takes this lock once
# it holds the center row (so a holder never waits for the database, and the next
# numberer waits for the row first: no deadlock) and lets it go after its events
# are sent or the transaction ended. Across processes nothing orders the sends:
# clients reorder by `prev`. The wait is bounded: a stuck holder costs ordering
# (repaired by the clients), never availability.
_emit_lock = threading.Lock()
EMIT_LOCK_WAIT = 5.0


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


def rooms_of(unit_ids) -> list[str]:
    """The rooms an event naming these units goes to, center first."""
    return [CENTER_ROOM] + [unit_room(u) for u in dict.fromkeys(unit_ids or ())]


def add_event(session: Session, name: str, payload: dict, unit_ids: list[int]) -> LiveEvent:
    """Queue an event of this transaction: numbered, written and sent at its commit;
    forgotten if it rolls back."""
    live = LiveEvent(name=name, payload=payload, unit_ids=list(dict.fromkeys(unit_ids or ())))
    session.info.setdefault(_PENDING, []).append(live)
    return live


def pending(session: Session) -> list[LiveEvent]:
    """This transaction's events not numbered yet: their payloads can still be corrected
    (a new ticket's number is taken last, after its events were queued)."""
    return session.info.get(_PENDING, [])


def _center_head(session: Session, taken: int) -> int:
    """Advance the center's head by `taken` and return it, holding its row until COMMIT."""
    conn = session.connection()
    moved = conn.execute(
        update(LiveStream).where(LiveStream.room == CENTER_ROOM).values(seq=LiveStream.seq + taken)
    ).rowcount
    if not moved:  # a database built without the migration's seed (create_all)
        start = conn.execute(select(func.coalesce(func.max(LiveEvent.seq), 0))).scalar_one()
        conn.execute(LiveStream.__table__.insert().values(room=CENTER_ROOM, seq=start + taken))
    return conn.execute(select(LiveStream.seq).where(LiveStream.room == CENTER_ROOM)).scalar_one()


def _number(session: Session, events: list[LiveEvent]) -> None:
    head = _center_head(session, len(events))
    _hold_emit_lock(session)  # after the row: see _emit_lock
    conn = session.connection()
    unit_rooms = sorted({r for e in events for r in rooms_of(e.unit_ids)[1:]})
    last = dict(conn.execute(select(LiveStream.room, LiveStream.seq).where(LiveStream.room.in_(unit_rooms))).all()) \
        if unit_rooms else {}
    known = set(last)
    now = clock.now()
    for i, live in enumerate(events):
        live.seq = head - len(events) + 1 + i
        live.at = now
        prev = {CENTER_ROOM: live.seq - 1}
        for room in rooms_of(live.unit_ids)[1:]:
            prev[room] = last.get(room, 0)
            last[room] = live.seq
        live.prev = prev
    for room in unit_rooms:
        if room in known:
            conn.execute(update(LiveStream).where(LiveStream.room == room).values(seq=last[room]))
        else:  # only center-row holders write these rows: no race to create one
            conn.execute(LiveStream.__table__.insert().values(room=room, seq=last[room]))
    session.add_all(events)
    session.flush()
    session.info.setdefault(_OUTBOX, []).extend(
        {"seq": e.seq, "prev": e.prev, "at": e.at, "name": e.name, "unit_ids": e.unit_ids, "payload": e.payload}
        for e in events
    )


def _on_before_commit(session: Session) -> None:
    # The rest of the transaction first: its flush may queue events (ticket_events).
    session.flush()
    events = session.info.pop(_PENDING, [])
    if events:
        _number(session, events)


def _on_after_commit(session: Session) -> None:
    outbox = session.info.pop(_OUTBOX, [])
    try:
        for item in outbox:  # numbered in order
            try:
                broadcast(item)
            except Exception:  # the change is committed; clients resync what they miss
                log.exception("live event %s (%s) not sent", item["seq"], item["name"])
    finally:
        _release_emit_lock(session)


def _on_after_transaction_end(session: Session, transaction) -> None:
    """However the transaction ended (commit, rollback, close), keep nothing and never keep the lock."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_OUTBOX, None)  # sent on commit; otherwise never committed
        _release_emit_lock(session)


def install(_session=None) -> None:
    """On every ORM session, not only Flask-SQLAlchemy's: code that opens its own
    (`Session(db.engine)`, a second scheduler in the tests) numbers its events too."""
    listen_once(
        Session, __name__,
        ("before_commit", _on_before_commit),
        ("after_commit", _on_after_commit),
        ("after_transaction_end", _on_after_transaction_end),
    )


def wire(item: dict) -> dict:
    """What a client receives: the payload with the event's sequence number, `prev`
    (per room, the seq of the room's previous event), the name as `event`, and `at`,
    the time of its commit, ISO 8601 in UTC."""
    at = item.get("at")
    prev = item.get("prev") or {CENTER_ROOM: item["seq"] - 1}
    return {
        **item["payload"],
        "seq": item["seq"],
        "prev": prev,
        "event": item["name"],
        "at": at.isoformat() if at is not None else None,
    }


def broadcast(item: dict) -> None:
    socketio.emit(item["name"], wire(item), to=rooms_of(item["unit_ids"]))


def heads(session: Session, rooms: list[str]) -> dict[str, int]:
    """The seq of the last event of each room (0 for a room that never had one)."""
    found = dict(session.execute(select(LiveStream.room, LiveStream.seq).where(LiveStream.room.in_(rooms))).all())
    return {room: found.get(room, 0) for room in rooms}
