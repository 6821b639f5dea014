"""A person's sessions: each carries the user's session version in its id, so raising
the version ends them all at once, on every web process, cookies and remembered
logins alike; nothing per-session needs to be stored or swept.

A wall screen's kiosk session is also bound to the board token it was opened with:
its id is 'id:version:token id', and it ends when that token is revoked or expires
(the remembered login carries the same id)."""
from flask import g, session

from hotline.core import clock, signals
from hotline.core.extensions import db
from hotline.users.models import ApiToken, User


def kiosk_session_id(user: User, token: ApiToken) -> str:
    return f"{user.get_id()}:{token.id}"


def bind_session_to_token(user: User, token: ApiToken) -> None:
    """After `login_user(user, remember=True)`: the session and the remember cookie
    (Flask-Login writes it from `_user_id`) carry the token too."""
    session["_user_id"] = kiosk_session_id(user, token)


def user_for_session_id(session_id: str) -> User | None:
    """The user a session id ('id:version' or 'id:version:token') names, if that session
    is still good: the version is current and the person active (Flask-Login checks
    `is_active` only at sign-in; a person deactivated later must lose their open
    sessions at once), and a bound token still usable."""
    parts = session_id.split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() and len(p) <= 18 for p in parts):
        return None
    user = db.session.get(User, int(parts[0]))
    if user is None or not user.is_active or user.session_version != int(parts[1]):
        return None
    if len(parts) == 3:
        token = db.session.get(ApiToken, int(parts[2]))
        now = clock.now()
        if token is None or token.user_id != user.id or not token.usable(now):
            return None
        # Imported here: services may come to call end_sessions (no import cycle).
        from hotline.users.services import touch_token

        touch_token(token, now)
        g.session_token_id = token.id
    return user


def session_token_id() -> int | None:
    """The board token the current session is bound to (a kiosk), if any."""
    return g.get("session_token_id")


def end_sessions(user: User) -> None:
    """End every session of this person, including the one making the request (the
    caller signs them in again if they should stay, e.g. after their own password change)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
    signals.sessions_ended.send(user)
