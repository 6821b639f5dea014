"""Counts of waiting work beside the top bar's links, each added by its own part:
callbacks due (operators, supervisors, managers), missed deadlines nobody acknowledged
and escalations nobody took on (supervisors and managers on "Deadlines", the desk on
its desk, a crew on its work orders: its own unit's only). Each is one COUNT read at
most 100 rows deep and shown as "99+" beyond; acknowledging makes it go down."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fixtures.db import ENGINE
from sqlalchemy import event, select

from hotline.callbacks.models import Callback, CallbackStatus
from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.navigation import nav_badges
from hotline.sla.engine.sweep import sweep
from hotline.sla.models import Alert, AlertKind, Escalation
from hotline.tickets.models import Ticket

START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _badges(html: str) -> dict[str, list[tuple[str, str]]]:
    """link path -> [(tone, shown text)] in the top bar."""
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', html, re.S).group(1)
    out = {}
    for href, body in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav, re.S):
        out[href] = re.findall(r'class="nav-count nav-count-(\w+)" title="[^"]+" data-count="\d+"><span aria-hidden="true">([^<]+)<', body)
    return out


def _bar(session_client, role) -> dict:
    client, _ = session_client(role)
    return _badges(client.get("/tickets" if role != "board" else "/board").get_data(as_text=True))


@pytest.fixture
def waiting(app, api):
    """Two urgent tickets (north, south) past their 30-minute accept deadline: two breaches,
    two escalations; three callbacks, two of them due now."""
    clock.freeze(START)
    numbers = {}
    for unit in ("north", "south"):
        r = api("operator").post("/api/v1/tickets", json={"category": "repair", "priority": "urgent", "unit": unit,
                                                           "matter": "阀门井冒水", "caller": {"phone": "13800138000"}})
        numbers[unit] = r.get_json()["number"]
    clock.freeze(START + timedelta(minutes=31))
    with app.app_context():
        sweep(db.session, clock.now())
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == numbers["north"]))
        for minutes in (-5, -1, 30):
            db.session.add(Callback(ticket_id=ticket.id, cycle=100 + minutes, category_id=ticket.category_id,
                                    status=CallbackStatus.PENDING, created_at=clock.now(),
                                    next_try_at=clock.now() + timedelta(minutes=minutes)))
        db.session.commit()
    yield numbers
    clock.reset()


def test_each_role_sees_the_counts_of_its_own_work(session_client, waiting):
    supervisor = _bar(session_client, "supervisor")
    assert supervisor["/sla"] == [("breach", "2"), ("escalation", "2")]
    assert supervisor["/callbacks"] == [("due", "2")]
    assert supervisor["/dispatch"] == []  # escalations are counted once for them, on "Deadlines"
    assert _bar(session_client, "manager")["/sla"] == [("breach", "2"), ("escalation", "2")]
    operator = _bar(session_client, "operator")
    assert operator["/callbacks"] == [("due", "2")] and "/sla" not in operator
    dispatcher = _bar(session_client, "dispatcher")
    assert dispatcher["/dispatch"] == [("escalation", "2")] and "/callbacks" not in dispatcher
    assert _bar(session_client, "crew")["/crew"] == [("escalation", "1")]  # the north branch's only
    assert all(not badges for badges in _bar(session_client, "admin").values())


def test_counts_go_down_when_the_work_is_done(app, api, session_client, waiting):
    with app.app_context():
        alert = db.session.scalar(select(Alert).join(Ticket).where(Ticket.number == waiting["north"],
                                                                   Alert.kind == AlertKind.BREACH))
        esc = db.session.scalar(select(Escalation).join(Ticket).where(Ticket.number == waiting["north"]))
        alert_id, esc_id = alert.id, esc.id
    assert api("supervisor").post(f"/api/v1/sla/alerts/{alert_id}/acknowledge", json={"comment": "on it"}).status_code == 200
    assert api("crew").post(f"/api/v1/sla/escalations/{esc_id}/acknowledge", json={}).status_code == 200
    assert _bar(session_client, "supervisor")["/sla"] == [("breach", "1"), ("escalation", "1")]
    assert "/crew" in _bar(session_client, "crew") and _bar(session_client, "crew")["/crew"] == []


def test_a_count_is_capped(app, session_client, waiting):
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == waiting["south"]))
        db.session.add_all(
            Callback(ticket_id=ticket.id, cycle=1000 + i, category_id=ticket.category_id, status=CallbackStatus.PENDING,
                     created_at=clock.now(), next_try_at=clock.now() - timedelta(minutes=1))
            for i in range(120)
        )
        db.session.commit()
    assert _bar(session_client, "operator")["/callbacks"] == [("due", "99+")]


def test_each_count_is_one_cheap_query(app, users, waiting):
    from flask_login import login_user

    from hotline.users.models import User

    statements = []

    def seen(conn, cursor, statement, params, context, executemany):
        statements.append((statement, params))

    with app.test_request_context("/tickets"):
        login_user(db.session.get(User, users["supervisor"]))
        engine = db.engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            shown = {e: nav_badges(e) for e in ("sla.supervise", "callbacks.queue", "dispatch.desk", "dispatch.crew")}
            nav_badges("sla.supervise")  # asked again while drawing the page: not counted again
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        counts = [(s, p) for s, p in statements if "count(" in s.lower()]
        assert len(counts) == 3 and len(statements) == 3, statements  # breaches, escalations, callbacks
        assert all("LIMIT" in s.upper() for s, _p in counts)  # never reads more than 100 rows
        assert [b.text for b in shown["sla.supervise"]] == ["2", "2"]
        if ENGINE == "sqlite":  # on PostgreSQL a tiny table is scanned whatever the indexes
            with db.engine.connect() as conn:
                for stmt, params in counts:
                    plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt, params))
                    assert "USING" in plan and "INDEX" in plan, (stmt, plan)
