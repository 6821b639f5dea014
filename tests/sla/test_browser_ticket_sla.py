"""The ticket page's SLA panel in a real browser: a dispatcher pauses a ticket's clocks with
a reason and resumes them; an operator replies to a complaint and sees the reply clock met;
the time left ticks without a reload."""
import json

import pytest
from fixtures.live import browser, live_server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

TICKETS = """
import json
from hotline.tickets import services
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.users.models import User
op = db.session.scalar(db.select(User).where(User.username == "operator"))
repair = services.create_ticket(TicketCreate(category="repair", priority="urgent", unit="north",
    matter="Burst pipe in the cellar", caller={"phone": "13800138000", "name": "Wang"}), op, Channel.PHONE)
complaint = services.create_ticket(TicketCreate(category="complaint", priority="normal",
    matter="The meter reader never came", caller={"phone": "13900139000"}), op, Channel.PHONE)
db.session.flush()
print(json.dumps({"repair": repair.number, "complaint": complaint.number}))
"""


@pytest.fixture(scope="module")
def numbers(live_server):
    return json.loads(live_server.run_in_app(TICKETS).strip().splitlines()[-1])


def _page(browser, server, user):
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, user)
    return context, page


def test_dispatcher_pauses_and_resumes_the_clocks(live_server, browser, numbers):
    context, page = _page(browser, live_server, "dispatcher")
    try:
        page.goto(f"{live_server.url}/tickets/{numbers['repair']}")
        accept = page.locator('.sla-clock[data-stage="accept"]')
        assert accept.get_attribute("data-state") == "running"
        count = accept.locator(".sla-count")
        first = count.inner_text()
        assert "left" in first
        page.wait_for_function(
            "([el, before]) => el.textContent !== before", arg=[count.element_handle(), first], timeout=3000
        )  # it ticks without a reload

        page.locator("#sla-pause summary").click()
        page.locator("#f-pause-reason").fill("Waiting for the caller to be home")
        page.locator("#sla-pause button[type=submit]").click()
        page.wait_for_load_state()
        accept = page.locator('.sla-clock[data-stage="accept"]')
        assert accept.get_attribute("data-state") == "paused"
        assert "Paused" in accept.locator(".sla-state").inner_text()
        assert "Waiting for the caller to be home" in accept.locator(".sla-reason").inner_text()
        assert page.locator(".timeline .ev-sla_paused").count() == 1
        assert "Clocks paused" in page.locator(".timeline .ev-sla_paused").inner_text()

        page.locator("#sla-resume").click()
        page.wait_for_load_state()
        assert page.locator('.sla-clock[data-stage="accept"]').get_attribute("data-state") == "running"
        assert "Clocks resumed" in page.locator(".timeline .ev-sla_resumed").inner_text()
    finally:
        context.close()


def test_empty_pause_reason_is_shown_beside_the_field(live_server, browser, numbers):
    context, page = _page(browser, live_server, "dispatcher")
    try:
        page.goto(f"{live_server.url}/tickets/{numbers['repair']}")
        page.locator("#sla-pause summary").click()
        page.locator("#sla-pause button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("#err-pause-reason").is_visible()
        assert page.locator("#f-pause-reason").get_attribute("aria-invalid") == "true"
        assert page.locator('.sla-clock[data-stage="accept"]').get_attribute("data-state") == "running"
    finally:
        context.close()


def test_operator_replies_to_a_complaint_and_the_reply_clock_is_met(live_server, browser, numbers):
    context, page = _page(browser, live_server, "operator")
    try:
        page.goto(f"{live_server.url}/tickets/{numbers['complaint']}")
        reply = page.locator('.sla-clock[data-stage="reply"]')
        assert reply.get_attribute("data-state") == "running"
        assert page.locator("#sla-pause").count() == 0  # not an operator's to pause
        page.locator("#sla-reply summary").click()
        page.locator("#f-reply-message").fill("The meter reader comes on Friday morning")
        page.locator("#sla-reply button[type=submit]").click()
        page.wait_for_load_state()
        reply = page.locator('.sla-clock[data-stage="reply"]')
        assert reply.get_attribute("data-state") == "met"
        assert "Met" in reply.locator(".sla-state").inner_text()
        event = page.locator(".timeline .ev-replied")
        assert "Replied to the caller" in event.inner_text()
        assert "The meter reader comes on Friday morning" in event.inner_text()
    finally:
        context.close()
