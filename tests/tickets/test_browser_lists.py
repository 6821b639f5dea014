"""The tickets list, the ticket page and the printed work order in a real browser: no
ticket number, phone or time wraps at 1920×1080 or on a phone, a heading sorts, the top
bar switches the language and comes back to the same list, and the work order prints on
one A4 sheet without the top bar."""
import json
import re

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
numbers = []
for i, (priority, unit) in enumerate([("normal", "north"), ("emergency", "north"), ("urgent", "north"),
                                      ("low", None), ("urgent", None), ("normal", "north")] * 2):
    t = services.create_ticket(TicketCreate(category="repair", priority=priority, unit=unit,
        address="汉阳区鹦鹉大道58号丽景湾27栋4单元603室", matter="楼道里的公共水管接头在滴水，滴了好几天了。" * (1 + i % 3),
        caller={"phone": f"1380013{8000 + i:04d}", "name": "欧阳建国"}), op, Channel.PHONE)
    db.session.flush()
    numbers.append(t.number)
print(json.dumps(numbers))
"""

# Elements drawn on more than one line box (or taller than one line): wrapped.
WRAPPED = """() => [...document.querySelectorAll('table.tickets a.number, table.tickets .phone, table.tickets time')]
  .filter(el => el.getClientRects().length !== 1 ||
                el.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(el).lineHeight || 20))
  .map(el => el.textContent)"""


@pytest.fixture(scope="module")
def numbers(live_server):
    return json.loads(live_server.run_in_app(TICKETS).strip().splitlines()[-1])


def _page(browser, server, size, user="supervisor"):
    context = browser.new_context(locale="en-US", viewport=size)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, user)
    return context, page


@pytest.mark.parametrize("size", [{"width": 1920, "height": 1080}, {"width": 390, "height": 844}])
def test_numbers_phones_and_times_never_wrap(live_server, browser, numbers, size):
    context, page = _page(browser, live_server, size)
    try:
        page.goto(f"{live_server.url}/tickets?sort=deadline")
        assert page.locator("table.tickets a.number").count() == len(numbers)
        assert page.evaluate(WRAPPED) == []
    finally:
        context.close()


def test_a_heading_sorts_and_the_top_bar_switches_the_language(live_server, browser, numbers):
    context, page = _page(browser, live_server, {"width": 1920, "height": 1080})
    try:
        page.goto(f"{live_server.url}/tickets?open=1")
        page.locator('th[data-sort="priority"] a').click()
        page.wait_for_load_state()
        assert "sort=priority" in page.url and "open=1" in page.url
        assert page.locator('th[data-sort="priority"]').get_attribute("aria-sort") == "ascending"
        assert page.locator("table.tickets a.number").first.inner_text() == numbers[1]  # the emergency
        before = page.url
        for lang, heading in (("en", "Tickets"), ("zh_CN", "工单查询")):
            page.locator(f'.lang-switch button[value="{lang}"]').click()
            page.wait_for_load_state()
            assert page.url == before  # the same list, same order
            assert page.locator("h1").inner_text() == heading
    finally:
        context.close()


def test_the_work_order_prints_on_one_a4_sheet(live_server, browser, numbers):
    context, page = _page(browser, live_server, {"width": 1920, "height": 1080}, user="dispatcher")
    try:
        page.goto(f"{live_server.url}/tickets/{numbers[0]}")
        page.locator(".ticket-print a").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/tickets/{numbers[0]}/work-order/print")
        assert page.locator("[data-print]").is_visible()
        page.emulate_media(media="print")
        assert not page.locator(".topbar").is_visible() and not page.locator("[data-print]").is_visible()
        assert page.locator(".wo-fill").is_visible() and numbers[0] in page.locator(".wo-ids").inner_text()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1  # one sheet
    finally:
        context.close()
