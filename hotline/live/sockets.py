"""Socket.IO connections: who may connect, which rooms they join, resync, and the
heads of the rooms (`live.head`) by which a client notices an event it never got."""
import logging
import threading

from flask import current_app, request
from flask_login import current_user
from flask_socketio import join_room
from sqlalchemy import func, select

from hotline.core.events import LiveEvent
from hotline.core.extensions import db, socketio
from hotline.core.outbox import CENTER_ROOM, heads, unit_room, wire
from hotline.core.permissions import CENTER_SCREENS, Role, scope_for
from hotline.users.models import User
from hotline.users.services import user_for_token

RESYNC_LIMIT = 500
HEAD_SECONDS = 5.0  # LIVE_HEAD_SECONDS in the config overrides it

log = logging.getLogger(__name__)

_connected: dict[str, tuple[int, list[str]]] = {}  # sid -> (user id, rooms)


def connection_user(auth) -> User | None:
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token:
        return user_for_token(token)
    return current_user._get_current_object() if current_user.is_authenticated else None


def sees_center(user: User) -> bool:
    """The center room hears every event; a crew only its units' rooms."""
    return user.role in CENTER_SCREENS


def visible_to(user: User, unit_ids: list[int]) -> bool:
    return sees_center(user) or scope_for(user).sees_any(unit_ids)


def rooms_for(user: User) -> list[str]:
    if sees_center(user):
        return [CENTER_ROOM]
    return [unit_room(u) for u in sorted(scope_for(user).unit_ids or ())]


def head_seq() -> int:
    return db.session.scalar(select(func.max(LiveEvent.seq))) or 0


@socketio.on("connect")
def _connect(auth=None):
    user = connection_user(auth)
    if user is None or user.role == Role.ADMIN:
        db.session.remove()
        raise ConnectionRefusedError("authentication required")
    rooms = rooms_for(user)
    _connected[request.sid] = (user.id, rooms)
    for room in rooms:
        join_room(room)
    db.session.remove()  # never hold a transaction open for the life of a socket
    start_head_ticker(current_app._get_current_object())
    return True


@socketio.on("disconnect")
def _disconnect(*_args):
    _connected.pop(request.sid, None)


@socketio.on("hello")
def _hello(_data=None):
    """The rooms this connection hears, the current head, and how often `live.head`
    comes: a client checks every event's `prev` against what it saw in these rooms."""
    entry = _connected.get(request.sid)
    if entry is None:
        return {"error": "not connected"}
    try:
        return {"rooms": entry[1], "seq": head_seq(), "interval": _head_interval(current_app)}
    finally:
        db.session.remove()


@socketio.on("resync")
def _resync(data=None):
    """Everything after `since` that this client may see, in order; or, when
    more than RESYNC_LIMIT were missed, a signal to reload a fresh snapshot.
    `seq` is the head: every event up to it that this client may see is in `events`."""
    entry = _connected.get(request.sid)
    user = db.session.get(User, entry[0]) if entry else None
    try:
        if user is None:
            return {"error": "not connected"}
        since = data.get("since") if isinstance(data, dict) else None
        if not isinstance(since, int) or isinstance(since, bool) or since < 0:
            return {"error": "since must be a non-negative integer"}
        # The head first: every event up to it was committed with it (numbered at commit).
        head = head_seq()
        # Too much missed; or a client ahead of the server (a database restored from a backup):
        # a fresh snapshot either way.
        if head - since > RESYNC_LIMIT or since > head:
            return {"snapshot": True, "seq": head}
        rows = db.session.scalars(
            select(LiveEvent).where(LiveEvent.seq > since, LiveEvent.seq <= head).order_by(LiveEvent.seq)
        ).all()
        events = [
            wire({"seq": r.seq, "prev": r.prev, "at": r.at, "name": r.name, "unit_ids": r.unit_ids,
                  "payload": r.payload})
            for r in rows
            if visible_to(user, r.unit_ids)
        ]
        return {"events": events, "seq": head}
    finally:
        db.session.remove()


@socketio.on("ping")
def _ping(data=None):
    """A bare round trip for clients measuring their link (and the benchmark):
    no database, connected sockets only."""
    if request.sid not in _connected:
        return {"error": "not connected"}
    return {"pong": data if isinstance(data, (int, float, str)) else None}


# The head ticker: one background task per web process. Every LIVE_HEAD_SECONDS it
# tells each room that has clients in this process the seq of that room's last event,
# to this process's clients only (ignore_queue: each process speaks for its own
# clients, and this still works while the message queue is down). A client that saw
# less waits a moment for events still on their way, then resyncs.

_ticker_lock = threading.Lock()
_ticker: dict = {"task": None, "stop": None}


def _head_interval(app) -> float:
    return float(app.config.get("LIVE_HEAD_SECONDS", HEAD_SECONDS))


def _occupied_rooms() -> list[str]:
    server = socketio.server
    if server is None:
        return []
    try:
        rooms = list(server.manager.rooms.get("/", {}).items())
    except RuntimeError:  # changed while copied: next tick
        return []
    return [room for room, members in rooms
            if members and isinstance(room, str) and (room == CENTER_ROOM or room.startswith("unit:"))]


def tick_heads(app) -> int:
    """One tick: a `live.head` to each occupied room; returns how many were sent."""
    rooms = _occupied_rooms()
    if not rooms:
        return 0
    with app.app_context():
        try:
            found = heads(db.session, rooms)
            if CENTER_ROOM in found:
                found[CENTER_ROOM] = head_seq()  # the same number; also on a database seeded by create_all
        finally:
            db.session.remove()
    for room in rooms:
        socketio.server.emit("live.head", {"room": room, "seq": found[room]}, to=room, namespace="/",
                             ignore_queue=True)
    return len(rooms)


def _run_ticker(app, stop: threading.Event) -> None:
    interval = _head_interval(app)
    while not stop.is_set():
        socketio.sleep(interval)
        if stop.is_set():
            break
        try:
            tick_heads(app)
        except Exception:  # the database away for a moment: next tick
            log.exception("live.head tick failed")


def start_head_ticker(app) -> None:
    if app.config.get("LIVE_HEAD_SECONDS", HEAD_SECONDS) <= 0:
        return
    with _ticker_lock:
        if _ticker["task"] is not None:
            return
        stop = threading.Event()
        _ticker["stop"] = stop
        _ticker["task"] = socketio.start_background_task(_run_ticker, app, stop)


def stop_head_ticker() -> None:
    """Tests: end this process's ticker (it ends within one interval)."""
    with _ticker_lock:
        if _ticker["stop"] is not None:
            _ticker["stop"].set()
        _ticker["task"] = _ticker["stop"] = None
