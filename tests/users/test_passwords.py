"""Passwords: the strength rule, a person's own change (counted toward the lockout, ending
their other sessions), and the must-change gate after an admin's reset."""
import pytest
from fixtures.app import PASSWORD, csrf_from, login
from sqlalchemy import select

from hotline.audit.models import AuditEvent
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.users.models import LoginEvent, User
from hotline.users.passwords import check_strength, temporary_password
from hotline.users.services import check_password_counted

NEW = "ferry lantern quietly 97"
EN = {"Accept-Language": "en"}


@pytest.mark.parametrize("password,code", [
    ("short1", "too_short_text"),
    ("password1234", "password_weak"),
    ("qwertyuiopasdf", "password_weak"),
    ("1234567890123", "password_weak"),
    ("aaaaaaaaaaaaaa", "password_weak"),
    ("xx-li.na-2026-xx", "password_has_username"),
    ("LI.NA lantern ferry", "password_has_username"),
    ("x" * 201, "too_long_text"),
])
def test_strength_refusals(ctx, password, code):
    with pytest.raises(ValidationFailed) as refused:
        check_strength(password, "li.na")
    assert refused.value.problems["new_password"].code == code


def test_strength_is_configurable_and_good_passwords_pass(ctx):
    check_strength(NEW, "li.na")
    check_strength(temporary_password(), "li.na")
    ctx.config["HOTLINE_PASSWORD_MIN_LENGTH"] = 30
    with pytest.raises(ValidationFailed):
        check_strength(NEW, "li.na")
    ctx.config.update(HOTLINE_PASSWORD_MIN_LENGTH=4, HOTLINE_PASSWORD_MIN_SCORE=0)
    check_strength("pass", "li.na")


def test_temporary_passwords_differ_and_read_easily():
    made = {temporary_password() for _ in range(50)}
    assert len(made) == 50
    assert all(len(p) == 19 and not set(p) & set("0O1lI") for p in made)


def _change(client, current=PASSWORD, new=NEW, again=None, headers=None):
    page = client.get("/account/password", headers=headers)
    assert page.status_code == 200
    return client.post("/account/password", headers=headers, data={
        "current_password": current, "new_password": new, "new_password_again": again if again is not None else new,
        "csrf_token": csrf_from(page.get_data(as_text=True))})


def test_own_change_keeps_this_browser_and_ends_the_others(app, session_client, users):
    here, _ = session_client("operator")
    elsewhere, _ = session_client("operator")
    r = _change(here)
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert here.get("/api/v1/tickets").status_code == 200  # signed in again
    assert elsewhere.get("/api/v1/tickets").status_code == 401
    assert elsewhere.get("/tickets").status_code == 302
    assert login(app.test_client(), "operator")[0].status_code == 401
    assert login(app.test_client(), "operator", NEW)[0].status_code == 302
    with app.app_context():
        (entry,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_change")).all()
        assert entry.actor_id == users["operator"] and entry.detail is None
        assert NEW not in str(entry.__dict__) and PASSWORD not in str(entry.__dict__)


def test_refusals_say_why_in_the_readers_language(app, session_client, users):
    client, _ = session_client("operator")
    r = _change(client, new=NEW, again=NEW + "!", headers=EN)
    assert r.status_code == 422 and "The two new passwords differ." in r.get_data(as_text=True)
    r = _change(client, new="password1234", headers=EN)
    assert "Too easy to guess: it is a very common password." in r.get_data(as_text=True)
    r = _change(client, new="operator lantern 97", headers=EN)
    assert "Must not contain the username." in r.get_data(as_text=True)
    r = _change(client, new=PASSWORD, headers=EN)
    assert "The new password must differ from the current one." in r.get_data(as_text=True)
    zh = _change(client, new="password1234", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "太容易猜到" in zh and 'lang="zh-CN"' in zh
    with app.app_context():
        assert db.session.get(User, users["operator"]).check_password(PASSWORD)  # unchanged


def test_a_wrong_current_password_counts_toward_the_lockout(app, session_client, users):
    client, _ = session_client("operator")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        r = _change(client, current="not my password", headers=EN)
        assert r.status_code == 422 and "Wrong password." in r.get_data(as_text=True)
    with app.app_context():
        failures = db.session.scalars(select(LoginEvent).where(LoginEvent.username == "operator")).all()
        assert [(e.success, e.reason) for e in failures][-limit:] == [(False, "invalid")] * limit
    # locked now: the right password is refused too, here and at the sign-in
    assert _change(client).status_code == 422
    assert login(app.test_client(), "operator")[0].status_code == 429
    with app.app_context():
        assert db.session.get(User, users["operator"]).check_password(PASSWORD)


def test_check_password_counted(ctx, user_of):
    op = user_of("operator")
    assert check_password_counted(op, PASSWORD, "10.0.0.1", "pytest") is True
    assert check_password_counted(op, "nope", "10.0.0.1", "pytest") is False
    events = db.session.scalars(select(LoginEvent)).all()
    assert [(e.username, e.success, e.reason, e.ip) for e in events] == [("operator", False, "invalid", "10.0.0.1")]


def test_must_change_gate_after_a_reset(app, api, users):
    temporary = api("admin").post("/api/v1/users/supervisor/reset-password", json={}).json["temporary_password"]
    client = app.test_client()
    r, _ = login(client, "supervisor", temporary, query="?next=/sla")
    assert r.status_code == 302
    r = client.get(r.headers["Location"])
    assert r.status_code == 302 and r.headers["Location"].startswith("/account/password?next=/sla")
    for path in ("/", "/tickets", "/settings"):
        r = client.get(path)
        assert r.status_code == 302 and r.headers["Location"].startswith("/account/password"), path
    r = client.get("/api/v1/tickets")
    assert r.status_code == 403 and r.json["code"] == "password_change_required"
    assert api("supervisor").get("/api/v1/tickets").status_code == 200  # a token is its own credential
    page = client.get("/account/password?next=/sla", headers=EN)
    assert page.status_code == 200 and "An administrator set a temporary password" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    r = client.post("/account/password?next=/sla", data={
        "current_password": temporary, "new_password": NEW, "new_password_again": NEW, "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"] == "/sla"
    assert client.get("/sla").status_code == 200
    assert client.get("/api/v1/tickets").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "supervisor")).must_change_password is False


def test_sign_out_is_open_to_a_gated_user(app, api, users):
    temporary = api("admin").post("/api/v1/users/operator/reset-password", json={}).json["temporary_password"]
    client = app.test_client()
    _, token = login(client, "operator", temporary)  # the sign-in form's token: the session's
    r = client.post("/logout", data={"csrf_token": token})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
