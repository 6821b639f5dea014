"""The wall board's "+N more" strip says how many of the cards it hides are overdue or
warned: a column holding more missed deadlines than fit still tells the dispatcher to
look. Real server (tests/live.py) and real Chromium at wall size, in both languages."""
from __future__ import annotations

import re

import pytest
from fixtures.live import browser, live_server, sign_in  # noqa: F401 - fixtures
from test_browser_board_sla import WALL, crowd

pytestmark = pytest.mark.browser

# Of the oldest waiting tickets, 45 missed their deadline and 12 are warned: more red
# than a waiting column holds at wall size, so red and amber cards go under "+N more".
OVERDUE_MANY = """
from datetime import timedelta
from hotline.core import clock
from hotline.sla.models import SlaClock
from hotline.tickets.models import Status, Ticket
now = clock.now()
waiting = db.session.scalars(db.select(Ticket).where(Ticket.status == Status.NEW).order_by(Ticket.id).limit(57)).all()
for i, t in enumerate(waiting):
    c = db.session.scalars(db.select(SlaClock).where(SlaClock.ticket_id == t.id, SlaClock.stopped_at.is_(None))
                           .order_by(SlaClock.due_at)).first()
    c.due_at = now + (timedelta(minutes=-5 - i) if i < 45 else timedelta(minutes=20 + i))
    c.warn_at = c.warned_at = c.due_at - timedelta(hours=1)
    c.breached_at = c.due_at if i < 45 else None
    c.next_check_at = None
"""


@pytest.fixture(scope="module")
def overflowing(live_server):  # noqa: F811
    crowd(live_server, 60)
    live_server.run_in_app(OVERDUE_MANY)
    return live_server


@pytest.mark.parametrize("locale, pattern", [
    ("en-US", r"\+(\d+) more · (\d+) overdue · (\d+) warned"),
    ("zh-CN", r"另有 (\d+) 张 · (\d+) 张超时 · (\d+) 张预警"),
])
def test_more_strip_counts_the_hidden_overdue_and_warned(browser, overflowing, locale, pattern):  # noqa: F811
    context = browser.new_context(locale=locale, viewport=WALL)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, overflowing, "dispatcher")
        page.goto(overflowing.url + "/board?per_lane=100")  # every card held: the strip counts hidden cards
        page.locator('#live-state[data-state="live"]').wait_for()
        more = page.locator('[data-col="waiting"] .col-more')
        more.wait_for()
        hidden = page.eval_on_selector_all('[data-cards="waiting"] .card[hidden]', """cards => ({
            all: cards.length,
            overdue: cards.filter(c => c.classList.contains("sla-breached")).length,
            warned: cards.filter(c => c.classList.contains("sla-warned")).length })""")
        text = more.inner_text()
        colours = more.evaluate("m => [...m.querySelectorAll('span')].map(s => [s.className, getComputedStyle(s).backgroundColor])")
    finally:
        context.close()
    match = re.fullmatch(pattern, text)
    assert match, text
    assert hidden["overdue"] > 0 and hidden["warned"] > 0, hidden  # the column really hides red and amber
    assert [int(g) for g in match.groups()] == [hidden["all"], hidden["overdue"], hidden["warned"]]
    assert colours == [["more-sla-breached", "rgb(255, 45, 61)"], ["more-sla-warned", "rgb(255, 157, 46)"]]
