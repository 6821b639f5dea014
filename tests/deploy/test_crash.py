"""A web process killed with SIGKILL in the middle of intake, as a power cut or the OOM killer
would: every ticket that got a 201 is in the database, the live-event sequence has no hole,
and a client that got no answer retries with its Idempotency-Key and creates nothing twice.

Real gunicorn (the production config), real HTTP clients, on the test engine."""
import json
import os
import signal
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import func, select, text

from fixtures.live import SEED_USERS, live_server_on_fresh_database

CLIENTS = 6

TOKEN = """
import json
from sqlalchemy import select
from hotline.users.models import User
from hotline.users.services import create_token
print(json.dumps(create_token(db.session.scalar(select(User).where(User.username == "operator")), "crash")[1]))
"""


def worker_pid(master: int) -> int | None:
    """gunicorn's worker: the process serving the app under the master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0]) if children else None


def post(server, token: str, key: str, body: dict) -> requests.Response:
    return requests.post(server.url + "/api/v1/tickets", json=body, timeout=10, headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": key})


def test_sigkill_mid_intake_loses_no_answered_ticket_and_retries_create_nothing_twice(tmp_path):
    server = live_server_on_fresh_database(tmp_path / "crash").start()
    try:
        server.run_in_app(SEED_USERS)
        token = json.loads(server.run_in_app(TOKEN).strip().splitlines()[-1])
        sent: list[tuple[str, dict, int | None, str | None]] = []  # key, body, status, number
        stop = threading.Event()

        def client(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                key, body = str(uuid.uuid4()), {
                    "category": "repair", "matter": f"crash test {n}-{i}",
                    "caller": {"phone": f"1390000{n:02d}{i % 100:02d}"}}
                try:
                    r = post(server, token, key, body)
                    sent.append((key, body, r.status_code, r.json().get("number")))
                except requests.RequestException:
                    sent.append((key, body, None, None))  # no answer: committed or not, we can't tell
                    time.sleep(0.05)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(2.0)
        killed = worker_pid(server.proc.pid)
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 30  # gunicorn's master starts a new worker
        while time.monotonic() < deadline:
            now = worker_pid(server.proc.pid)
            if now and now != killed:
                try:
                    if requests.get(server.url + "/healthz", timeout=2).ok:
                        break
                except requests.RequestException:
                    pass
            time.sleep(0.1)
        time.sleep(1.5)  # traffic on the new worker too
        stop.set()
        for t in threads:
            t.join(30)

        answered = {key: number for key, _body, status, number in sent if status == 201}
        unanswered = [(key, body) for key, body, status, _number in sent if status is None]
        others = [status for _key, _body, status, _number in sent if status not in (201, None)]
        assert answered and not others, (len(answered), others)

        # Every client that got no answer retries with its key: the first answer if its ticket
        # was committed before the kill (a replay), else it is made now, once.
        replayed = 0
        for key, body in unanswered:
            r = post(server, token, key, body)
            assert r.status_code == 201, r.text
            replayed += r.headers.get("Idempotent-Replayed") == "true"
            answered[key] = r.json()["number"]

        engine = server.engine()
        try:
            with engine.connect() as conn:
                numbers = list(conn.scalars(text("SELECT number FROM ticket")))
                seqs = list(conn.scalars(text("SELECT seq FROM live_event ORDER BY seq")))
                keys = conn.scalar(select(func.count()).select_from(text("idempotency_key")))
        finally:
            engine.dispose()
        # Every 201 is in the database, and nothing twice: one ticket per key.
        assert sorted(numbers) == sorted(answered.values()), (len(numbers), len(answered))
        assert len(set(numbers)) == len(numbers)
        assert keys == len(answered)
        # The live events the survivors committed are numbered without a hole.
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "a hole in live_event"
        print(f"{len(sent)} requests, {len(unanswered)} unanswered at the kill, {replayed} of them "
              f"had been committed (replayed), {len(numbers)} tickets")
    finally:
        server.close()
