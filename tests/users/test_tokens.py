"""Tokens for wall screens and integrations: the API and /settings/tokens (admins),
the secret shown once, last use kept to the minute, expiry, audit, and the CLI."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from fixtures.app import csrf_from
from sqlalchemy import select

from hotline.audit.models import AuditEvent
from hotline.core import clock
from hotline.core.extensions import db
from hotline.users.models import ApiToken

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def _token(app, token_id) -> ApiToken:
    with app.app_context():
        token = db.session.get(ApiToken, token_id)
        db.session.expunge(token)
        return token


def test_create_list_revoke_through_the_api(app, api):
    clock.freeze(T0)
    r = api("admin").post("/api/v1/tokens", json={"user": "board", "name": "Hall screen", "expires_in_days": 30})
    assert r.status_code == 201, r.json
    made = r.json
    assert made["kind"] == "board" and made["secret"].startswith(made["prefix"])
    assert made["kiosk_url"].endswith(f"/board/kiosk?token={made['secret']}")
    assert made["expires_at"] == (T0 + timedelta(days=30)).isoformat() and made["usable"]
    listed = api("admin").get("/api/v1/tokens").json["items"]
    mine = next(t for t in listed if t["id"] == made["id"])
    assert "secret" not in mine and made["secret"] not in str(listed)
    integration = api("admin").post("/api/v1/tokens", json={"user": "operator", "name": "CTI gateway"}).json
    assert integration["kind"] == "integration" and integration["kiosk_url"] is None and integration["expires_at"] is None
    # the new integration token works, and stops at once when revoked
    bearer = {"Authorization": f"Bearer {integration['secret']}"}
    client = app.test_client()
    assert client.get("/api/v1/tickets", headers=bearer).status_code == 200
    r = api("admin").post(f"/api/v1/tokens/{integration['id']}/revoke", json={})
    assert r.status_code == 200 and r.json["revoked_at"] and not r.json["usable"]
    assert client.get("/api/v1/tickets", headers=bearer).status_code == 401
    # revoking again changes nothing
    assert api("admin").post(f"/api/v1/tokens/{integration['id']}/revoke", json={}).json["revoked_at"] == r.json["revoked_at"]
    with app.app_context():
        actions = db.session.execute(select(AuditEvent.action, AuditEvent.target_id, AuditEvent.detail)
                                     .where(AuditEvent.action.like("token.%"), AuditEvent.actor_name == "Admin One")
                                     .order_by(AuditEvent.id)).all()
    assert [(a, int(t)) for a, t, _ in actions] == [("token.create", made["id"]), ("token.create", integration["id"]),
                                                   ("token.revoke", integration["id"])]
    assert all(made["secret"] not in str(d) for _, _, d in actions)


@pytest.mark.parametrize("body,field,code", [
    ({"user": "ghost", "name": "x"}, "user", "no_such_user"),
    ({"user": "board", "name": ""}, "name", "required"),
    ({"user": "board", "name": "x", "expires_in_days": 0}, "expires_in_days", "at_least"),
    ({"user": "board", "name": "x", "expires_in_days": 10 ** 30}, "expires_in_days", "at_most"),
    ({"user": "board", "name": "x", "expires_in_days": "yes"}, "expires_in_days", "not_whole_number"),
    ({"user": "board", "name": "x", "secret": "mine"}, "secret", "not_expected"),
])
def test_bad_token_input_is_422(api, body, field, code):
    r = api("admin").post("/api/v1/tokens", json=body)
    assert r.status_code == 422, r.json
    assert r.json["codes"][field] == code


def test_revoking_an_unknown_token_is_404(api):
    for token_id in (999999, 2 ** 63, 10 ** 30):
        r = api("admin").post(f"/api/v1/tokens/{token_id}/revoke", json={})
        assert r.status_code == 404, (token_id, r.status_code)


def test_a_token_of_a_deactivated_user_cannot_be_made(app, api, users):
    from hotline.users.models import User

    with app.app_context():
        db.session.get(User, users["crew"]).active = False
        db.session.commit()
    r = api("admin").post("/api/v1/tokens", json={"user": "crew", "name": "x"})
    assert r.status_code == 422 and r.json["codes"]["user"] == "user_inactive"


def test_an_expired_token_is_refused(app, api):
    clock.freeze(T0)
    made = api("admin").post("/api/v1/tokens", json={"user": "dispatcher", "name": "Radio bridge",
                                                      "expires_in_days": 1}).json
    bearer = {"Authorization": f"Bearer {made['secret']}"}
    client = app.test_client()
    clock.advance(timedelta(hours=23))
    assert client.get("/api/v1/tickets", headers=bearer).status_code == 200
    clock.advance(timedelta(hours=1, seconds=1))
    assert client.get("/api/v1/tickets", headers=bearer).status_code == 401
    listed = next(t for t in api("admin").get("/api/v1/tokens").json["items"] if t["id"] == made["id"])
    assert not listed["usable"] and listed["revoked_at"] is None


def test_last_use_is_kept_to_the_minute(app, api):
    clock.freeze(T0)
    made = api("admin").post("/api/v1/tokens", json={"user": "dispatcher", "name": "Radio bridge"}).json
    assert made["last_used_at"] is None
    bearer = {"Authorization": f"Bearer {made['secret']}"}
    client = app.test_client()
    client.get("/api/v1/tickets", headers=bearer)
    assert _token(app, made["id"]).last_used_at == T0
    clock.advance(timedelta(seconds=30))  # within the minute: no write
    client.get("/api/v1/tickets", headers=bearer)
    assert _token(app, made["id"]).last_used_at == T0
    clock.advance(timedelta(seconds=31))
    client.post("/api/v1/tickets", headers=bearer, json={"category": "repair", "matter": "x",
                                                         "caller": {"phone": "13800138000"}})
    assert _token(app, made["id"]).last_used_at == T0 + timedelta(seconds=61)


def test_tokens_page_shows_the_secret_once(app, session_client):
    client, token = session_client("admin")
    page = client.get("/settings/tokens")
    assert page.status_code == 200
    r = client.post("/settings/tokens", data={"user": "board", "name": "Hall screen", "expires_in_days": "30",
                                               "csrf_token": token})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    secret = re.search(r'id="token-secret">(hl_[^<]+)<', html).group(1)
    assert f"/board/kiosk?token={secret}" in html
    again = client.get("/settings/tokens").get_data(as_text=True)
    assert secret not in again and "Hall screen" in again
    # the secret never rides in the (signed, readable) session cookie
    assert secret not in (client.get_cookie("session").value or "")
    with app.app_context():
        made = db.session.scalar(select(ApiToken).where(ApiToken.name == "Hall screen"))
        made_id = made.id
        assert made.expires_at is not None
    token = csrf_from(again)
    r = client.post(f"/settings/tokens/{made_id}/revoke", data={"csrf_token": token})
    assert r.status_code == 302
    assert _token(app, made_id).revoked_at is not None


def test_tokens_page_form_errors_are_422(app, session_client):
    client, token = session_client("admin")
    for data in ({"user": "ghost", "name": "x"}, {"user": "board", "name": ""},
                 {"user": "board", "name": "x", "expires_in_days": "-1"},
                 {"user": "board", "name": "x", "expires_in_days": "99999999999"}):
        r = client.post("/settings/tokens", data={**data, "csrf_token": token})
        assert r.status_code == 422, data
        assert "token-secret" not in r.get_data(as_text=True)
    assert client.post("/settings/tokens/99999999999999999999999/revoke", data={"csrf_token": token}).status_code == 404


def test_cli_token_with_expiry(app, runner, users):
    r = runner.invoke(args=["tokens", "create", "--user", "board", "--name", "Hall", "--expires", "7"])
    assert r.exit_code == 0, r.output
    assert "expires" in r.output and "kiosk address: <server>/board/kiosk?token=hl_" in r.output
    token_id = int(re.search(r"token (\d+) for", r.output).group(1))
    assert _token(app, token_id).expires_at is not None
    assert "until" in runner.invoke(args=["tokens", "list"]).output
    assert runner.invoke(args=["tokens", "create", "--user", "board", "--name", "x", "--expires", "0"]).exit_code != 0
