"""Users administration in a real browser: an admin adds a crew user on /settings/users and
reads the temporary password off the page; the crew member signs in, is held on the
password page until they choose a strong one of their own, then reaches the crew page;
the admin deactivates them and their next page is the sign-in."""
import re

import pytest
from fixtures.live import browser, live_server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

OWN = "teapot harbour sixty lanterns"


def _context(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context


def test_admin_adds_a_crew_user_who_picks_a_password_then_is_deactivated(live_server, browser):
    admin_ctx, crew_ctx = _context(browser), _context(browser)
    try:
        admin = admin_ctx.new_page()
        sign_in(admin, live_server, "admin")
        admin.get_by_role("link", name="Users").click()
        assert admin.url.endswith("/settings/users")
        form = admin.get_by_role("form", name="New user")
        form.get_by_label("Username").fill("zhang")
        form.get_by_label("Name", exact=True).fill("Zhang Wei")
        form.get_by_label("Role").select_option("crew")
        form.get_by_label("Unit").select_option("north")
        form.get_by_role("button", name="Add").click()
        temporary = admin.locator("#temporary-password").inner_text().strip()
        assert re.fullmatch(r"(\w{4}-){3}\w{4}", temporary)

        crew = crew_ctx.new_page()
        sign_in(crew, live_server, "zhang", temporary)
        assert "/account/password" in crew.url
        assert crew.get_by_text("An administrator set a temporary password").is_visible()
        crew.get_by_label("Current password").fill(temporary)
        crew.get_by_label("New password", exact=True).fill("password1234")
        crew.get_by_label("New password again").fill("password1234")
        crew.get_by_role("button", name="Change password").click()
        assert crew.locator('[data-error-for="new_password"]').inner_text() == (
            "Too easy to guess: it is a very common password.")
        crew.goto(live_server.url + "/crew")
        assert "/account/password" in crew.url  # still held there

        crew.get_by_label("Current password").fill(temporary)
        crew.get_by_label("New password", exact=True).fill(OWN)
        crew.get_by_label("New password again").fill(OWN)
        crew.get_by_role("button", name="Change password").click()
        crew.wait_for_url(re.compile(r".*/crew$"))
        assert crew.get_by_text("Password changed.").is_visible()

        admin.goto(live_server.url + "/settings/users?unit=north")
        admin.get_by_role("link", name="zhang", exact=True).click()
        admin.get_by_role("button", name="Deactivate").click()
        assert admin.get_by_text("User zhang deactivated").is_visible()

        crew.reload()
        assert "/login" in crew.url
    finally:
        admin_ctx.close()
        crew_ctx.close()
