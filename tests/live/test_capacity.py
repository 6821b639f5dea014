"""Capacity: one server on the production config (gunicorn.conf.py: the gevent worker,
embedded SQLite and SLA scheduler) holds hundreds of live WebSocket connections while
ordinary requests keep answering, and a ticket's live event reaches every one of them.

Real gunicorn, real authenticated python-socketio clients (bench/swarm.py: one process,
the clients on greenlets). On the former config (gthread, 100 threads: a WebSocket held a
thread) this fails: the 101st connection waits for a thread that never comes free, and so
do /healthz and POST /api/v1/tickets."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
import requests
from fixtures.live import ROOT, live_server  # noqa: F401  (module-scoped fixture)

sys.path.insert(0, str(ROOT / "bench"))
from swarm import SwarmProcess  # noqa: E402

CLIENTS = 300
QUICK = 2.0  # seconds: generous, a request stuck behind the connections takes forever

TOKENS = """
import json
from sqlalchemy import select
from hotline.users.models import User
from hotline.users.services import create_token
print(json.dumps({name: create_token(db.session.scalar(select(User).where(User.username == name)), "capacity")[1]
                  for name in ("board", "operator")}))
"""


@pytest.fixture(scope="module")
def server(live_server):  # noqa: F811
    live_server.tokens = json.loads(live_server.run_in_app(TOKENS).strip().splitlines()[-1])
    return live_server


def timed(call) -> tuple[float, int | str]:
    t0 = time.monotonic()
    try:
        status = call().status_code
    except requests.RequestException as exc:
        status = type(exc).__name__
    return time.monotonic() - t0, status


def test_hundreds_of_live_connections_and_requests_keep_answering(server):
    swarm = SwarmProcess(server.url, server.tokens["board"], CLIENTS, concurrency=100, timeout=10)
    http = requests.Session()
    auth = {"Authorization": f"Bearer {server.tokens['operator']}"}
    try:
        opened = swarm.connected()
        # While they are all connected: ordinary requests, each bounded by the client's timeout.
        health = [timed(lambda: http.get(server.url + "/healthz", timeout=QUICK + 3)) for _ in range(5)]
        body = {"category": "repair", "matter": "Capacity: burst pipe", "caller": {"phone": "13900139000"}}
        t0 = time.time()
        r = None
        try:
            r = http.post(server.url + "/api/v1/tickets", json=body, headers=auth, timeout=QUICK + 3)
        except requests.RequestException as exc:
            post = (time.time() - t0, type(exc).__name__)
        else:
            post = (time.time() - t0, r.status_code)
        reached = None
        if r is not None and r.status_code == 201:
            reached = swarm.send(cmd="wait", event="ticket.created", number=r.json()["number"], timeout=20)
        stats = swarm.send(cmd="stats")
    finally:
        swarm.close()
        http.close()

    assert opened["connected"] == CLIENTS, opened
    assert all(status == 200 and seconds < QUICK for seconds, status in health), health
    assert post[1] == 201 and post[0] < QUICK, post
    # The ticket's event reached every connected client, in time.
    assert reached is not None and reached["received"] == reached["of"] == CLIENTS, reached
    assert reached["last"] - t0 < 10, reached
    assert stats["connected"] == CLIENTS and stats["dropped"] == 0, stats
    # The server is still whole: a fresh request after they all left.
    assert requests.get(server.url + "/healthz", timeout=5).status_code == 200
