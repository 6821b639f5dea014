"""/healthz (hotline/core/health.py): the database, a real redis-server, and the SLA scheduler's
heartbeat written by the real scheduler's sweep."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest

from hotline.core import clock, heartbeat
from hotline.sla.engine.scheduler import SlaScheduler


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_server(tmp_path):
    exe = shutil.which("redis-server")
    if not exe:
        pytest.skip("no redis-server")
    port = _free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    proc.url = f"redis://127.0.0.1:{port}/0"
    yield proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(10)


def test_redis_configured_and_up_then_stopped(app, client, redis_server):
    app.config["REDIS_URL"] = redis_server.url
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json["redis"] == "ok" and r.json["down"] == []
    redis_server.terminate()
    redis_server.wait(10)
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json["status"] == "error" and r.json["down"] == ["redis"]
    assert r.json["redis"] == "ConnectionError" and r.json["database"] == "ok"


def test_no_redis_configured_is_off_not_down(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json["redis"] == "off"


def test_scheduler_heartbeat_from_its_sweep(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SLA_SCHEDULER", "worker")  # the scheduler runs elsewhere
    monkeypatch.setitem(app.config, "SLA_SAFETY_SWEEP_SECONDS", 60)
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json["down"] == ["scheduler"]
    assert r.json["scheduler"]["status"] == "down" and r.json["scheduler"]["last_sweep"] is None

    SlaScheduler(app).run()  # one real sweep, as the worker's job runs it
    r = client.get("/healthz")
    assert r.status_code == 200, r.json
    s = r.json["scheduler"]
    assert s["status"] == "ok" and s["mode"] == "worker" and s["stale_after_seconds"] == 180
    assert s["last_sweep"] is not None and ":" in s["process"]

    clock.advance(timedelta(seconds=179))
    assert client.get("/healthz").status_code == 200
    clock.advance(timedelta(seconds=2))  # three safety intervals without a sweep
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json["down"] == ["scheduler"] and r.json["scheduler"]["status"] == "down"


def test_next_deadline_is_reported(app, client, api, monkeypatch):
    monkeypatch.setitem(app.config, "SLA_SCHEDULER", "worker")
    r = api("operator").post("/api/v1/tickets", json={
        "category": "leak", "matter": "Water", "caller": {"phone": "13800138000"}})
    assert r.status_code == 201
    SlaScheduler(app).run()
    s = client.get("/healthz").json["scheduler"]
    assert s["next_deadline"] is not None and s["next_deadline"] > s["last_sweep"]


def test_embedded_mode_with_no_scheduler_here_is_off(app, client, monkeypatch):
    assert client.get("/healthz").json["scheduler"] == {"status": "off", "mode": "embedded"}
    heartbeat.mark_started(app)  # embedded, started, never swept
    assert client.get("/healthz").status_code == 503
    heartbeat.mark_started(app, False)
    assert client.get("/healthz").status_code == 200


def test_database_down_is_named(tmp_path, monkeypatch):
    from fixtures.app import TEST_CONFIG

    from hotline import create_app

    monkeypatch.setenv("HOTLINE_INSTANCE", str(tmp_path))
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/folder/x.db"})
    r = app.test_client().get("/healthz")
    assert r.status_code == 503 and r.json["down"] == ["database"], r.json
    assert r.json["database"] == "OperationalError"
