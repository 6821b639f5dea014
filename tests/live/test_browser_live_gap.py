"""live.js never skips an event: a real server (gunicorn, tests/fixtures/live.py) with
`live.head` every second, a real Chromium on the wall board, and events whose emit
is lost: written by another process with no message queue, so they are in the outbox
but no socket ever carries them (what a Redis outage does)."""
from __future__ import annotations

import json

import pytest
import requests
from fixtures.live import SEED_USERS, LiveServer, browser, sign_in, wait_for_js  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

TOKEN = """
from sqlalchemy import select
from hotline.users.models import User
from hotline.users.services import create_token
user = db.session.scalar(select(User).where(User.username == "operator"))
print(create_token(user, "gap test")[1])
"""

# A ticket committed in this process: numbered in the outbox, never emitted.
LOST = """
from sqlalchemy import select
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.tickets.services import create_ticket
from hotline.users.models import User
op = db.session.scalar(select(User).where(User.username == "operator"))
t = create_ticket(TicketCreate(category="repair", matter="{matter}", caller={{"phone": "13700137000"}}), op, Channel.API)
db.session.commit()
print(t.number)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = LiveServer(tmp_path_factory.mktemp("gap"))
    srv.env["HOTLINE_LIVE_HEAD_SECONDS"] = "1"
    srv.start()
    try:
        srv.run_in_app(SEED_USERS)
        srv.token = srv.run_in_app(TOKEN).strip().splitlines()[-1]
        yield srv
    finally:
        srv.stop()


def lost_ticket(server, matter: str) -> str:
    return server.run_in_app(LOST.format(matter=matter)).strip().splitlines()[-1]


def posted_ticket(server, matter: str) -> str:
    r = requests.post(server.url + "/api/v1/tickets", timeout=10,
                      headers={"Authorization": f"Bearer {server.token}"},
                      json={"category": "repair", "matter": matter, "caller": {"phone": "13700137001"}})
    assert r.status_code == 201, r.text
    return r.json()["number"]


@pytest.fixture
def board(browser, server):  # noqa: F811
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, "dispatcher")
    page.goto(server.url + "/board")
    page.locator('#live-state[data-state="live"]').wait_for()
    wait_for_js(page, "Hotline.current && Hotline.current.seq() !== null")
    yield page
    context.close()


def card(page, number: str):
    return page.locator(f'.card[data-number="{number}"]')


def stats(page) -> dict:
    return page.evaluate("({...Hotline.current.stats, seq: Hotline.current.seq()})")


def test_a_gap_in_prev_is_filled_by_a_resync(board, server):
    before = stats(board)
    lost = lost_ticket(server, "never emitted")
    after = posted_ticket(server, "emitted, its prev names the lost one")
    card(board, after).wait_for()  # the page had it on the wire; it waited for the lost one...
    card(board, lost).wait_for()  # ...and got it by a resync
    now = stats(board)
    assert now["resyncs"] > before["resyncs"]
    assert now["applied"] - before["applied"] == 2 and now["seq"] == before["seq"] + 2


def test_a_lost_last_event_is_noticed_by_the_head(board, server):
    before = stats(board)
    lost = lost_ticket(server, "the last one, never emitted")
    card(board, lost).wait_for(timeout=8000)  # live.head every second, then the grace
    now = stats(board)
    assert now["resyncs"] > before["resyncs"] and now["seq"] == before["seq"] + 1
