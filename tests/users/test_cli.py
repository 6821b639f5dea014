"""flask create-user and flask tokens create/list/revoke, through the real CLI."""
import re

from fixtures.app import PASSWORD, login
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.users.models import ApiToken, Role, User


def test_create_user(app, runner, client):
    r = runner.invoke(args=["create-user", "li.na", "--role", "operator", "--name", "Li Na", "--password", PASSWORD])
    assert r.exit_code == 0, r.output
    assert "created operator li.na" in r.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "li.na"))
        assert (user.role, user.display_name, user.active) == (Role.OPERATOR, "Li Na", True)
        assert user.password_hash != PASSWORD and user.check_password(PASSWORD)
    assert login(client, "li.na")[0].status_code == 302


def test_create_user_twice_or_bad_role_fails_cleanly(runner, users):
    r = runner.invoke(args=["create-user", "operator", "--role", "operator", "--password", "x"])
    assert r.exit_code != 0 and "exists" in r.output
    r = runner.invoke(args=["create-user", "someone", "--role", "emperor", "--password", "x"])
    assert r.exit_code != 0


def _token_from(output: str) -> tuple[int, str]:
    match = re.search(r"token (\d+) for .*: (hl_\S+)", output)
    assert match, output
    return int(match.group(1)), match.group(2)


def test_token_works_as_bearer_then_revoke_is_immediate(app, runner, client, users):
    r = runner.invoke(args=["tokens", "create", "--user", "operator", "--name", "CTI gateway"])
    assert r.exit_code == 0, r.output
    token_id, secret = _token_from(r.output)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    created = client.post("/api/v1/tickets", json={"category": "repair", "matter": "from the CTI"}, headers=headers)
    assert created.status_code == 201 and created.json["channel"] == "api"

    with app.app_context():  # only the digest is kept
        token = db.session.get(ApiToken, token_id)
        assert secret not in (token.token_hash, token.prefix) and secret.startswith(token.prefix)

    listing = runner.invoke(args=["tokens", "list"])
    assert "CTI gateway" in listing.output and "active" in listing.output and secret not in listing.output

    r = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert r.exit_code == 0, r.output
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output


def test_token_for_unknown_user_or_revoking_unknown_token(runner, users):
    r = runner.invoke(args=["tokens", "create", "--user", "ghost", "--name", "x"])
    assert r.exit_code != 0 and "no user ghost" in r.output
    r = runner.invoke(args=["tokens", "revoke", "999"])
    assert r.exit_code != 0 and "no token 999" in r.output
