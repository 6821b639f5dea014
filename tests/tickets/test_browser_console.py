"""The operator console in a real browser: a repeat caller's call taken and saved with one key."""
import re

import pytest
from fixtures.live import browser, live_page, live_server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

EARLIER = """
from hotline.tickets import services
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.users.models import User
operator = db.session.scalar(db.select(User).where(User.username == "operator"))
ticket = services.create_ticket(TicketCreate(
    category="leak", matter="Water coming up through the pavement",
    caller={"phone": "+8613800138000", "name": "Wang Fang"}, address="12 Garden Road, Building 3",
), operator, Channel.PHONE)
print(ticket.number)
"""


def test_operator_takes_a_repeat_callers_call(live_server, live_page):
    page = live_page
    earlier = live_server.run_in_app(EARLIER).strip().splitlines()[-1]
    sign_in(page, live_server, "operator")
    assert page.url.endswith("/console")

    # A different spelling of the same number finds the caller and their history.
    page.locator("#f-caller-phone").press_sequentially("138 0013 8000")
    repeat = page.locator("#repeat")
    repeat.wait_for(state="visible")
    assert "1" in repeat.inner_text()
    assert page.locator("#h-name").inner_text() == "Wang Fang"
    history = page.locator("#h-tickets")
    assert earlier in history.inner_text()
    assert history.locator("li.is-open").count() == 1
    assert page.locator("#f-caller-name").input_value() == "Wang Fang"

    # A known address fills the field with one click.
    page.get_by_role("button", name="12 Garden Road, Building 3").click()
    assert page.locator("#f-address").input_value() == "12 Garden Road, Building 3"

    # Category by type-ahead; the priority follows its default, then the operator raises it.
    page.locator("#f-category").fill("repair")
    page.locator("#f-category").press("Enter")
    assert page.locator('input[name="category"][value="repair"]').is_checked()
    assert page.locator('input[name="priority"][value="normal"]').is_checked()
    page.locator("label.seg.prio-urgent").click()
    matter = "The water meter in the hallway is leaking again <b>badly</b>"
    page.locator("#f-matter").fill(matter)

    page.keyboard.press("Control+Enter")
    link = page.locator("#saved-link")
    link.wait_for(state="visible")
    number = link.inner_text()
    assert re.fullmatch(r"\d{8}-\d{4}", number) and number != earlier
    # Ready for the next call.
    assert page.locator("#f-caller-phone").input_value() == ""
    assert page.evaluate("document.activeElement.id") == "f-caller-phone"
    assert page.locator("#history-body").is_hidden()

    link.click()
    page.wait_for_url(f"**/tickets/{number}")
    body = page.locator("main").inner_text()
    assert matter in body  # shown as text, never as markup
    assert "12 Garden Road, Building 3" in body
    assert page.locator(".badge.prio-urgent").count() >= 1


def test_bad_number_is_shown_beside_the_phone_field(live_server, live_page):
    page = live_page
    sign_in(page, live_server, "operator")
    page.locator("#f-caller-phone").fill("123")
    page.locator("#f-category").fill("3")
    page.locator("#f-category").press("Enter")
    page.locator("#f-matter").fill("Nobody can reach the number")
    page.keyboard.press("Control+Enter")

    error = page.locator('[data-error-for="caller.phone"]')
    error.wait_for(state="visible")
    assert error.inner_text().strip()
    assert page.locator("#f-caller-phone").get_attribute("aria-invalid") == "true"
    # Nothing typed is lost.
    assert page.locator("#f-matter").input_value() == "Nobody can reach the number"
    assert page.locator("#f-caller-phone").input_value() == "123"
    assert page.locator("#saved").is_hidden()
