"""The outbox numbers a transaction's events at its commit, in commit order, each with
`prev` (per room, the seq of the room's previous event); the emit lock is let go
however a transaction ends; nothing of a transaction that did not commit is sent.

The ordering test runs on SQLite and, when HOTLINE_TEST_DATABASE_URL names a
PostgreSQL server where tests may create databases, on PostgreSQL, where two
transactions can really cross: the first to write its event commits last."""
import os
import threading
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from hotline import create_app
from hotline.core import outbox
from hotline.core.events import LiveEvent, LiveStream
from hotline.core.extensions import db
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.tickets.services import create_ticket
from fixtures.app import TEST_CONFIG


def _ticket(user):
    body = TicketCreate(category="repair", matter="The tap drips", caller={"phone": "13800138000"})
    return create_ticket(body, user, Channel.API)


def _rows():
    return db.session.scalars(select(LiveEvent).order_by(LiveEvent.seq)).all()


def test_events_are_numbered_only_at_the_commit(ctx, user_of):
    _ticket(user_of("operator"))
    db.session.flush()
    db.session.flush()
    assert _rows() == [] and len(db.session.info["live_pending"]) == 1  # queued by the flush hook, unnumbered
    outbox.add_event(db.session, "test.other", {"k": 1}, [])
    db.session.commit()
    rows = _rows()
    assert [r.name for r in rows] == ["ticket.created", "test.other"]
    assert [r.prev["center"] for r in rows] == [rows[0].seq - 1, rows[0].seq]
    assert db.session.get(LiveStream, "center").seq == rows[-1].seq
    assert not outbox._emit_lock.locked()


def test_prev_chains_each_units_room(ctx, units):
    north, south = units["north"], units["south"]
    for name, unit_ids in (("a", [north]), ("b", []), ("c", [north, south]), ("d", [south])):
        outbox.add_event(db.session, f"test.{name}", {}, unit_ids)
        db.session.commit()
    a, b, c, d = _rows()
    assert a.prev == {"center": a.seq - 1, f"unit:{north}": 0}
    assert b.prev == {"center": a.seq}
    assert c.prev == {"center": b.seq, f"unit:{north}": a.seq, f"unit:{south}": 0}
    assert d.prev == {"center": c.seq, f"unit:{south}": c.seq}
    assert db.session.get(LiveStream, f"unit:{north}").seq == c.seq


@pytest.mark.parametrize("end", ["rollback", "close", "remove"])
def test_nothing_of_a_transaction_that_did_not_commit_is_numbered(ctx, user_of, end):
    _ticket(user_of("operator"))
    outbox.add_event(db.session, "test.other", {}, [])
    db.session.flush()
    getattr(db.session, end)()
    assert "live_pending" not in db.session.info and "live_outbox" not in db.session.info
    user_of("operator").display_name = "Operator Uno"
    db.session.commit()  # a later commit of the same session numbers nothing stale
    assert _rows() == []
    assert not outbox._emit_lock.locked()


def test_a_failed_commit_lets_the_lock_go(ctx, user_of):
    outbox.add_event(db.session, "test.other", {}, [])
    user_of("operator").username = user_of("dispatcher").username  # unique violation at flush
    with pytest.raises(Exception):
        db.session.commit()
    db.session.rollback()
    assert not outbox._emit_lock.locked()
    assert _rows() == []


def test_an_event_of_a_closed_transaction_is_never_sent_later(app, tokens, user_of):
    from hotline.core.extensions import socketio

    board = socketio.test_client(app, auth={"token": tokens["dispatcher"]})
    assert board.is_connected()
    _ticket(user_of("operator"))
    db.session.flush()
    db.session.close()  # ended without commit or rollback
    user_of("operator").display_name = "Operator Uno"
    db.session.commit()
    assert board.get_received() == []
    assert not outbox._emit_lock.locked()
    board.disconnect()


# -- commit order, on both engines --------------------------------------------------------

def _postgres_app(tmp_path, monkeypatch):
    admin = os.environ.get("HOTLINE_TEST_DATABASE_URL")
    if not admin:
        pytest.skip("HOTLINE_TEST_DATABASE_URL not set: no PostgreSQL to test on")
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin)
    name = f"hotline_events_{uuid.uuid4().hex[:8]}"
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    monkeypatch.setenv("HOTLINE_INSTANCE", str(tmp_path))
    uri = url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade()
        db.session.remove()

    def drop():
        with app.app_context():
            db.engine.dispose()
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return app, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_app(request, tmp_path, monkeypatch):
    if request.param == "sqlite":
        yield request.getfixturevalue("app")
        return
    app, drop = _postgres_app(tmp_path, monkeypatch)
    try:
        yield app
    finally:
        drop()


def test_sequence_order_is_commit_order_when_commits_cross(engine_app):
    """A writes its event first and commits last: its event must come after B's. With
    the old numbering (at insert) A's event had the lower number and became visible
    after B's, so a client that had B's resynced past A's."""
    app = engine_app
    a_flushed, b_done = threading.Event(), threading.Event()
    committed: list[str] = []
    errors: list[BaseException] = []

    def a():
        with app.app_context():
            try:
                outbox.add_event(db.session, "test.a", {}, [])
                db.session.execute(db.text("CREATE TEMPORARY TABLE IF NOT EXISTS scratch (x int)"))
                db.session.execute(db.text("INSERT INTO scratch VALUES (1)"))
                db.session.flush()
                a_flushed.set()
                b_done.wait(2)  # PostgreSQL: B commits meanwhile; SQLite: B waits for A's write lock
                db.session.commit()
                committed.append("a")
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    def b():
        with app.app_context():
            try:
                a_flushed.wait(5)
                outbox.add_event(db.session, "test.b", {}, [])
                db.session.commit()
                committed.append("b")
                b_done.set()
            except BaseException as exc:  # pragma: no cover
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert not errors, errors
    with app.app_context():
        by_seq = [r.name.split(".")[1] for r in _rows()]
        db.session.remove()
    assert by_seq == committed
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert committed == ["b", "a"]  # they did cross
