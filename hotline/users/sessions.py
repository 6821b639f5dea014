"""A person's sessions: each carries the user's session version in its id, so raising
the version ends them all at once, on every web process, cookies and remembered
logins alike; nothing per-session needs to be stored or swept."""
from hotline.core import signals
from hotline.core.extensions import db
from hotline.users.models import User


def user_for_session_id(session_id: str) -> User | None:
    """The user a session id ('id:version') names, if that session is still good: the
    version is current and the person active (Flask-Login checks `is_active` only at
    sign-in; a person deactivated later must lose their open sessions at once)."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session of this person, including the one making the request (the
    caller signs them in again if they should stay, e.g. after their own password change)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
    signals.sessions_ended.send(user)
