"""A wall screen's kiosk sign-in (/board/kiosk?token=...): a remembered login bound to
its board token, ended by revoking or expiry of that token, with bounded cookies."""
from datetime import datetime, timedelta, timezone

import pytest

from hotline import create_app
from hotline.core import clock
from hotline.core.extensions import db, socketio
from hotline.users.models import User
from hotline.users.services import create_token, revoke_token

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def board_token(app, users):
    def make(days=None):
        with app.app_context():
            user = db.session.get(User, users["board"])
            token, secret = create_token(user, "Hall screen", clock.now() + timedelta(days=days) if days else None)
            db.session.commit()
            return token.id, secret

    return make


def _refused(response) -> bool:
    """A page refused for want of a sign-in: to the sign-in page."""
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _revoke(app, token_id):
    with app.app_context():
        revoke_token(token_id)
        db.session.commit()


def test_kiosk_signs_in_with_a_remembered_login_bound_to_the_token(app, board_token):
    token_id, secret = board_token()
    screen = app.test_client()
    r = screen.get(f"/board/kiosk?token={secret}")
    assert r.status_code == 302 and r.headers["Location"].endswith("/board")
    assert screen.get("/board").status_code == 200
    remember = screen.get_cookie("remember_token")
    assert remember is not None and remember.value.split("|")[0].endswith(f":{token_id}")
    # a restarted browser: only the remembered login left
    restarted = app.test_client()
    restarted.set_cookie("remember_token", remember.value)
    assert restarted.get("/board").status_code == 200


def test_revoking_the_token_ends_the_screen_its_remembered_login_and_its_socket(app, board_token, users):
    token_id, secret = board_token()
    _, other_secret = board_token()  # a second screen on the same board account
    screen, other = app.test_client(), app.test_client()
    screen.get(f"/board/kiosk?token={secret}")
    other.get(f"/board/kiosk?token={other_secret}")
    remember = screen.get_cookie("remember_token").value
    sock = socketio.test_client(app, flask_test_client=screen)
    other_sock = socketio.test_client(app, flask_test_client=other)
    assert sock.is_connected() and other_sock.is_connected()
    _revoke(app, token_id)
    assert not sock.is_connected()
    r = screen.get("/board")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    restarted = app.test_client()
    restarted.set_cookie("remember_token", remember)
    assert restarted.get("/board").status_code == 302
    assert not socketio.test_client(app, flask_test_client=screen).is_connected()
    # the other screen goes on
    assert other.get("/board").status_code == 200 and other_sock.is_connected()


def test_an_expired_board_token_ends_the_screen(app, board_token):
    clock.freeze(T0)
    _, secret = board_token(days=1)
    screen = app.test_client()
    screen.get(f"/board/kiosk?token={secret}")
    assert screen.get("/board").status_code == 200
    clock.advance(timedelta(days=1, seconds=1))
    assert screen.get("/board").status_code == 302
    assert _refused(app.test_client().get(f"/board/kiosk?token={secret}"))


def test_a_kiosk_sign_out_ends_only_that_screen(app, board_token):
    _, secret = board_token()
    _, other_secret = board_token()
    screen, other = app.test_client(), app.test_client()
    screen.get(f"/board/kiosk?token={secret}")
    other.get(f"/board/kiosk?token={other_secret}")
    from fixtures.app import csrf_from

    token = csrf_from(screen.get("/settings").get_data(as_text=True))
    assert screen.post("/logout", data={"csrf_token": token}).status_code == 302
    assert screen.get("/board").status_code == 302
    assert other.get("/board").status_code == 200


def test_kiosk_refuses_other_tokens(app, tokens, board_token):
    for query in (f"?token={tokens['operator']}", "?token=hl_nonsense", "", "?token=" + "x" * 5000):
        screen = app.test_client()
        assert _refused(screen.get("/board/kiosk" + query)), query
        assert screen.get_cookie("remember_token") is None


def test_a_forged_session_id_naming_a_token_is_refused(app, board_token, session_client, users):
    """An operator cannot bind their session to the board's token (the token's user must match)."""
    token_id, _ = board_token()
    client, _ = session_client("operator")
    with client.session_transaction() as s:
        s["_user_id"] = f"{users['operator']}:0:{token_id}"
    assert client.get("/api/v1/tickets").status_code == 401


def test_cookies_are_secure_with_hotline_secure_cookies(monkeypatch, tmp_path, app, board_token):
    from fixtures.db import TEST_CONFIG

    monkeypatch.setenv("HOTLINE_SECURE_COOKIES", "1")
    monkeypatch.setenv("HOTLINE_REMEMBER_DAYS", "7")
    secure = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    _, secret = board_token()
    r = secure.test_client().get(f"/board/kiosk?token={secret}", base_url="https://localhost")
    cookies = {c.split("=", 1)[0]: c for c in r.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "Secure" in cookies[name] and "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name], cookies[name]
    expires = datetime.strptime(cookies["remember_token"].split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT")
    assert timedelta(days=6) < expires.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc) <= timedelta(days=7)
    with secure.app_context():
        db.engine.dispose()


def test_remember_cookie_lifetime_defaults_to_thirty_days(app):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    assert app.config["SESSION_COOKIE_SAMESITE"] == app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
