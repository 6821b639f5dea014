"""The deadline where people act on it: the work-orders list carries each order's nearest
deadline (one query), the crew's phone page counts it down big ("到场 剩 0:07") and turns
red from the live sla.breached event, and the dispatch desk shows it on each row, late
rows first. The browser test runs the real scheduler (tests/live.py) with a policy of a
few seconds."""
from __future__ import annotations

import re

import pytest
import requests
from fixtures.live import LiveServer, browser, live_server, sign_in  # noqa: F401
from sqlalchemy import event
from test_sla_board import alert_counts, board_entry, create, new_ticket, prepare

from hotline.core.extensions import db


def dispatch(api, ticket: dict, unit: str = "north") -> dict:
    r = api("dispatcher").post(f"/api/v1/tickets/{ticket['number']}/dispatch", json={"unit": unit, "version": ticket["version"]})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def work_order(api, role: str, number: str) -> dict:
    body = api(role).get("/api/v1/work-orders").get_json()
    return next(o for o in body["items"] if o["ticket"]["number"] == number)


# --- the API ---------------------------------------------------------------------------


def test_work_orders_carry_each_tickets_nearest_deadline(app, api):
    leak = dispatch(api, new_ticket(api))
    body = api("crew").get("/api/v1/work-orders").get_json()
    assert "now" in body  # the phone's countdown runs on the server's clock
    sla = work_order(api, "crew", leak["number"])["ticket"]["sla"]
    assert sla == board_entry(api, leak["number"])["sla"]  # the same deadline as the wall board
    assert sla["stage"] in ("accept", "arrive") and sla["due_at"] and not sla["breached"]
    assert work_order(api, "dispatcher", leak["number"])["ticket"]["sla"] == sla


def test_work_orders_are_read_in_the_same_statements_whatever_their_number(app, api):
    """The deadlines come in one query for the whole list, the tickets with their category,
    caller and unit in the list's own: no statement per order (the desk's view)."""
    def statements(role: str) -> int:  # noqa: E306
        count = 0

        def counting(*_args):
            nonlocal count
            count += 1

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", counting)
            try:
                assert api(role).get("/api/v1/work-orders").status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", counting)
        return count

    dispatch(api, new_ticket(api))
    with_one = statements("dispatcher")
    for _ in range(4):
        dispatch(api, new_ticket(api))
    assert statements("dispatcher") == with_one
    # (For a crew, hotline.callers.privacy.can_see_caller still reads the crew's units once
    # per ticket: not the deadlines.)


def test_a_ticket_without_a_running_clock_has_no_deadline(app, api):
    from sqlalchemy import select

    from hotline.core import clock
    from hotline.sla.engine import clocks
    from hotline.sla.models import SlaClock
    from hotline.tickets.models import Ticket

    order = dispatch(api, new_ticket(api, "consultation"))
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == order["number"]))
        for c in db.session.scalars(select(SlaClock).where(SlaClock.ticket_id == ticket.id)):
            clocks.stop(db.session, c, clock.now())
        db.session.commit()
    assert work_order(api, "crew", order["number"])["ticket"]["sla"] is None


# --- the crew's phone and the desk, with the real scheduler ---------------------------

SECONDS = 12  # warning after 6 s, deadline after 12 s


@pytest.fixture(scope="module")
def sla_server(live_server):  # noqa: F811
    live_server.tokens = prepare(live_server, "repair", SECONDS)
    return live_server


def dispatch_live(server: LiveServer, ticket: dict) -> None:
    r = requests.post(f"{server.url}/api/v1/tickets/{ticket['number']}/dispatch", timeout=10,
                      headers={"Authorization": f"Bearer {server.tokens['dispatcher']}"},
                      json={"unit": "north", "version": ticket["version"]})
    assert r.status_code == 200, r.text


def open_page(browser, server, user, path, locale, viewport):  # noqa: F811
    context = browser.new_context(locale=locale, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, user)
    page.goto(server.url + path)
    page.locator('#live-state[data-state="live"]').wait_for()
    return context, page


def seconds_left(text: str) -> int:
    m, s = re.search(r"(\d+):(\d\d)", text).groups()
    return int(m) * 60 + int(s)


@pytest.mark.browser
def test_crew_counts_down_to_arrival_and_turns_red_on_breach_and_desk_follows(sla_server, browser):  # noqa: F811
    crew_ctx, crew = open_page(browser, sla_server, "crew", "/crew", "zh-CN", {"width": 390, "height": 844})
    desk_ctx, desk = open_page(browser, sla_server, "dispatcher", "/dispatch", "en-US", {"width": 1440, "height": 900})
    try:
        older = create(sla_server, sla_server.tokens, "complaint")  # a deadline of days: no alert here
        late = create(sla_server, sla_server.tokens, "repair")
        dispatch_live(sla_server, older)
        dispatch_live(sla_server, late)

        # The crew's phone: the arrival deadline, big, counting down.
        deadline = crew.locator(f'.order[data-number="{late["number"]}"] .o-deadline .sla')
        deadline.wait_for(timeout=5000)
        first = deadline.inner_text()
        assert re.fullmatch(r"到场 剩 \d+:\d\d", first), first
        assert deadline.get_attribute("class") == "sla sla-running"
        assert float(deadline.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")) >= 24
        crew.wait_for_timeout(2100)
        assert seconds_left(deadline.inner_text()) < seconds_left(first)  # ticking

        # The desk: each row in progress shows its deadline; the older one leads while nothing is late.
        row = desk.locator(f'#progress .job[data-number="{late["number"]}"]')
        row.locator(".sla").wait_for(timeout=5000)
        assert re.fullmatch(r"Arrival \d+:\d\d left", row.locator(".sla").inner_text())
        assert desk.locator(f'#progress .job[data-number="{older["number"]}"] .sla').inner_text().endswith("left")
        numbers = desk.locator("#progress .job").evaluate_all("rows => rows.map(r => r.dataset.number)")
        assert numbers.index(older["number"]) < numbers.index(late["number"])

        # The warning, then the breach. data-breached is only set by the sla.breached event
        # (the colour alone would also turn with the time).
        crew.locator(f'.order[data-number="{late["number"]}"] .sla.sla-warned').wait_for(timeout=SECONDS * 1000)
        crew.locator(f'.order[data-number="{late["number"]}"] .sla.sla-breached[data-breached="1"]').wait_for(timeout=SECONDS * 1000)
        assert re.fullmatch(r"到场 超时 \d+:\d\d", deadline.inner_text()), deadline.inner_text()
        assert "sla-breached" in crew.locator(f'.order[data-number="{late["number"]}"]').get_attribute("class")
        red = deadline.evaluate("n => getComputedStyle(n).backgroundColor")
        assert red.startswith("rgb(") and red != "rgb(255, 255, 255)", red
        assert "超时" in crew.locator("#crew-announce").inner_text()

        row.locator('.sla.sla-breached[data-breached="1"]').wait_for(timeout=5000)
        assert re.fullmatch(r"Arrival overdue \d+:\d\d", row.locator(".sla").inner_text())
        row.locator(".badge.escalated").wait_for(timeout=5000)  # the escalation event, without a reload
        numbers = desk.locator("#progress .job").evaluate_all("rows => rows.map(r => r.dataset.number)")
        assert numbers.index(late["number"]) < numbers.index(older["number"])  # late first
        assert alert_counts(sla_server, late["number"]) == {"warning": 1, "breach": 1}
    finally:
        crew_ctx.close()
        desk_ctx.close()
