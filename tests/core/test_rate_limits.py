"""Rate limits (hotline/core/ratelimit.py) with the production settings: the API per user,
sign-in per address and per username (failed attempts only); 429 with Retry-After, a JSON
code on the API and the sign-in form on the page; counts shared through Redis.

The rest of the suite runs without limits (tests/conftest.py): these tests turn them on."""
import re
import subprocess
import time

import pytest
import redis
from fixtures.app import PASSWORD, csrf_from
from fixtures.db import TEST_CONFIG
from fixtures.live import free_port

from hotline import create_app
from hotline.core.config import load_config


@pytest.fixture(autouse=True)
def production_limits(monkeypatch):
    """Before the app is made: limits on, at their defaults."""
    monkeypatch.setenv("HOTLINE_RATELIMIT_ENABLED", "1")
    for name in ("HOTLINE_RATELIMIT_API", "HOTLINE_RATELIMIT_LOGIN", "HOTLINE_RATELIMIT_LOGIN_USER", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)


def test_the_defaults(app):
    assert app.config["RATELIMIT_ENABLED"] is True
    assert (app.config["RATELIMIT_API"], app.config["RATELIMIT_LOGIN"], app.config["RATELIMIT_LOGIN_USER"]) == (
        "600 per minute", "30 per minute", "10 per minute")
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_configurable_from_the_environment(monkeypatch):
    monkeypatch.setenv("HOTLINE_RATELIMIT_API", "5000 per minute")
    monkeypatch.setenv("HOTLINE_RATELIMIT_ENABLED", "0")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    config = load_config()
    assert config["RATELIMIT_API"] == "5000 per minute"
    assert config["RATELIMIT_ENABLED"] is False
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def assert_retry_after(response) -> int:
    assert response.status_code == 429
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 61
    return seconds


def test_api_per_user_600_a_minute(api):
    operator = api("operator")
    for _ in range(600):
        assert operator.get("/api/v1/categories").status_code == 200
    refused = operator.get("/api/v1/categories")
    seconds = assert_retry_after(refused)
    body = refused.get_json()
    assert body["code"] == "rate_limited" and body["retry_after"] == seconds
    assert body["error"] == f"Too many requests; try again in {seconds} seconds."
    assert refused.headers["Cache-Control"] == "no-store"
    # Every route shares the one count; writes too.
    assert operator.get("/api/v1/tickets").status_code == 429
    assert operator.post("/api/v1/tickets", json={}).status_code == 429
    # Another user is counted apart.
    assert api("dispatcher").get("/api/v1/categories").status_code == 200


def test_api_without_credentials_counted_per_address(client, tokens):
    """Guessing tokens: each guess is a new token, so the address is what is counted."""
    there = {"REMOTE_ADDR": "10.1.1.1"}
    for i in range(600):
        answer = client.get("/api/v1/categories", headers={"Authorization": f"Bearer guess-{i}"}, environ_base=there)
        assert answer.status_code == 401
    assert_retry_after(client.get("/api/v1/categories", environ_base=there))
    assert client.get("/api/v1/categories", environ_base={"REMOTE_ADDR": "10.1.1.2"}).status_code == 401
    # A valid token from that address is its user's count, not the address's.
    ok = client.get("/api/v1/categories", headers={"Authorization": f"Bearer {tokens['operator']}"}, environ_base=there)
    assert ok.status_code == 200


def sign_in(client, username, password="wrong password", address="10.0.0.1"):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address}, headers={"Accept-Language": "en"})


@pytest.fixture
def no_lockout(app):
    """The sign-in lockout (hotline/users/services.py) counts failures too: set far off, so
    what these tests meet is the rate limit."""
    app.config["LOGIN_MAX_FAILURES"] = 10_000


def test_sign_in_per_address_30_failures_a_minute(app, client, users, no_lockout):
    for i in range(30):
        assert sign_in(client, f"nobody-{i}").status_code == 401
    refused = sign_in(client, "nobody-30")
    assert_retry_after(refused)
    page = refused.get_data(as_text=True)
    assert "Too many sign-in attempts. Try again in" in page and 'name="csrf_token"' in page
    assert re.search(r'name="username"[^>]*value="nobody-30"', page)  # the form, as it was typed
    assert refused.headers["Cache-Control"] == "no-store"
    # The right password from that address waits too; another address signs in.
    assert sign_in(client, "operator", PASSWORD).status_code == 429
    assert sign_in(app.test_client(), "operator", PASSWORD, address="10.0.0.2").status_code == 302
    # The form itself is never limited.
    assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def test_successful_sign_ins_are_not_counted(app, users, no_lockout):
    """A whole shift behind one NAT address signs in at once."""
    for _ in range(40):
        assert sign_in(app.test_client(), "operator", PASSWORD).status_code == 302


def test_sign_in_per_username_10_failures_a_minute(app, client, users, no_lockout):
    for i in range(10):
        assert sign_in(client, "Operator ", address=f"10.0.1.{i}").status_code == 401
    assert_retry_after(sign_in(client, "operator", PASSWORD, address="10.0.2.1"))
    assert sign_in(client, "dispatcher", PASSWORD, address="10.0.2.1").status_code == 302


def test_disabled(app, api, monkeypatch):
    monkeypatch.setenv("HOTLINE_RATELIMIT_ENABLED", "0")
    monkeypatch.setenv("HOTLINE_RATELIMIT_API", "2 per minute")
    unlimited = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    client = unlimited.test_client()
    assert all(client.get("/api/v1/categories").status_code == 401 for _ in range(5))


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(10)


def test_web_processes_share_counts_through_redis(app, redis_url, monkeypatch):
    """Two apps (two web processes) on one Redis: one count per caller."""
    monkeypatch.setenv("HOTLINE_RATELIMIT_API", "6 per minute")
    settings = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "RATELIMIT_STORAGE_URI": redis_url}
    first, second = (create_app(settings).test_client() for _ in range(2))
    for c in (first, second, first, second, first, second):
        assert c.get("/api/v1/categories").status_code == 401
    assert_retry_after(first.get("/api/v1/categories"))
    assert_retry_after(second.get("/api/v1/categories"))
    assert any(key.startswith(b"LIMITS:") for key in redis.Redis.from_url(redis_url).scan_iter())


def test_a_storage_outage_lets_requests_through(app, monkeypatch):
    """Redis down must not stop the center: counted in memory meanwhile."""
    settings = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0"}
    client = create_app(settings).test_client()
    assert [client.get("/api/v1/categories").status_code for _ in range(3)] == [401] * 3


def test_behind_a_proxy_the_forwarded_address_counts(app, monkeypatch):
    """HOTLINE_PROXIES=1 (nginx): clients are told apart by X-Forwarded-For, not all
    counted as nginx's address."""
    monkeypatch.setenv("HOTLINE_RATELIMIT_API", "3 per minute")
    for proxies, second_status in ((1, 401), (0, 429)):
        proxied = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                              "PROXIES": proxies}).test_client()

        def call(address, client=proxied):
            return client.get("/api/v1/categories", headers={"X-Forwarded-For": address})

        assert [call("203.0.113.7").status_code for _ in range(3)] == [401] * 3
        assert_retry_after(call("203.0.113.7"))
        assert call("203.0.113.8").status_code == second_status
