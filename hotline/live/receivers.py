"""Sessions that end stop their sockets: when a person's sessions end (sign-out,
password change or reset, deactivation) or a token is revoked, their open sockets
are told (`session.ended`, every process) and this process's are disconnected, once
the change is committed (a rollback ends nothing). hotline/live/sockets.py's session
watch catches whatever this misses within a second."""
from sqlalchemy.orm import Session

from hotline.core import signals
from hotline.core.extensions import db
from hotline.core.orm import listen_once
from hotline.live.sockets import end_sockets, sids_of, token_room, user_room

_ENDING = "live_sockets_ending"  # rooms (with their user or token) to end at the commit


@signals.sessions_ended.connect
def _sessions_ended(user, **_):
    db.session().info.setdefault(_ENDING, []).append((user_room(user.id), {"user_id": user.id}))


@signals.token_revoked.connect
def _token_revoked(token, **_):
    db.session().info.setdefault(_ENDING, []).append((token_room(token.id), {"token_id": token.id}))


def _after_commit(session: Session) -> None:
    for room, whose in session.info.pop(_ENDING, []):
        end_sockets(room, sids_of(**whose))


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # rolled back (or sent already): nothing to end
        session.info.pop(_ENDING, None)


def install() -> None:
    listen_once(Session, __name__, ("after_commit", _after_commit),
                ("after_transaction_end", _after_transaction_end))
