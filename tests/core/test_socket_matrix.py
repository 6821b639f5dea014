"""The socket side of the auth matrix: who may connect, and what each event answers.

Every role and nobody (no credentials, a bad token), for every event a client may send
(hello, resync, ping): the connection is refused for nobody and for admin (no live
screen); every other role connects, and each event answers it, a center screen with the
center room, a crew with its units' rooms only. Over a bearer token and over a signed-in
browser session alike."""
import pytest

from hotline.core.extensions import socketio
from hotline.core.permissions import CENTER_SCREENS, Role

from fixtures.app import login

EVENTS = {"hello": {}, "resync": {"since": 0}, "ping": 7}
SUBJECTS = [r.value for r in Role] + ["anonymous", "bad token"]
CONNECTS = {r.value for r in Role} - {Role.ADMIN.value}


def _client(app, tokens, subject, via):
    if subject == "anonymous":
        return socketio.test_client(app)
    if subject == "bad token":
        return socketio.test_client(app, auth={"token": "hl_not-a-token"})
    if via == "token":
        return socketio.test_client(app, auth={"token": tokens[subject]})
    browser = app.test_client()
    response, _ = login(browser, subject)
    assert response.status_code == 302
    return socketio.test_client(app, flask_test_client=browser)


def _expected_rooms(subject, units):
    return ["center"] if Role(subject) in CENTER_SCREENS else [f"unit:{units['north']}", f"unit:{units['crew']}"]


CASES = [(s, "token") for s in SUBJECTS] + [(r.value, "session") for r in Role]


@pytest.mark.parametrize("subject,via", CASES)
def test_socket_matrix(app, tokens, units, subject, via):
    client = _client(app, tokens, subject, via)
    try:
        assert client.is_connected() == (subject in CONNECTS), (subject, via)
        if subject not in CONNECTS:
            return
        answers = {event: client.emit(event, payload, callback=True) for event, payload in EVENTS.items()}
        assert sorted(answers["hello"]["rooms"]) == sorted(_expected_rooms(subject, units))
        assert isinstance(answers["hello"]["seq"], int)
        assert answers["resync"]["seq"] == answers["hello"]["seq"] and answers["resync"]["events"] == []
        assert answers["ping"] == {"pong": 7}
    finally:
        if client.is_connected():
            client.disconnect()
