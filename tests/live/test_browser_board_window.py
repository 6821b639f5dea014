"""The wall board holds a window of each column (/board?per_lane=N) and counts the rest:
the column's count and its "+N more" come from the snapshot's counts, and news of a ticket
beyond the window (which the page holds no card for) brings the counts again."""
import json

import pytest
from fixtures.live import api_caller, browser, live_server, sign_in, wait_for_js  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

TOKENS = """
import json
from hotline.users.models import User
from hotline.users.services import create_token
print(json.dumps({name: create_token(db.session.scalar(db.select(User).where(User.username == name)), "browser test")[1]
                  for name in ("operator", "dispatcher")}))
"""


def test_a_ticket_beyond_the_window_changes_the_counts(live_server, browser):  # noqa: F811 - fixtures
    tokens = json.loads(live_server.run_in_app(TOKENS).strip().splitlines()[-1])
    call = api_caller(live_server, tokens)

    created = [call("operator", "POST", "/tickets", {"category": "repair", "matter": "Meter box leaking",
                                                     "address": f"{i} Mill Lane", "caller": {"phone": "13700137000"}})
               for i in range(7)]
    context = browser.new_context(locale="en-US", viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server, "dispatcher")
        page.goto(live_server.url + "/board?per_lane=3")
        wait_for_js(page, "Hotline.current.seq() !== null")
        count = page.locator('[data-count="waiting"]')
        more = page.locator('[data-more="waiting"]')
        waiting = count.inner_text()
        assert int(waiting) >= 7
        held = page.eval_on_selector_all('[data-cards="waiting"] .card', "cards => cards.map(c => c.dataset.number)")
        assert len(held) == 3  # the window: the rest are counted, not shipped
        assert more.is_visible() and more.inner_text().startswith(f"+{int(waiting) - 3} more")

        snapshots = []
        page.on("request", lambda req: snapshots.append(req.url) if "/api/v1/board" in req.url else None)
        beyond = next(t for t in created if t["number"] not in held)
        call("dispatcher", "POST", f"/tickets/{beyond['number']}/dispatch", {"unit": "north", "version": beyond["version"]})
        page.locator('[data-count="waiting"]', has_text=str(int(waiting) - 1)).wait_for(timeout=5000)
        page.locator(f'[data-cards="dispatched"] .card[data-number="{beyond["number"]}"]').wait_for(timeout=5000)
        assert more.inner_text().startswith(f"+{int(waiting) - 4} more")
        assert len(snapshots) == 1  # the counts came again, once
    finally:
        context.close()


def test_the_desk_asks_the_server_for_its_filters(live_server, browser):  # noqa: F811 - fixtures
    """A filter chosen on the desk reloads its snapshot with it: the server picks the cards and
    counts them against the whole queue."""
    call = api_caller(live_server, json.loads(live_server.run_in_app(TOKENS).strip().splitlines()[-1]))
    for priority in ("emergency", "normal"):
        call("operator", "POST", "/tickets", {"category": "repair", "matter": "Meter box leaking", "priority": priority,
                                              "caller": {"phone": "13700137000"}})
    expected = call("dispatcher", "GET", "/desk/board?priority=emergency")["lanes"]["queue"]
    assert 0 < expected["total"] < expected["all"]
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server, "dispatcher")
        page.goto(live_server.url + "/dispatch")
        wait_for_js(page, "Hotline.current.seq() !== null")
        with page.expect_response(lambda r: "/api/v1/desk/board?priority=emergency" in r.url):
            page.select_option("#df-priority", "emergency")
        page.locator("#count-queue", has_text=f"{expected['total']} of {expected['all']} shown (filtered)").wait_for()
        assert page.locator("#queue .job.prio-emergency").count() == expected["total"]
        assert page.locator("#queue .job:not(.prio-emergency)").count() == 0
    finally:
        context.close()
