"""Fixtures: an app on a fresh SQLite file built by the migrations, and signed-in clients."""
import os
import shutil
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from hotline import create_app
from hotline.core import clock
from hotline.core.extensions import db
from hotline.units.models import Unit, UnitKind
from hotline.users.models import Role
from hotline.users.services import create_token, create_user

PASSWORD = "correct horse battery"


# Hashing strength is not under test here; full-strength scrypt per user per test is.
TEST_CONFIG = {"TESTING": True, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory) -> Path:
    """One database built by the migrations; each test gets a copy of the file."""
    folder = tmp_path_factory.mktemp("migrated")
    path = folder / "template.db"
    os.environ["HOTLINE_INSTANCE"] = str(folder)
    try:
        template = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with template.app_context():
            upgrade()
            db.session.remove()
            db.engine.dispose()  # the last connection closing folds the WAL into the file
    finally:
        del os.environ["HOTLINE_INSTANCE"]
    return path


class OwnUserClient(FlaskClient):
    """A request made while the test holds an app context open runs in that context
    and shares its `g`, where Flask-Login caches the signed-in user: without this,
    api("crew") after api("operator") would run as the operator."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(tmp_path, monkeypatch, migrated_db):
    monkeypatch.setenv("HOTLINE_INSTANCE", str(tmp_path))
    shutil.copy(migrated_db, tmp_path / "test.db")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}"})
    app.test_client_class = OwnUserClient
    yield app
    clock.reset()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def units(app):
    with app.app_context():
        branch = Unit(code="north", name="North branch", kind=UnitKind.BRANCH)
        crew = Unit(code="north-crew-1", name="North crew 1", kind=UnitKind.CREW, parent=branch)
        other = Unit(code="south", name="South branch", kind=UnitKind.BRANCH)
        db.session.add_all([branch, crew, other])
        db.session.commit()
        return {"north": branch.id, "crew": crew.id, "south": other.id}


@pytest.fixture
def users(app, units):
    """One user per role; the crew belongs to the north branch."""
    with app.app_context():
        made = {}
        for role in Role:
            unit = units["north"] if role == Role.CREW else None
            made[role.value] = create_user(role.value, PASSWORD, role, f"{role.value.title()} One", unit).id
        db.session.commit()
        return made


@pytest.fixture
def tokens(app, users):
    """A bearer token per role."""
    from hotline.users.models import User

    with app.app_context():
        out = {}
        for role, user_id in users.items():
            _, secret = create_token(db.session.get(User, user_id), f"{role} test token")
            out[role] = secret
        db.session.commit()
        return out


@pytest.fixture
def api(client, tokens):
    """api(role).post(...): a test client call with that role's bearer token."""

    class As:
        def __init__(self, role):
            self.headers = {"Authorization": f"Bearer {tokens[role]}"}

        def __getattr__(self, method):
            def call(path, **kw):
                kw.setdefault("headers", {}).update(self.headers)
                return getattr(client, method)(path, **kw)

            return call

    return As


# --- Test-engineering fixtures (service tests, sessions, CSRF) ------------------------------

import re  # noqa: E402

_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The hidden csrf_token of a rendered form."""
    match = _CSRF_INPUT.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD, **kw):
    """Sign in through the real login form (with its CSRF token); returns (response, csrf token)."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login" + kw.pop("query", ""),
        data={"username": username, "password": password, "csrf_token": token},
        **kw,
    )
    return response, token


@pytest.fixture
def ctx(app):
    """An application context for service tests (no HTTP)."""
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def user_of(ctx, users):
    """user_of('operator') -> the User row, in the current app context."""
    from hotline.users.models import User

    return lambda role: db.session.get(User, users[role])


@pytest.fixture
def new_ticket(ctx, user_of):
    """new_ticket(role='operator', channel='phone', **fields) through the real service."""
    from hotline.tickets import services
    from hotline.tickets.models import Channel
    from hotline.tickets.schemas import TicketCreate

    def make(role="operator", channel=Channel.PHONE, **fields):
        channel = Channel(channel)
        fields.setdefault("category", "repair")
        fields.setdefault("matter", "The tap in the kitchen drips")
        if channel == Channel.PHONE:
            fields.setdefault("caller", {"phone": "13800138000", "name": "Wang Fang"})
        ticket = services.create_ticket(TicketCreate(**fields), user_of(role), channel)
        db.session.commit()
        return ticket

    return make


@pytest.fixture
def session_client(app, users):
    """session_client(role) -> (a test client signed in through the form, its CSRF token)."""

    def make(role):
        c = app.test_client()
        response, token = login(c, role)
        assert response.status_code == 302, response.get_data(as_text=True)
        return c, token

    return make
