"""Callback rates are counted from the records: a few callbacks with known outcomes and
the exact rates per unit, per category and in total, and the period filter."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.workorders import services as work
from hotline.callbacks.models import Callback, Satisfaction
from hotline.callbacks.reports import rates
from hotline.callbacks.services import record_attempt
from hotline.core import clock
from hotline.core.extensions import db
from hotline.sla.engine.sweep import sweep

START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday; callbacks due Thursday 10:00
V, S, N, D = Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED, Satisfaction.NEUTRAL, Satisfaction.DISSATISFIED


@pytest.fixture(autouse=True)
def frozen(ctx):
    clock.freeze(START)
    yield
    clock.reset()


@pytest.fixture
def center(new_ticket, user_of):
    """Seven resolved tickets and what their callbacks said:
    north: A very satisfied, B satisfied, C dissatisfied and unsolved (reopened),
           D (complaint) neutral; all on the same day, on time.
    south: E never reached (3 tries, same day), F still pending past its deadline,
           G (complaint) satisfied, but two days late."""
    op, desk = user_of("operator"), user_of("dispatcher")

    def resolved(unit, category="repair"):
        t = new_ticket(unit=unit, category=category)
        for step in ("accept", "on_site"):
            work.advance(t, step, desk, t.version)
        work.advance(t, "resolve", desk, t.version, result="done")
        db.session.commit()
        return db.session.query(Callback).filter_by(ticket_id=t.id).one()

    cb = {k: resolved(u, c) for k, u, c in [
        ("A", "north", "repair"), ("B", "north", "repair"), ("C", "north", "repair"), ("D", "north", "complaint"),
        ("E", "south", "repair"), ("F", "south", "repair"), ("G", "south", "complaint"),
    ]}
    clock.advance(timedelta(hours=2))
    for key, solved, level, words in [("A", True, V, None), ("B", True, S, None), ("C", False, D, "still leaks"), ("D", True, N, None)]:
        record_attempt(cb[key], op, cb[key].version, reached=True, solved=solved, satisfaction=level, words=words)
    for _ in range(3):
        record_attempt(cb["E"], op, cb["E"].version, reached=False)
    db.session.commit()
    clock.advance(timedelta(days=3))  # Friday: F and G are past their deadline
    sweep(db.session, clock.now())
    db.session.commit()
    record_attempt(cb["G"], op, cb["G"].version, reached=True, solved=True, satisfaction=S)
    db.session.commit()
    return cb


def _by_key(rows):
    return {r.key: r for r in rows}


def test_rates_per_unit(center):
    rows, total = rates(None, None, "unit")
    north, south = _by_key(rows)["north"], _by_key(rows)["south"]
    assert [r.key for r in rows] == ["north", "south"]  # busiest first
    assert (north.opened, north.reached, north.unreachable, north.pending) == (4, 4, 0, 0)
    assert north.satisfaction == {"very_satisfied": 1, "satisfied": 1, "neutral": 1, "dissatisfied": 1}
    assert north.callback_rate == 1.0
    assert north.satisfaction_rate == 0.5  # (1 + 1) / 4
    assert north.solved_rate == 0.75
    assert north.on_time_rate == 1.0

    assert (south.opened, south.reached, south.unreachable, south.pending) == (3, 1, 1, 1)
    assert south.satisfaction == {"very_satisfied": 0, "satisfied": 1, "neutral": 0, "dissatisfied": 0}
    assert south.callback_rate == round(1 / 3, 4)
    assert south.satisfaction_rate == 1.0 and south.solved_rate == 1.0
    assert (south.on_time, south.timed) == (1, 3)  # E closed in time; F (pending, breached) and G late

    assert (total.opened, total.reached, total.unreachable, total.pending) == (7, 5, 1, 1)
    assert total.callback_rate == round(5 / 7, 4)
    assert total.satisfaction_rate == 0.6 and total.solved_rate == 0.8
    assert total.on_time_rate == round(5 / 7, 4)


def test_rates_per_category(center):
    rows, total = rates(None, None, "category")
    repair, complaint = _by_key(rows)["repair"], _by_key(rows)["complaint"]
    assert (repair.opened, repair.reached, repair.unreachable) == (5, 3, 1)
    assert repair.callback_rate == 0.6
    assert repair.satisfaction_rate == round(2 / 3, 4) and repair.solved_rate == round(2 / 3, 4)
    assert repair.on_time_rate == 0.8  # A, B, C, E on time; F late
    assert (complaint.opened, complaint.reached) == (2, 2)
    assert complaint.satisfaction == {"very_satisfied": 0, "satisfied": 1, "neutral": 1, "dissatisfied": 0}
    assert complaint.satisfaction_rate == 0.5 and complaint.solved_rate == 1.0 and complaint.on_time_rate == 0.5
    assert repair.name_zh and complaint.name_en
    assert total.opened == 7


def test_a_reopened_ticket_resolved_again_is_called_back_again(center, user_of):
    c = center["C"]
    ticket = c.ticket
    desk = user_of("dispatcher")
    for step in ("accept", "on_site"):
        work.advance(ticket, step, desk, ticket.version)
    work.advance(ticket, "resolve", desk, ticket.version, result="new valve")
    db.session.commit()
    again = db.session.query(Callback).filter_by(ticket_id=ticket.id, cycle=2).one()
    assert again.status == "pending"
    _, total = rates(None, None, "unit")
    assert (total.opened, total.pending) == (8, 2)


def test_the_period_is_when_the_ticket_was_resolved(center):
    rows, total = rates(START + timedelta(minutes=1), None, "unit")
    assert rows == [] and total.opened == 0
    assert total.callback_rate is None and total.satisfaction_rate is None and total.on_time_rate is None
    rows, total = rates(START, START + timedelta(minutes=1), "category")
    assert total.opened == 7 and {r.key for r in rows} == {"repair", "complaint"}


def test_the_api_serves_the_same_numbers(center, app, tokens):
    from hotline.core.extensions import db as _db

    _db.session.remove()  # the request below must not share this test's session
    client = app.test_client()
    r = client.get("/api/v1/callbacks/rates?by=unit&from=2026-03-01T00:00:00%2B08:00",
                   headers={"Authorization": f"Bearer {tokens['supervisor']}"})
    assert r.status_code == 200, r.json
    south = next(i for i in r.json["items"] if i["key"] == "south")
    assert south["opened"] == 3 and south["callback_rate"] == round(1 / 3, 4) and south["unreachable"] == 1
    assert r.json["total"]["satisfaction_rate"] == 0.6 and r.json["by"] == "unit"
