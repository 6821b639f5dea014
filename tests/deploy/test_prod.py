"""scripts/prod: the production layout on one machine (nginx, two gunicorn web processes on
Redis, one sla-worker, SQLite or a fresh PostgreSQL database on HOTLINE_TEST_DATABASE_URL),
tried as a user would: through nginx, with a browser session and a real Socket.IO client."""
from __future__ import annotations

import os
import queue
import re
import signal
import time
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import socketio
from fixtures.live import browser, live_page, sign_in as browser_sign_in, wait_for_js  # noqa: F401
from fixtures.prod import ROOT, ProdLayout, alive, prod_layout, wait_gone  # noqa: F401

PASSWORD = "correct horse battery"


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def _environ(pid: int) -> dict:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(p.decode(errors="replace").split("=", 1) for p in pairs if b"=" in p)


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        p, pp = map(int, line.split())
        children.setdefault(pp, []).append(p)
    found, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            found.append(c)
            todo.append(c)
    return found


def sign_in(base: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    page = http.get(base + "/login", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    r = http.post(base + "/login", data={"username": "operator", "password": PASSWORD, "csrf_token": token},
                  allow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    home = http.get(base + "/", timeout=10)
    assert home.status_code == 200 and "/login" not in home.url
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', home.text).group(1)
    return http, csrf


def listener(url: str, token: str, transports: list[str]) -> tuple[socketio.Client, queue.Queue]:
    inbox: queue.Queue = queue.Queue()
    sio = socketio.Client(reconnection=False)
    sio.on("ticket.created", lambda data: inbox.put(data))
    sio.connect(url, auth={"token": token}, transports=transports, wait_timeout=10)
    return sio, inbox


def numbers_heard(inbox: queue.Queue, want: set[str], timeout: float = 10) -> set[str]:
    heard = set()
    try:
        while not want <= heard:
            data = inbox.get(timeout=timeout)
            heard.add(data.get("number") or data.get("ticket", {}).get("number"))
    except queue.Empty:
        pass
    return heard


def test_layout_serves_through_nginx(prod_layout):  # noqa: F811
    layout = prod_layout
    assert len(layout.web) == 2 and layout.url not in layout.web
    # Both web processes answer on their own ports, and nginx answers in front of them.
    for url in [*layout.web, layout.url]:
        assert requests.get(url + "/healthz", timeout=5).json()["database"] == "ok"
    # nginx serves the static files itself.
    r = requests.get(layout.url + "/static/vendor/socket.io.min.js", timeout=5)
    assert r.status_code == 200 and r.headers["Server"].startswith("nginx")

    # Socket.IO through nginx: a WebSocket (Upgrade proxied) and a long-polling client (sticky).
    ws, ws_inbox = listener(layout.url, layout.tokens["board"], ["websocket"])
    poll, poll_inbox = listener(layout.url, layout.tokens["supervisor"], ["polling"])
    try:
        # A browser session through nginx creates a ticket.
        http, csrf = sign_in(layout.url)
        body = {"category": "repair", "matter": "through nginx", "caller": {"phone": "13800138000"}}
        r = http.post(layout.url + "/api/v1/tickets", json=body, headers={"X-CSRFToken": csrf}, timeout=10)
        assert r.status_code == 201, r.text
        numbers = {r.json()["number"]}
        # One more on each web process directly: the event crosses processes through Redis.
        for web in layout.web:
            r = requests.post(web + "/api/v1/tickets", json={**body, "matter": "direct to " + web}, timeout=10,
                              headers={"Authorization": f"Bearer {layout.tokens['operator']}"})
            assert r.status_code == 201, r.text
            numbers.add(r.json()["number"])
        assert numbers_heard(ws_inbox, numbers) == numbers
        assert numbers_heard(poll_inbox, numbers) == numbers
    finally:
        ws.disconnect()
        poll.disconnect()


def test_exactly_one_sla_worker_and_webs_leave_the_scheduler_to_it(prod_layout):  # noqa: F811
    layout = prod_layout
    tree = _descendants(layout.proc.pid)
    workers = [p for p in tree if "sla-worker" in _cmdline(p)]
    assert workers == [layout.pids["sla_worker"]]
    for pid in layout.pids["web"]:
        env = _environ(pid)
        assert env["HOTLINE_SLA_SCHEDULER"] == "worker"
        assert env["REDIS_URL"] == layout.redis
        assert env["DATABASE_URL"] == layout.database
    keys = {_environ(pid)["SECRET_KEY"] for pid in [*layout.pids["web"], layout.pids["sla_worker"]]}
    assert len(keys) == 1


def test_sigterm_stops_everything(tmp_path):
    layout = ProdLayout(tmp_path / "instance", web=1).start()
    try:
        pids = [layout.proc.pid, *_descendants(layout.proc.pid)]
        assert len(pids) >= 6  # scripts/prod, redis, gunicorn master + worker, sla-worker, nginx (+ worker)
    finally:
        code = layout.stop()
    assert code == 0
    assert wait_gone(pids) == []


def test_render_nginx_for_systemd():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "prod"), "--render-nginx", "--web", "3",
                          "--port", "80"], capture_output=True, text=True, check=True).stdout
    assert "ip_hash;" in out and "listen 80;" in out
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", out) == ["8001", "8002", "8003"]
    assert "proxy_set_header Upgrade $http_upgrade;" in out and "proxy_buffering off;" in out
    assert "@" not in re.sub(r"#.*", "", out)


def test_one_key_sent_at_once_to_both_web_processes_creates_one_ticket(prod_layout):  # noqa: F811
    """Idempotency across processes (and on PostgreSQL when HOTLINE_TEST_DATABASE_URL is set)."""
    import threading
    import uuid

    layout = prod_layout
    headers = {"Authorization": f"Bearer {layout.tokens['operator']}"}
    for round_ in range(5):
        key = str(uuid.uuid4())
        body = {"category": "repair", "matter": f"idempotent {key}", "caller": {"phone": "13900139000"}}
        barrier = threading.Barrier(8)
        answers = []

        def post(url):
            barrier.wait()
            r = requests.post(url + "/api/v1/tickets", json=body, timeout=30,
                              headers={**headers, "Idempotency-Key": key})
            answers.append((r.status_code, r.json()))

        threads = [threading.Thread(target=post, args=(layout.web[i % 2],)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(answers) == 8
        assert all(status in (201, 409) for status, _ in answers), answers
        assert len({a["number"] for status, a in answers if status == 201}) == 1, answers
    count = layout.run_in_app("""
from sqlalchemy import func, select
from hotline.tickets.models import Ticket
print(db.session.scalar(select(func.count()).select_from(Ticket).where(Ticket.matter.like("idempotent %"))))
""")
    assert int(count.strip().splitlines()[-1]) == 5


def test_health_through_nginx_sees_the_workers_sweeps_and_redis(prod_layout):  # noqa: F811
    for url in [prod_layout.url, *prod_layout.web]:
        r = requests.get(url + "/healthz", timeout=5)
        assert r.status_code == 200, r.text
        health = r.json()
        assert health["redis"] == "ok" and health["down"] == []
        scheduler = health["scheduler"]
        # The web processes start no scheduler: what they report is the sla-worker's heartbeat.
        assert scheduler["status"] == "ok" and scheduler["mode"] == "worker"
        assert scheduler["last_sweep"] and scheduler["process"].endswith(f":{prod_layout.pids['sla_worker']}")


def test_redis_outage_is_named_and_the_layout_keeps_running(tmp_path):
    layout = ProdLayout(tmp_path / "instance", web=1).start()
    try:
        os.kill(layout.pids["redis"], signal.SIGTERM)
        assert wait_gone([layout.pids["redis"]]) == []
        r = requests.get(layout.url + "/healthz", timeout=10)
        assert r.status_code == 503 and r.json()["down"] == ["redis"], r.text
        time.sleep(1)
        assert layout.proc.poll() is None and alive(layout.pids["nginx"]) and alive(layout.pids["web"][0])
    finally:
        layout.stop()


@pytest.mark.browser
def test_the_wall_board_names_server_trouble(tmp_path, live_page):  # noqa: F811
    """A board stays connected to its web process while Redis is down: the banner says so."""
    layout = ProdLayout(tmp_path / "instance", web=1).start()
    try:
        layout.seed()
        browser_sign_in(live_page, layout, "board")
        live_page.goto(layout.url + "/board")
        banner = live_page.locator("#server-trouble")
        wait_for_js(live_page, "window.HotlineHealth !== undefined")
        live_page.evaluate("HotlineHealth.check()")
        live_page.wait_for_timeout(500)
        assert banner.is_hidden()
        os.kill(layout.pids["redis"], signal.SIGTERM)
        assert wait_gone([layout.pids["redis"]]) == []
        live_page.evaluate("HotlineHealth.check()")
        banner.wait_for(state="visible", timeout=10_000)
        assert "live updates (Redis)" in banner.inner_text()
    finally:
        layout.stop()
