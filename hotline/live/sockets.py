"""Socket.IO connections: who may connect, which rooms they join, resync, and the
heads of the rooms (`live.head`) by which a client notices an event it never got."""
import logging
import threading
from dataclasses import dataclass

from flask import current_app, request
from flask_login import current_user
from flask_socketio import disconnect, join_room
from sqlalchemy import func, select

from hotline.core import clock
from hotline.core.events import LiveEvent
from hotline.core.extensions import db, socketio
from hotline.core.outbox import CENTER_ROOM, heads, unit_room, wire
from hotline.core.permissions import CENTER_SCREENS, Role, scope_for
from hotline.users.models import ApiToken, User
from hotline.users.services import token_for_secret
from hotline.users.sessions import session_token_id

RESYNC_LIMIT = 500
HEAD_SECONDS = 5.0  # LIVE_HEAD_SECONDS in the config overrides it
SESSION_CHECK_SECONDS = 1.0  # LIVE_SESSION_CHECK_SECONDS in the config overrides it

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Connection:
    """Who a socket of this process was opened as: a session (the user's session version
    then) or a token (its id; a kiosk's session is bound to a token too)."""

    user_id: int
    rooms: list[str]
    version: int | None  # None: opened with a bearer token, not a session
    token_id: int | None


_connected: dict[str, Connection] = {}  # sid -> its connection


def user_room(user_id: int) -> str:
    """Every socket of a person, in every process: told when their sessions end."""
    return f"user:{user_id}"


def token_room(token_id: int) -> str:
    """Every socket opened with a token (or a kiosk session bound to it)."""
    return f"token:{token_id}"


def connection_of(auth) -> Connection | None:
    """A bearer token in the handshake's auth, else the session cookie."""
    secret = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(secret, str) and secret:
        token = token_for_secret(secret)
        if token is None:
            return None
        return Connection(token.user_id, rooms_for(token.user), None, token.id)
    if not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    return Connection(user.id, rooms_for(user), user.session_version, session_token_id())


def stale_sids(entries: dict[str, Connection]) -> list[str]:
    """The sockets among these whose session or token is no longer good: two queries
    for any number of sockets."""
    if not entries:
        return []
    user_ids = {c.user_id for c in entries.values()}
    token_ids = {c.token_id for c in entries.values() if c.token_id is not None}
    users = {uid: (version, active) for uid, version, active in db.session.execute(
        select(User.id, User.session_version, User.active).where(User.id.in_(user_ids)))}
    good_tokens = set()
    if token_ids:
        now = clock.now()
        good_tokens = {t.id for t in db.session.scalars(select(ApiToken).where(ApiToken.id.in_(token_ids)))
                       if t.usable(now)}
    stale = []
    for sid, conn in entries.items():
        version, active = users.get(conn.user_id, (None, False))
        if not active or (conn.version is not None and version != conn.version) \
                or (conn.token_id is not None and conn.token_id not in good_tokens):
            stale.append(sid)
    return stale


def _current() -> Connection | None:
    """This socket's connection if its session or token is still good; otherwise the
    socket is disconnected (a person signed out elsewhere, a revoked token) and None."""
    conn = _connected.get(request.sid)
    if conn is None:
        return None
    if stale_sids({request.sid: conn}):
        _connected.pop(request.sid, None)
        disconnect()
        return None
    return conn


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
    try:
        conn = connection_of(auth)
        if conn is None or db.session.get(User, conn.user_id).role == Role.ADMIN:
            raise ConnectionRefusedError("authentication required")
        _connected[request.sid] = conn
        for room in conn.rooms + [user_room(conn.user_id)] + ([token_room(conn.token_id)] if conn.token_id else []):
            join_room(room)
    finally:
        db.session.remove()  # never hold a transaction open for the life of a socket
    app = current_app._get_current_object()
    start_head_ticker(app)
    start_session_watch(app)
    return True


@socketio.on("disconnect")
def _disconnect(*_args):
    _connected.pop(request.sid, None)


@socketio.on("hello")
def _hello(_data=None):
    """The rooms this connection hears, the current head, and how often `live.head`
    comes: a client checks every event's `prev` against what it saw in these rooms."""
    try:
        entry = _current()
        if entry is None:
            return {"error": "not connected"}
        return {"rooms": entry.rooms, "seq": head_seq(), "interval": _head_interval(current_app)}
    finally:
        db.session.remove()


@socketio.on("resync")
def _resync(data=None):
    """Everything after `since` that this client may see, in order; or, when
    more than RESYNC_LIMIT were missed, a signal to reload a fresh snapshot.
    `seq` is the head: every event up to it that this client may see is in `events`."""
    try:
        entry = _current()
        user = db.session.get(User, entry.user_id) if entry else None
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
    connected sockets whose session is still good only (one primary-key read)."""
    try:
        if _current() is None:
            return {"error": "not connected"}
    finally:
        db.session.remove()
    return {"pong": data if isinstance(data, (int, float, str)) else None}


# Ending sockets. A person's sessions ending (or a token revoked) in this process ends
# their sockets here at once (hotline/live/receivers.py) and tells the clients in every
# process (`session.ended`, through the message queue). The session watch, one
# background task per web process, ends within LIVE_SESSION_CHECK_SECONDS whatever
# else went stale: a client in another process that ignored the message, a token
# revoked or a person deactivated from the CLI. Every socket event checks too.


def end_sockets(room: str, local_sids: list[str]) -> None:
    """Tell the clients in `room` (every process) their session ended, and disconnect
    this process's sockets among them."""
    try:
        socketio.emit("session.ended", {}, to=room)
    except Exception:  # the queue away: the sockets here still end; the watch does the rest
        log.exception("session.ended to %s not sent", room)
    for sid in local_sids:
        _connected.pop(sid, None)
        socketio.server.disconnect(sid, namespace="/", ignore_queue=True)  # a sid already gone: nothing


def sids_of(user_id: int | None = None, token_id: int | None = None) -> list[str]:
    return [sid for sid, c in list(_connected.items())
            if (user_id is not None and c.user_id == user_id) or (token_id is not None and c.token_id == token_id)]


def check_sessions(app) -> int:
    """One pass of the watch: disconnect this process's stale sockets; returns how many."""
    entries = dict(_connected)
    if not entries:
        return 0
    with app.app_context():
        try:
            stale = stale_sids(entries)
        finally:
            db.session.remove()
    for sid in stale:
        end_sockets(sid, [sid])  # a sid is a room of its one socket
    return len(stale)


_watch_lock = threading.Lock()
_watch: dict = {"task": None, "stop": None}


def _run_watch(app, stop: threading.Event) -> None:
    interval = float(app.config.get("LIVE_SESSION_CHECK_SECONDS", SESSION_CHECK_SECONDS))
    while not stop.is_set():
        socketio.sleep(interval)
        if stop.is_set():
            break
        try:
            check_sessions(app)
        except Exception:  # the database away for a moment: next pass
            log.exception("session watch failed")


def start_session_watch(app) -> None:
    if float(app.config.get("LIVE_SESSION_CHECK_SECONDS", SESSION_CHECK_SECONDS)) <= 0:
        return
    with _watch_lock:
        if _watch["task"] is not None:
            return
        stop = threading.Event()
        _watch["stop"] = stop
        _watch["task"] = socketio.start_background_task(_run_watch, app, stop)


def stop_session_watch() -> None:
    """Tests: end this process's watch (it ends within one interval)."""
    with _watch_lock:
        if _watch["stop"] is not None:
            _watch["stop"].set()
        _watch["task"] = _watch["stop"] = None


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
