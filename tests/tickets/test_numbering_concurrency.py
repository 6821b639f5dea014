"""Ticket numbers stay unique and gap-free when many operators log calls at once.

Runs against the SQLite file database of the `app` fixture: every thread has its
own app context, hence its own session and connection, and the writers must
serialize on BEGIN IMMEDIATE + the busy timeout (hotline/orm.py)."""
import threading
from datetime import datetime, timezone

from sqlalchemy import select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.tickets import services
from hotline.tickets.models import Channel, Ticket
from hotline.tickets.schemas import TicketCreate
from hotline.users.models import User

THREADS = 8
PER_THREAD = 6


def _run_threads(target):
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    results: list[str] = []
    lock = threading.Lock()

    def run(i):
        try:
            barrier.wait(timeout=10)
            for j in range(PER_THREAD):
                number = target(i, j)
                with lock:
                    results.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    assert not errors, errors
    return results


def _assert_consecutive(numbers, day="20261123"):
    assert len(numbers) == len(set(numbers)) == THREADS * PER_THREAD
    assert sorted(numbers) == [f"{day}-{n:04d}" for n in range(1, THREADS * PER_THREAD + 1)]


def test_service_numbers_unique_under_concurrency(app, users):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc))
    operator_id = users["operator"]

    def create(i, j):
        with app.app_context():  # no request: write intent, BEGIN IMMEDIATE
            operator = db.session.get(User, operator_id)
            ticket = services.create_ticket(
                TicketCreate(
                    category="leak",
                    matter=f"thread {i} call {j}",
                    caller={"phone": f"1380013{8000 + i:04d}"},
                    address=f"Road {i}",
                ),
                operator,
                Channel.PHONE,
            )
            db.session.commit()
            return ticket.number

    numbers = _run_threads(create)
    _assert_consecutive(numbers)
    with app.app_context():
        assert sorted(db.session.scalars(select(Ticket.number))) == sorted(numbers)


def test_api_numbers_unique_under_concurrency(app, tokens):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc))
    headers = {"Authorization": f"Bearer {tokens['operator']}"}

    def create(i, j):
        client = app.test_client()
        r = client.post(
            "/api/v1/tickets",
            json={"category": "repair", "matter": f"thread {i} call {j}", "caller": {"phone": "13800138000"}},
            headers=headers,
        )
        assert r.status_code == 201, r.json
        return r.json["number"]

    _assert_consecutive(_run_threads(create))
