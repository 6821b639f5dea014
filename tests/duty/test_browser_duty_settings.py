"""Duty settings in a real browser: an admin raises a shift's minimum of operators on the
settings page; the page shows the new head count and a supervisor's roster page shows
the new gap in its coverage (the roster was already published)."""
import pytest
from fixtures.live import browser, live_server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

# Two shifts around the clock; the operator and the dispatcher on both, today, published.
SEED = """
from datetime import time
from hotline.core import clock
from hotline.duty.rosters import services
from hotline.duty.rosters.models import ShiftStaffing, ShiftTemplate
from hotline.users.models import Role, User
am = ShiftTemplate(code="am", name_en="Morning", name_zh="上午班", starts=time(0, 0), ends=time(12, 0), sort_order=1)
pm = ShiftTemplate(code="pm", name_en="Afternoon", name_zh="下午班", starts=time(12, 0), ends=time(0, 0), sort_order=2)
for t in (am, pm):
    t.staffing = [ShiftStaffing(role=Role.OPERATOR, min_count=1, max_count=3)]
db.session.add_all([am, pm])
db.session.flush()
today = clock.local().date()
lead = db.session.scalar(db.select(User).where(User.username == "supervisor"))
people = db.session.scalars(db.select(User).where(User.username.in_(["operator", "dispatcher"]))).all()
# the same two people work both 12-hour shifts back to back (连班): approved by the manager
from hotline.duty.rosters import doubles
manager = db.session.scalar(db.select(User).where(User.username == "manager"))
for person in people:
    doubles.decide(doubles.ask(person, (today, am), (today, pm), "test center", lead), manager, True, None)
for t in (am, pm):
    services.set_cell(today.replace(day=1), today, t, people, lead, None)
services.publish(today.replace(day=1), lead, None, confirm_gaps=True, override_reason="test month")
print(today.isoformat())
"""


@pytest.fixture(scope="module")
def today(live_server):
    return live_server.run_in_app(SEED).strip().splitlines()[-1]


def _page(browser, server, user, path):
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, user)
    page.goto(server.url + path)
    return context, page


def _below_min_gaps(page, today: str):
    page.goto(page.url)  # the roster page reads coverage when it loads
    page.locator("#grid-body tr").first.wait_for()
    return [g for g in page.locator("#gaps li.gap-below_min").all_inner_texts() if today[5:] in g]


def test_admin_raises_the_minimum_and_the_roster_shows_the_gap(live_server, today, browser):
    lead_ctx, roster = _page(browser, live_server, "supervisor", f"/rosters/{today[:7]}")
    admin_ctx, settings = _page(browser, live_server, "admin", "/settings/duty/shifts")
    try:
        assert _below_min_gaps(roster, today) == []

        row = settings.locator('.shift-row[data-shift="am"]')
        assert "Operator 1–3" in row.locator(".heads").inner_text()
        row.locator(".row-edit summary").click()
        row.locator('input[name="min_operator"]').fill("2")
        row.locator("form button[type=submit]").click()
        settings.locator(".flash", has_text="Shift am saved.").wait_for()
        row = settings.locator('.shift-row[data-shift="am"]')
        assert "Operator 2–3" in row.locator(".heads").inner_text()
        assert "Operator 1–3" in settings.locator('.shift-row[data-shift="pm"] .heads').inner_text()

        gaps = _below_min_gaps(roster, today)
        assert gaps == [f"Morning {today[5:]}: 1 Operator, at least 2"]
        cell = roster.locator(f'td.cell[data-day="{today}"][data-shift="am"]')
        assert "gap-below_min" in cell.get_attribute("class")
    finally:
        lead_ctx.close()
        admin_ctx.close()


def test_a_bad_maximum_is_refused_beside_its_box_and_nothing_changes(live_server, today, browser):
    ctx, page = _page(browser, live_server, "admin", "/settings/duty/shifts")
    try:
        row = page.locator('.shift-row[data-shift="pm"]')
        row.locator(".row-edit summary").click()
        row.locator('input[name="max_operator"]').fill("0")
        row.locator("form button[type=submit]").click()
        row = page.locator('.shift-row[data-shift="pm"]')
        error = row.locator('[data-error-for="max_operator"]')
        error.wait_for()
        assert error.inner_text().endswith("Max is below min.")
        assert row.locator('input[name="max_operator"]').input_value() == "0"  # kept as typed
        assert "Operator 1–3" in row.locator(".heads").inner_text()
    finally:
        ctx.close()
