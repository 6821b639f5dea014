"""Duty in real browsers: an operator signs in to a seat and goes busy (示忙), and the
wall board's on-duty band shows it live; a supervisor draws a cell and publishes."""
import pytest
from fixtures.live import browser, live_server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

# Two shifts cover the clock; the operator and the dispatcher are on both today, published.
DUTY_SEED = """
from datetime import time
from hotline.core import clock
from hotline.duty.rosters import services
from hotline.duty.rosters.models import ShiftStaffing, ShiftTemplate
from hotline.duty.seats.models import Seat
from hotline.users.models import Role, User
am = ShiftTemplate(code="am", name_en="Morning", name_zh="上午班", starts=time(0, 0), ends=time(12, 0), sort_order=1)
pm = ShiftTemplate(code="pm", name_en="Afternoon", name_zh="下午班", starts=time(12, 0), ends=time(0, 0), sort_order=2)
for t in (am, pm):
    t.staffing = [ShiftStaffing(role=Role.OPERATOR, min_count=1, max_count=2)]
db.session.add_all([am, pm, Seat(code="A01", name="A01"), Seat(code="A02", name="A02")])
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
"""


def _page(browser, server, user, path, locale="en-US", **ctx):
    context = browser.new_context(locale=locale, **ctx)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, user)
    page.goto(server.url + path)
    return context, page


@pytest.fixture(scope="module")
def duty_server(live_server):
    live_server.run_in_app(DUTY_SEED)
    return live_server


def test_operator_goes_busy_and_the_wall_board_shows_it_live(duty_server, browser):
    board_ctx, board = _page(browser, duty_server, "board", "/board", viewport={"width": 1920, "height": 1080})
    op_ctx, seat = _page(browser, duty_server, "operator", "/seat")
    try:
        board.locator('#live-state[data-state="live"]').wait_for()
        person = board.locator('#on-duty-people li[data-username="operator"]')
        person.wait_for()
        assert person.get_attribute("data-state") == "not_signed_in"

        seat.select_option("#s-seat", "A01")
        seat.click("#sign-in-form button[type=submit]")
        seat.locator('#seat-state[data-state="ready"]').wait_for()
        board.locator('#on-duty-people li[data-username="operator"][data-state="ready"]').wait_for(timeout=3000)

        seat.click('.state-buttons [data-state="busy"]')
        seat.locator('#seat-state[data-state="busy"]').wait_for()
        busy = board.locator('#on-duty-people li[data-username="operator"][data-state="busy"]')
        busy.wait_for(timeout=3000)  # the event, not the one-minute refresh
        assert "A01" in busy.inner_text()

        seat.fill("#away-reason", "Meal")
        seat.click('#away-form [data-state="away"]')
        board.locator('#on-duty-people li[data-username="operator"][data-state="away"]').wait_for(timeout=3000)
        # Away, and since when, but not why: staff away reasons are not the wall's business.
        assert "Meal" not in board.locator('#on-duty-people li[data-username="operator"]').inner_text()
    finally:
        board_ctx.close()
        op_ctx.close()


def test_supervisor_draws_a_cell_and_publishes(duty_server, browser):
    ctx, page = _page(browser, duty_server, "supervisor", "/rosters")
    try:
        page.locator("#grid-body tr").first.wait_for()
        assert page.locator("#roster-status").inner_text() == "Published"
        # the first of the month, morning: add the supervisor
        month_first = page.locator('td.cell[data-shift="am"]').first.get_attribute("data-day")
        cell = page.locator(f'td.cell[data-day="{month_first}"][data-shift="am"]')
        cell.locator(".cell-edit").click()
        page.locator("#cell-dialog[open]").wait_for()
        page.locator('#cell-people input[value="supervisor"]').check()
        page.fill("#cell-reason", "training")
        page.click('#cell-form button[value="save"]')
        cell.locator("li", has_text="Supervisor One").wait_for()
        page.click(".history-panel summary")
        assert "Supervisor One" in page.locator("#history li").first.inner_text()
        # publishing again: the month has gaps and hours with nobody (other days are empty)
        page.once("dialog", lambda d: d.accept("kept from the test"))
        page.click("#publish")
        page.locator("#roster-message", has_text="Published").wait_for()
        assert page.locator("#nobody-alarm").is_visible()
    finally:
        ctx.close()


def test_ones_own_shifts_are_marked_for_an_operator(duty_server, browser):
    """The operator is on both shifts of today and on nothing else: exactly those cells
    carry the mark, with a star on the name (not colour alone)."""
    ctx, page = _page(browser, duty_server, "operator", "/rosters", viewport={"width": 390, "height": 844})
    try:
        page.locator("#grid-body tr").first.wait_for()
        mine = page.locator("td.cell.mine")
        assert mine.count() == 2
        assert {mine.nth(i).get_attribute("data-shift") for i in range(2)} == {"am", "pm"}
        me = mine.first.locator("li.person.me")
        assert me.inner_text().startswith("★") and me.count() == 1
        assert page.locator("li.person.me").count() == 2 and page.locator("#copy-previous").count() == 0
    finally:
        ctx.close()
