"""Going live in a real browser, as issue 11 tells it: an admin builds a branch and its
crew on the units page, adds a crew member on the users page; the crew member signs in
and sees their unit's work; the admin deactivates them and their open crew page stops
within a second."""
import json
import re
import time

import pytest
from fixtures.live import browser, live_server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

OWN = "walnut ferry seventy lamps"

# A ticket the desk sent to the new crew (the crew needs work to see).
DISPATCHED = """
import json
from dispatch.workorders.services import dispatch_ticket
from hotline.core.permissions import Role
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.tickets.services import create_ticket
from hotline.units.models import Unit
from hotline.users.models import User
operator = db.session.scalar(db.select(User).where(User.username == "operator"))
dispatcher = db.session.scalar(db.select(User).where(User.username == "dispatcher"))
crew = db.session.scalar(db.select(Unit).where(Unit.code == "east-crew-1"))
data = TicketCreate.model_validate({"category": "leak", "matter": "Water meter box leaking at the gate",
                                    "address": "12 Orchard Road", "caller": {"phone": "13900139001"}})
ticket = create_ticket(data, operator, Channel.PHONE)
db.session.commit()
dispatch_ticket(ticket, crew, dispatcher, None)
db.session.commit()
print(json.dumps({"number": ticket.number}))
"""


def _context(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context


def _add_unit(page, code: str, name: str, kind: str, parent: str) -> None:
    form = page.get_by_role("form", name="New unit")
    form.get_by_label("Code").fill(code)
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Kind").select_option(kind)
    form.get_by_label("Under").select_option(parent)
    form.get_by_role("button", name="Add").click()
    page.locator(f'tr[data-code="{code}"]').wait_for()


def test_a_center_sets_up_a_crew_which_works_until_deactivated(live_server, browser):
    admin_ctx, crew_ctx = _context(browser), _context(browser)
    try:
        admin = admin_ctx.new_page()
        sign_in(admin, live_server, "admin")
        admin.get_by_role("link", name="Units").click()
        _add_unit(admin, "center", "12345 Hotline center", "center", "")  # a fresh install's first unit
        _add_unit(admin, "east", "East branch", "branch", "center")
        _add_unit(admin, "east-crew-1", "East crew 1", "crew", "east")

        admin.get_by_role("link", name="Users").click()
        form = admin.get_by_role("form", name="New user")
        form.get_by_label("Username").fill("liu")
        form.get_by_label("Name", exact=True).fill("Liu Yang")
        form.get_by_label("Role").select_option("crew")
        form.get_by_label("Unit").select_option("east-crew-1")
        form.get_by_role("button", name="Add").click()
        temporary = admin.locator("#temporary-password").inner_text().strip()

        number = json.loads(live_server.run_in_app(DISPATCHED).strip().splitlines()[-1])["number"]

        crew = crew_ctx.new_page()
        sign_in(crew, live_server, "liu", temporary)
        crew.get_by_label("Current password").fill(temporary)
        crew.get_by_label("New password", exact=True).fill(OWN)
        crew.get_by_label("New password again").fill(OWN)
        crew.get_by_role("button", name="Change password").click()
        crew.wait_for_url(re.compile(r".*/crew$"))
        crew.locator('#live-state[data-state="live"]').wait_for()
        card = crew.locator(f'[data-number="{number}"]')
        card.wait_for()
        assert "Water meter box leaking" in card.inner_text()

        admin.goto(live_server.url + "/settings/users?unit=east-crew-1")
        admin.get_by_role("link", name="liu", exact=True).click()
        admin.get_by_role("button", name="Deactivate").click()
        admin.get_by_text("User liu deactivated").wait_for()
        answered = time.monotonic()
        # The open crew page, untouched, leaves for the sign-in page by itself.
        crew.wait_for_url(re.compile(r".*/login.*"), timeout=1000)
        print(f"crew page ended {1000 * (time.monotonic() - answered):.0f} ms after the deactivation answered")
        crew.goto(live_server.url + "/crew")
        assert "/login" in crew.url
    finally:
        admin_ctx.close()
        crew_ctx.close()
