"""Many calls at once against a real server (gunicorn, its own database: SQLite, or
PostgreSQL under HOTLINE_TEST_DATABASE_URL): a new caller and a new address are made
once, every request answers 201, and the day's numbers stay unique and gap-free.

On PostgreSQL a select-then-insert caller lookup answered most of these with 500
(UniqueViolation uq_caller_phone / uq_caller_address_caller_id)."""
from __future__ import annotations

import json
import threading

import requests
import sqlalchemy as sa
from fixtures.live import LiveServer, live_server  # noqa: F401

THREADS = 8
PER_THREAD = 20

TOKEN = """
from sqlalchemy import select
from hotline.users.models import User
from hotline.users.services import create_token
print(create_token(db.session.scalar(select(User).where(User.username == "operator")), "intake test")[1])
"""


def _rows(server: LiveServer, sql: str, **params) -> list[tuple]:
    engine = server.engine()
    try:
        with engine.connect() as con:
            return [tuple(r) for r in con.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def test_simultaneous_calls_from_one_new_number_make_one_caller(live_server):  # noqa: F811
    token = live_server.run_in_app(TOKEN).strip().splitlines()[-1]
    phone, address = "13912345678", "12 Concurrency Road"
    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def call(i: int) -> None:
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            barrier.wait(timeout=30)
            for j in range(PER_THREAD):
                r = http.post(live_server.url + "/api/v1/tickets", timeout=60, json={
                    "category": "repair", "matter": f"thread {i} call {j}",
                    "caller": {"phone": phone, "name": f"Caller {i}"}, "address": address,
                })
                with lock:
                    answers.append((r.status_code, r.text))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a request hung"
    failed = [(status, text[:300]) for status, text in answers if status != 201]
    assert not failed, f"{len(failed)} of {len(answers)} not 201, e.g. {failed[:3]}"
    assert len(answers) == THREADS * PER_THREAD

    numbers = [json.loads(text)["number"] for _, text in answers]
    callers = _rows(live_server, "SELECT id FROM caller WHERE phone = :p", p="+86" + phone)
    assert len(callers) == 1
    [(caller_id,)] = callers
    assert _rows(live_server, "SELECT count(*) FROM caller_address WHERE caller_id = :c AND address = :a",
                 c=caller_id, a=address) == [(1,)]
    tickets = _rows(live_server, "SELECT number FROM ticket WHERE caller_id = :c", c=caller_id)
    assert sorted(n for (n,) in tickets) == sorted(numbers)
    # Unique and gap-free within the day (this module's server may hold earlier tickets).
    by_day: dict[str, list[int]] = {}
    for (number,) in _rows(live_server, "SELECT number FROM ticket"):
        day, seq = number.split("-")
        by_day.setdefault(day, []).append(int(seq))
    for day, seqs in by_day.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), day
