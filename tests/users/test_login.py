"""Signing in: recorded attempts, lockout, inactive users, safe redirects; CSRF."""
from datetime import datetime, timedelta, timezone

import pytest
from fixtures.app import PASSWORD, csrf_from, login
from sqlalchemy import select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.users.models import LoginEvent, User

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def _events(app):
    with app.app_context():
        return [(e.username, e.success, e.reason) for e in db.session.scalars(select(LoginEvent).order_by(LoginEvent.id))]


def test_success_and_failure_are_recorded(app, client, users):
    r, _ = login(client, "operator", "wrong password")
    assert r.status_code == 401
    r, _ = login(client, "operator")
    assert r.status_code == 302
    assert _events(app) == [("operator", False, "invalid"), ("operator", True, None)]
    with app.app_context():
        ok = db.session.scalars(select(LoginEvent).where(LoginEvent.success)).one()
        assert ok.user_id == users["operator"] and ok.ip == "127.0.0.1"


def test_unknown_user_is_recorded_and_refused(app, client, users):
    r, _ = login(client, "nobody")
    assert r.status_code == 401
    assert _events(app) == [("nobody", False, "invalid")]


def test_signed_in_session_reaches_the_api(client, users):
    login(client, "operator")
    assert client.get("/api/v1/tickets").status_code == 200


def test_lockout_after_max_failures_until_the_window_passes(app, client, users):
    clock.freeze(T0)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert login(client, "operator", "wrong")[0].status_code == 401
    # even the right password is refused now
    r, _ = login(client, "operator")
    assert r.status_code == 429
    assert client.get("/api/v1/tickets").status_code == 401
    # trying again while locked does not stretch the lock beyond the window
    for _ in range(limit):
        clock.advance(timedelta(minutes=1))
        assert login(client, "operator")[0].status_code == 429
    clock.freeze(T0 + timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"], seconds=1))
    r, _ = login(client, "operator")
    assert r.status_code == 302
    assert client.get("/api/v1/tickets").status_code == 200
    assert _events(app)[-1] == ("operator", True, None)
    assert [e[2] for e in _events(app)].count("locked") == limit + 1


def test_failures_older_than_the_window_do_not_count(app, client, users):
    clock.freeze(T0)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        login(client, "operator", "wrong")
    clock.advance(timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"], seconds=1))
    login(client, "operator", "wrong")
    assert login(client, "operator")[0].status_code == 302


def test_one_persons_typos_do_not_lock_the_whole_center(app, users):
    """All seats of a center sit behind one address: five typos by one operator must
    not lock every colleague out."""
    clock.freeze(T0)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(app.test_client(), "operator", "wrong")
    r, _ = login(app.test_client(), "supervisor")
    assert r.status_code == 302


def test_guessing_many_names_from_one_address_locks_nobody_out(app, users):
    """An address is never locked as a whole (a NAT hides a whole center behind it):
    flooding from one address is the rate limiter's job (tests/users/test_sessions.py
    has the per-name rules)."""
    clock.freeze(T0)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for i in range(limit * 4):
        login(app.test_client(), f"guess{i}", "wrong")
    r, _ = login(app.test_client(), "supervisor")
    assert r.status_code == 302


def test_inactive_user_refused(app, client, users):
    with app.app_context():
        db.session.get(User, users["dispatcher"]).active = False
        db.session.commit()
    r, _ = login(client, "dispatcher")
    assert r.status_code == 401
    assert client.get("/api/v1/tickets").status_code == 401
    assert _events(app)[-1][:2] == ("dispatcher", False)


@pytest.mark.parametrize(
    "target,lands",
    [
        ("/tickets?q=1", "/tickets?q=1"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("\\\\evil.example", None),
        ("/\t/evil.example", None),
        ("javascript:alert(1)", None),
        ("http:/evil.example", None),
    ],
)
def test_next_never_leaves_the_site(client, users, target, lands):
    from urllib.parse import quote

    r, _ = login(client, "dispatcher", query="?next=" + quote(target, safe=""))
    assert r.status_code == 302
    location = r.headers["Location"]
    if lands:
        assert location == lands
    else:
        assert location == "/", location


def test_anonymous_page_redirects_to_login_with_next(client):
    r = client.get("/tickets?q=x")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=")
    assert "tickets" in r.headers["Location"]


def test_logout(client, users):
    _, token = login(client, "operator")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/api/v1/tickets").status_code == 401


# --- CSRF ----------------------------------------------------------------------------------------

BODY = {"category": "repair", "matter": "x", "caller": {"phone": "13800138000"}}


def test_login_form_without_csrf_token_refused(app, client, users):
    client.get("/login")
    r = client.post("/login", data={"username": "operator", "password": PASSWORD})
    assert r.status_code == 400
    assert client.get("/api/v1/tickets").status_code == 401
    assert _events(app) == []


def test_login_form_with_a_forged_csrf_token_refused(client, users):
    client.get("/login")
    r = client.post("/login", data={"username": "operator", "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 400


def test_session_api_post_needs_the_csrf_header(session_client):
    client, token = session_client("operator")
    refused = client.post("/api/v1/tickets", json=BODY)
    assert refused.status_code == 400 and refused.is_json and "CSRF" in refused.json["error"]
    assert client.post("/api/v1/tickets", json=BODY, headers={"X-CSRFToken": "forged"}).status_code == 400
    accepted = client.post("/api/v1/tickets", json=BODY, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.json
    assert accepted.json["channel"] == "phone"  # a person at the console, not a machine


def test_csrf_token_of_another_session_refused(app, session_client):
    client, _ = session_client("operator")
    _, other_token = session_client("supervisor")
    assert client.post("/api/v1/tickets", json=BODY, headers={"X-CSRFToken": other_token}).status_code == 400


def test_bearer_post_needs_no_csrf(api, users):
    assert api("operator").post("/api/v1/tickets", json=BODY).status_code == 201


def test_page_form_post_needs_csrf(app, session_client, api):
    number = api("operator").post("/api/v1/tickets", json=BODY).json["number"]
    client, token = session_client("operator")
    assert client.post(f"/tickets/{number}/notes", data={"body": "no token"}).status_code == 400
    assert client.post(f"/tickets/{number}/notes", data={"body": "with token", "csrf_token": token}).status_code == 302
    notes = api("operator").get(f"/api/v1/tickets/{number}").json["notes"]
    assert [n["body"] for n in notes] == ["with token"]


def test_csrf_is_really_on_in_tests(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True


def test_login_page_has_a_csrf_field(client):
    assert csrf_from(client.get("/login").get_data(as_text=True))
