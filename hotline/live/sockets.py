"""Socket.IO connections: who may connect, which rooms they join, and resync."""
from flask import request
from flask_login import current_user
from flask_socketio import join_room
from sqlalchemy import func, select

from hotline.core.events import LiveEvent
from hotline.core.extensions import db, socketio
from hotline.core.outbox import CENTER_ROOM, unit_room, wire
from hotline.core.permissions import CENTER_SCREENS, Role, scope_for
from hotline.users.models import User
from hotline.users.services import user_for_token

RESYNC_LIMIT = 500

_connected: dict[str, int] = {}  # sid -> user id


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


@socketio.on("connect")
def _connect(auth=None):
    user = connection_user(auth)
    if user is None or user.role == Role.ADMIN:
        db.session.remove()
        raise ConnectionRefusedError("authentication required")
    _connected[request.sid] = user.id
    if sees_center(user):
        join_room(CENTER_ROOM)
    else:
        for unit_id in scope_for(user).unit_ids or ():
            join_room(unit_room(unit_id))
    db.session.remove()  # never hold a transaction open for the life of a socket
    return True


@socketio.on("disconnect")
def _disconnect(*_args):
    _connected.pop(request.sid, None)


@socketio.on("resync")
def _resync(data=None):
    """Everything after `since` that this client may see, in order; or, when
    more than RESYNC_LIMIT were missed, a signal to reload a fresh snapshot."""
    user = db.session.get(User, _connected.get(request.sid, -1))
    try:
        if user is None:
            return {"error": "not connected"}
        since = data.get("since") if isinstance(data, dict) else None
        if not isinstance(since, int) or since < 0:
            return {"error": "since must be a non-negative integer"}
        head = db.session.scalar(select(func.max(LiveEvent.seq))) or 0
        if head - since > RESYNC_LIMIT:
            return {"snapshot": True, "seq": head}
        rows = db.session.scalars(
            select(LiveEvent).where(LiveEvent.seq > since).order_by(LiveEvent.seq)
        ).all()
        events = [
            wire({"seq": r.seq, "at": r.at, "name": r.name, "unit_ids": r.unit_ids, "payload": r.payload})
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
