"""The wall board's SLA countdown: the nearest deadline in the snapshot and the live
ticket events, and the sla.warning / sla.breached / escalation events of the real
scheduler (gunicorn with the embedded scheduler, tests/live.py) at a python-socketio
client and on the board page in Chromium."""
from __future__ import annotations

import json
import queue
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
import socketio
import sqlalchemy as sa
from fixtures.live import (  # noqa: F401
    PASSWORD,
    SEED_USERS,
    LiveServer,
    browser,
    live_page,
    live_server,
    live_server_on_fresh_database,
    sign_in,
    wait_for_js,
)
from sqlalchemy import event, select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.live.views import ticket_card as ticket_payload
from hotline.sla.engine import clocks
from hotline.sla.engine.sweep import sweep
from hotline.sla.models import SlaClock, Stage
from hotline.tickets.models import Ticket


def new_ticket(api, category: str = "leak", **extra) -> dict:
    body = {"category": category, "matter": "阀门井冒水", "caller": {"phone": "13800138000"}, **extra}
    response = api("operator").post("/api/v1/tickets", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def board_entry(api, number: str) -> dict:
    snapshot = api("board").get("/api/v1/board").get_json()
    return next(t for t in snapshot["tickets"] if t["number"] == number)


# --- the snapshot, in-process --------------------------------------------------------


def test_snapshot_shows_the_nearest_running_deadline(app, api):
    leak = new_ticket(api)  # arrive in 40 min (the gas rule) and resolve in 7 working days
    entry = board_entry(api, leak["number"])
    created = datetime.fromisoformat(entry["created_at"])
    sla = entry["sla"]
    assert sla["stage"] == "arrive"
    assert datetime.fromisoformat(sla["due_at"]) == created + timedelta(minutes=40)
    assert datetime.fromisoformat(sla["warn_at"]) == created + timedelta(minutes=30)
    assert (sla["warned"], sla["breached"], sla["paused"]) == (False, False, False)
    assert entry["escalation"] is None


def test_snapshot_after_the_sweep_shows_warning_breach_and_escalation(app, api):
    leak = new_ticket(api)
    with app.app_context():
        clock.advance(timedelta(minutes=31))
        sweep(db.session, clock.now())
        db.session.commit()
    entry = board_entry(api, leak["number"])
    assert (entry["sla"]["stage"], entry["sla"]["warned"], entry["sla"]["breached"]) == ("arrive", True, False)
    with app.app_context():
        clock.advance(timedelta(minutes=10))
        sweep(db.session, clock.now())
        db.session.commit()
    entry = board_entry(api, leak["number"])
    assert (entry["sla"]["stage"], entry["sla"]["warned"], entry["sla"]["breached"]) == ("arrive", True, True)
    assert entry["escalation"] == {"level": 1, "audience": "unit"}


def test_a_stopped_stage_gives_way_and_paused_clocks_show_paused(app, api):
    leak = new_ticket(api)
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == leak["number"]))
        arrive = db.session.scalar(select(SlaClock).where(SlaClock.ticket_id == ticket.id, SlaClock.stage == Stage.ARRIVE))
        clocks.stop(db.session, arrive, clock.now())
        db.session.commit()
    assert board_entry(api, leak["number"])["sla"]["stage"] == "resolve"  # the next running deadline
    with app.app_context():
        for c in db.session.scalars(select(SlaClock).where(SlaClock.stopped_at.is_(None))):
            clocks.pause(db.session, c, clock.now(), "waiting for the caller")
        db.session.commit()
    sla = board_entry(api, leak["number"])["sla"]
    assert (sla["stage"], sla["paused"], sla["due_at"], sla["warn_at"]) == ("resolve", True, None, None)


def test_ticket_without_a_clock_has_no_deadline(app, api):
    consultation = new_ticket(api, "consultation")  # no dispatch yet; resolve runs on the default policy
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == consultation["number"]))
        for c in db.session.scalars(select(SlaClock).where(SlaClock.ticket_id == ticket.id)):
            clocks.stop(db.session, c, clock.now())
        db.session.commit()
        assert ticket_payload(ticket, db.session)["sla"] is None
    assert board_entry(api, consultation["number"])["sla"] is None


def test_snapshot_reads_deadlines_in_one_query_whatever_the_number_of_tickets(app, api):
    def statements_for_snapshot() -> int:
        count = 0

        def counting(*_args):
            nonlocal count
            count += 1

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", counting)
            try:
                assert api("board").get("/api/v1/board").status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", counting)
        return count

    new_ticket(api)
    statements_for_snapshot()  # the token's first use this minute also writes its last-used time
    with_one = statements_for_snapshot()
    for _ in range(8):
        new_ticket(api)
    assert statements_for_snapshot() == with_one


def test_live_ticket_payload_carries_the_deadline(app, api):
    leak = new_ticket(api)
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == leak["number"]))
        payload = ticket_payload(ticket, db.session)
    assert payload["sla"] == board_entry(api, leak["number"])["sla"]


# --- the real scheduler ------------------------------------------------------------

SLA_EVENTS = ("sla.warning", "sla.breached", "escalation", "ticket.created")

# A policy of a few seconds for one category's arrival. Policy.minutes holds whole
# minutes; SQLite keeps the fraction written here as it is, which the clocks use.
SHORT_POLICY = """
from sqlalchemy import select, text
from hotline.sla.models import Policy, Stage
from hotline.tickets.models import Category
category = db.session.scalar(select(Category).where(Category.code == {category!r}))
policy = Policy(category_id=category.id, stage=Stage.ARRIVE, minutes=1, warn_percent=50, active=True)
db.session.add(policy)
db.session.flush()
db.session.execute(text("UPDATE sla_policy SET minutes = :m WHERE id = :id"), {{"m": {seconds} / 60, "id": policy.id}})
"""

TOKENS = """
import json
from sqlalchemy import select
from hotline.users.models import User
from hotline.users.services import create_token
print(json.dumps({name: create_token(db.session.scalar(select(User).where(User.username == name)), "sla test")[1]
                  for name in ("operator", "dispatcher", "board")}))
"""


def prepare(server: LiveServer, category: str, seconds: float) -> dict:
    server.run_in_app(SHORT_POLICY.format(category=category, seconds=seconds))
    return json.loads(server.run_in_app(TOKENS).strip().splitlines()[-1])


def create(server: LiveServer, tokens: dict, category: str) -> dict:
    r = requests.post(server.url + "/api/v1/tickets", timeout=10, headers={"Authorization": f"Bearer {tokens['operator']}"},
                      json={"category": category, "matter": "SLA test", "caller": {"phone": "13800138000"}})
    assert r.status_code == 201, r.text
    return r.json()


def snapshot_entry(server: LiveServer, tokens: dict, number: str) -> dict:
    r = requests.get(server.url + "/api/v1/board", timeout=10, headers={"Authorization": f"Bearer {tokens['board']}"})
    return next(t for t in r.json()["tickets"] if t["number"] == number)


def query(server: LiveServer, sql: str, **params) -> list[tuple]:
    """Rows from the server's database (SQLite or PostgreSQL)."""
    engine = server.engine()
    try:
        with engine.connect() as con:
            return [tuple(row) for row in con.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def alert_counts(server: LiveServer, number: str) -> dict[str, int]:
    rows = query(server, "SELECT a.kind, count(*) FROM sla_alert a JOIN ticket t ON t.id = a.ticket_id"
                         " WHERE t.number = :number GROUP BY a.kind", number=number)
    return dict(rows)


@pytest.fixture(scope="module")
def sla_server(live_server):  # noqa: F811
    live_server.tokens = prepare(live_server, "repair", 6)  # warning after 3 s, deadline after 6 s
    return live_server


def test_real_scheduler_warns_then_breaches_within_a_second_of_each_deadline(sla_server):
    inbox: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    for name in SLA_EVENTS:
        client.on(name, lambda data, name=name: inbox.put((time.time(), name, data)))
    client.connect(sla_server.url, auth={"token": sla_server.tokens["board"]}, transports=["websocket"], wait_timeout=10)
    try:
        ticket = create(sla_server, sla_server.tokens, "repair")
        sla = snapshot_entry(sla_server, sla_server.tokens, ticket["number"])["sla"]
        assert sla["stage"] == "arrive" and not sla["warned"]
        warn_at, due_at = datetime.fromisoformat(sla["warn_at"]), datetime.fromisoformat(sla["due_at"])
        assert (due_at - warn_at).total_seconds() == pytest.approx(3, abs=0.01)
        got: dict[str, tuple[float, dict]] = {}
        deadline = time.monotonic() + 15
        while "escalation" not in got and time.monotonic() < deadline:
            try:
                at, name, data = inbox.get(timeout=0.5)
            except queue.Empty:
                continue
            if data.get("number") == ticket["number"]:
                assert name not in got, f"{name} received twice"
                got[name] = (at, data)
    finally:
        client.disconnect()
    assert list(got) == ["ticket.created", "sla.warning", "sla.breached", "escalation"]
    assert got["ticket.created"][1]["sla"] == sla  # the live ticket event carries the deadline too
    warned_at, warning = got["sla.warning"]
    breached_at, breach = got["sla.breached"]
    assert (warning["stage"], datetime.fromisoformat(warning["warn_at"])) == ("arrive", warn_at)
    assert datetime.fromisoformat(warning["due_at"]) == due_at  # a warning names the deadline to come
    assert (breach["stage"], datetime.fromisoformat(breach["due_at"])) == ("arrive", due_at)
    assert 0 <= warned_at - warn_at.timestamp() < 1.0
    assert 0 <= breached_at - due_at.timestamp() < 1.0
    assert (got["escalation"][1]["level"], got["escalation"][1]["audience"]) == (1, "unit")
    after = snapshot_entry(sla_server, sla_server.tokens, ticket["number"])
    assert (after["sla"]["warned"], after["sla"]["breached"]) == (True, True)
    assert after["escalation"] == {"level": 1, "audience": "unit"}
    assert alert_counts(sla_server, ticket["number"]) == {"warning": 1, "breach": 1}


def test_restart_after_a_deadline_passed_records_the_breach_once(tmp_path):
    server = live_server_on_fresh_database(tmp_path / "restart").start()
    try:
        server.run_in_app(SEED_USERS)
        tokens = prepare(server, "billing", 8)  # warning after 4 s, deadline after 8 s
        ticket = create(server, tokens, "billing")
        server.stop()  # down before the warning
        assert alert_counts(server, ticket["number"]) == {}
        [(due,)] = query(server, "SELECT c.due_at FROM sla_clock c JOIN ticket t ON t.id = c.ticket_id"
                                 " WHERE t.number = :number AND c.stage = 'arrive'", number=ticket["number"])
        if isinstance(due, str):  # SQLite: naive UTC text
            due = datetime.fromisoformat(due + "+00:00")
        if due.tzinfo is None:
            due = due.replace(tzinfo=timezone.utc)
        wait = due.timestamp() - time.time() + 0.5
        time.sleep(max(wait, 0))
        for _ in range(2):  # the first start records what fell due meanwhile, the second nothing more
            server.start()
            deadline = time.monotonic() + 5
            while alert_counts(server, ticket["number"]) != {"warning": 1, "breach": 1} and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1)  # time for a duplicate to appear, if the sweep could write one
            assert alert_counts(server, ticket["number"]) == {"warning": 1, "breach": 1}
            server.stop()
        [(escalations,)] = query(server, "SELECT count(*) FROM escalation e JOIN ticket t ON t.id = e.ticket_id"
                                         " WHERE t.number = :number", number=ticket["number"])
        assert escalations == 1
    finally:
        server.close()


# --- the board page ----------------------------------------------------------------


@pytest.mark.browser
def test_board_card_counts_down_then_turns_amber_then_red(sla_server, live_page):
    page = live_page
    sign_in(page, sla_server, "board")
    page.goto(sla_server.url + "/board")
    page.locator('#live-state[data-state="live"]').wait_for()
    wait_for_js(page, "Hotline.current.seq() !== null")  # the opening snapshot is in
    refetched = []
    page.on("request", lambda req: refetched.append(req.url) if "/api/v1/board" in req.url else None)
    ticket = create(sla_server, sla_server.tokens, "repair")
    card = page.locator(f'.card[data-number="{ticket["number"]}"]')
    sla = card.locator(".sla")
    sla.wait_for(state="visible", timeout=5000)
    assert sla.get_attribute("class") == "sla sla-running"
    assert sla.inner_text().startswith("Arrival")
    assert "left" in sla.inner_text()
    page.locator(f'.card[data-number="{ticket["number"]}"] .sla.sla-warned').wait_for(timeout=6000)
    page.locator(f'.card[data-number="{ticket["number"]}"] .sla.sla-breached').wait_for(timeout=6000)
    assert "overdue" in sla.inner_text()
    assert "sla-breached" in card.get_attribute("class")
    # The escalation comes only as an event: the card is marked without a reload.
    card.locator(".badge.escalated").wait_for(timeout=5000)
    assert card.locator(".badge.escalated").inner_text() == "Escalated: unit"
    # The ticket and SLA events carry the card and its nearest deadline: no snapshot again.
    assert refetched == []


@pytest.mark.browser
def test_crew_page_keeps_its_work_order_through_sla_events(sla_server, live_page):
    """SLA and escalation events reach the unit's room too; they name the ticket but
    carry no status, and must not read as 'this work left your unit'."""
    page = live_page
    sign_in(page, sla_server, "crew")
    page.goto(sla_server.url + "/crew")
    page.locator('#live-state[data-state="live"]').wait_for()
    ticket = create(sla_server, sla_server.tokens, "repair")
    r = requests.post(f"{sla_server.url}/api/v1/tickets/{ticket['number']}/dispatch", timeout=10,
                      headers={"Authorization": f"Bearer {sla_server.tokens['dispatcher']}"},
                      json={"unit": "north", "version": ticket["version"]})
    assert r.status_code == 200, r.text
    order = page.locator(f'.order[data-number="{ticket["number"]}"]')
    order.wait_for(timeout=5000)
    deadline = time.monotonic() + 15
    while alert_counts(sla_server, ticket["number"]).get("breach") != 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alert_counts(sla_server, ticket["number"]) == {"warning": 1, "breach": 1}
    page.wait_for_timeout(1500)  # the events (warning, breach, escalation) have reached the page
    assert page.evaluate("Hotline.current.seq()") >= sla_seq(sla_server, ticket["number"])
    assert order.is_visible()


def sla_seq(server: LiveServer, number: str) -> int:
    """The sequence number of the last live event about the ticket."""
    rows = query(server, "SELECT seq, payload FROM live_event")
    return max(seq for seq, payload in rows
               if (payload if isinstance(payload, dict) else json.loads(payload)).get("number") == number)
