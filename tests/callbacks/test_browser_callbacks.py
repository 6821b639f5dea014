"""The callback page in a real browser: an operator works the queue with the keyboard,
records a dissatisfied callback in the caller's words, and the ticket goes back to its unit."""
import re

import pytest
from fixtures.live import browser, live_page, live_server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

RESOLVED = """
from hotline.tickets import services as tickets
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.units.models import Unit
from hotline.users.models import User
from dispatch.workorders import services as work
op = db.session.scalar(db.select(User).where(User.username == "operator"))
desk = db.session.scalar(db.select(User).where(User.username == "dispatcher"))
north = db.session.scalar(db.select(Unit).where(Unit.code == "north"))
for matter, result in [("No water since this morning", "Main valve reopened"), ("Meter box lid missing", "New lid fitted")]:
    t = tickets.create_ticket(TicketCreate(category="repair", matter=matter, caller={"phone": "13600136000", "name": "Chen"}), op, Channel.PHONE)
    work.dispatch_ticket(t, north, desk, None)
    for step in ("accept", "on_site"):
        work.advance(t, step, desk, None)
    work.advance(t, "resolve", desk, None, result=result)
    print(t.number)
"""


def test_operator_records_a_dissatisfied_callback_and_the_ticket_is_reopened(live_server, live_page):
    first, second = live_server.run_in_app(RESOLVED).split()
    page = live_page
    sign_in(page, live_server, "operator")
    page.goto(live_server.url + "/callbacks")

    card = page.locator(f".cb-card[data-ticket='{first}']")
    assert card.locator(".cb-body").is_visible()  # the first card is open
    assert page.locator(".cb-body:visible").count() == 1
    assert card.locator("a.cb-tel").get_attribute("href") == "tel:+8613600136000"
    assert "Main valve reopened" in card.locator(".cb-result").inner_text()

    page.keyboard.press("r")  # reached
    page.keyboard.press("u")  # not solved
    page.keyboard.press("4")  # dissatisfied
    assert card.locator("input[name=satisfaction][value=dissatisfied]").is_checked()
    page.keyboard.press("Control+Enter")  # words are missing: said beside the field, nothing lost
    error = card.locator("[data-error-for='words']")
    assert error.is_visible() and error.inner_text()
    assert card.locator("input[name=solved][value=no]").is_checked()

    card.locator("textarea[name=words]").fill("Still no water on the top floor")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(f".cb-card[data-ticket='{first}']", state="detached")
    assert re.search(rf"{first}.*reopened", page.locator("#cb-status").inner_text())
    nxt = page.locator(f".cb-card[data-ticket='{second}']")
    assert nxt.locator(".cb-body").is_visible()  # the next one opened
    assert "1 to call" in page.locator("#cb-counts").inner_text()

    page.goto(live_server.url + f"/tickets/{first}")
    reopen = page.locator(".timeline li.ev-reopen")
    assert reopen.count() == 1
    assert "Still no water on the top floor" in reopen.inner_text()


def test_not_reached_waits_for_the_next_try(live_server, live_page):
    page = live_page
    sign_in(page, live_server, "operator")
    page.goto(live_server.url + "/callbacks")
    card = page.locator("#due-list .cb-card").first
    number = card.get_attribute("data-ticket")
    card.locator("label:has(input[name=reached][value=no])").click()
    assert card.locator(".cb-retry").is_visible() and not card.locator(".cb-answer").is_visible()
    card.locator("button[type=submit]").click()
    waiting = page.locator(f"#waiting-list .cb-card[data-ticket='{number}']")
    waiting.wait_for()
    assert waiting.locator(".cb-tries").inner_text() == "tried 1×"
    assert "next try" in page.locator("#cb-status").inner_text()
