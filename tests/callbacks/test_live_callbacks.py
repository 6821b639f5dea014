"""The callback queue's live events end to end: a real server (tests/live.py), real
python-socketio clients, and two operators on the queue in two real browsers.

Resolving a ticket sends `callback.opened` {id}; each recorded attempt sends
`callback.changed` {id, version, status, attempts, next_try_at, by}, in order, to the
center room only, without the caller. The other operator's queue follows: a card
finished elsewhere leaves, one tried elsewhere moves to the waiting list, a new one
appears, and the card this operator is working on stays, marked as handled."""
from __future__ import annotations

import json

from fixtures import live_clients
import pytest
from fixtures.live import PASSWORD, browser, live_server, sign_in, wait_until_following  # noqa: F401 - fixtures
from fixtures.live_clients import listen  # noqa: F401 - fixture

SEED = """
import json
from hotline.users.models import Role, User
from hotline.users.services import create_token, create_user
create_user("op2", PASSWORD, Role.OPERATOR, "Operator Two")
tokens = {}
for name in ("operator", "op2", "dispatcher", "supervisor", "board", "crew"):
    user = db.session.scalar(db.select(User).where(User.username == name))
    tokens[name] = create_token(user, "live callbacks test")[1]
print(json.dumps(tokens))
"""

CALLER = {"phone": "13600136000", "name": "Caller Chen"}
CHANGED_KEYS = {"id", "version", "status", "attempts", "next_try_at", "by", "seq", "prev", "event", "at"}


@pytest.fixture(scope="module")
def server(live_server):  # noqa: F811
    live_server.tokens = json.loads(live_server.run_in_app(SEED).strip().splitlines()[-1])
    return live_server


class Api(live_clients.Api):
    def resolved_ticket(self, matter: str) -> str:
        """A ticket taken by the operator and resolved by the desk: its callback opens."""
        t = self.call("operator", "POST", "/tickets", {"category": "repair", "matter": matter, "caller": CALLER}, expect=201)
        t = self.call("dispatcher", "POST", f"/tickets/{t['number']}/dispatch", {"unit": "north", "version": t["version"]})
        for step in ("accept", "on_site", "resolve"):
            body = {"version": t["version"], **({"result": "Valve replaced"} if step == "resolve" else {})}
            t = self.call("dispatcher", "POST", f"/tickets/{t['number']}/steps/{step}", body)
        assert t["status"] == "resolved"
        return t["number"]

    def callback_of(self, number: str) -> dict:
        items = self.call("operator", "GET", "/callbacks?per_page=200")["items"]
        return next(c for c in items if c["ticket"] == number)

    def attempt(self, who, callback, **body):
        return self.call(who, "POST", f"/callbacks/{callback['id']}/attempts", {"version": callback["version"], **body}, expect=201)


def test_callback_events_reach_the_center_in_order_without_caller_data(server, listen):
    api = Api(server)
    board, crew = listen("board"), listen("crew")
    number = api.resolved_ticket("No water on the third floor")
    cb = api.callback_of(number)

    first = api.attempt("operator", cb, reached=False)["callback"]
    done = api.attempt("op2", first, reached=True, solved=True, satisfaction="satisfied")["callback"]

    events = board.drain("callback.")
    assert [name for name, _ in events] == ["callback.opened", "callback.changed", "callback.changed"]
    opened, retry, finished = (data for _, data in events)
    assert (opened["id"], set(opened) - {"seq", "prev", "event", "at"}) == (cb["id"], {"id"})
    assert (retry["id"], retry["status"], retry["attempts"], retry["version"]) == (cb["id"], "pending", 1, first["version"])
    assert retry["next_try_at"] == first["next_try_at"] and retry["by"]["username"] == "operator"
    assert (finished["status"], finished["attempts"], finished["version"], finished["next_try_at"]) == ("done", 2, done["version"], None)
    assert finished["by"] == {"username": "op2", "display_name": "Operator Two"}
    assert opened["seq"] < retry["seq"] < finished["seq"]
    for _, data in events[1:]:
        assert set(data) == CHANGED_KEYS, data
    text = json.dumps(events)
    assert "13600136000" not in text and "Chen" not in text and "third floor" not in text
    assert crew.drain("callback.", settle=0.2) == []  # not in the center room


def test_a_refused_attempt_sends_nothing(server, listen):
    api = Api(server)
    cb = api.callback_of(api.resolved_ticket("Meter box lid missing"))
    board = listen("supervisor")
    api.call("operator", "POST", f"/callbacks/{cb['id']}/attempts", {"version": cb["version"] + 3, "reached": False}, expect=409)
    api.call("operator", "POST", f"/callbacks/{cb['id']}/attempts", {"version": cb["version"], "reached": True}, expect=422)
    assert board.drain("callback.") == []
    api.attempt("operator", cb, reached=True, solved=True, satisfaction="neutral")  # leave the queue as found


@pytest.mark.browser
def test_two_operators_on_the_queue_see_each_others_work(server, browser):  # noqa: F811
    api = Api(server)
    first = api.resolved_ticket("Low pressure at 3 Mill Street")
    second = api.resolved_ticket("Hydrant leaking on Park Road")
    contexts = []

    def queue_of(user):
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, server, user)
        page.goto(server.url + "/callbacks")
        wait_until_following(page)
        return page

    try:
        mine, theirs = queue_of("operator"), queue_of("op2")
        card = lambda page, number: page.locator(f".cb-card[data-ticket='{number}']")  # noqa: E731
        # Both have the first card open; the operator starts typing in it.
        assert card(mine, first).locator(".cb-body").is_visible()
        card(mine, first).locator("textarea[name=words]").fill("Pressure fine since noon, she says")

        # op2 is faster: reached, solved, satisfied. Gone from op2's queue; on the
        # operator's it stays, typed text and all, marked as handled by op2.
        page = theirs
        page.keyboard.press("r")
        page.keyboard.press("s")
        page.keyboard.press("2")
        page.keyboard.press("Control+Enter")
        card(theirs, first).wait_for(state="detached")
        note = card(mine, first).locator(".cb-taken")
        note.wait_for()
        assert "Operator Two" in note.inner_text()
        assert card(mine, first).locator("textarea[name=words]").input_value() == "Pressure fine since noon, she says"
        assert card(mine, first).locator("button[type=submit]").is_disabled()

        # op2 tries the second (not reached): on the operator's page, where nobody
        # touched it, it moves to the waiting list.
        card(theirs, second).locator("label:has(input[name=reached][value=no])").click()
        card(theirs, second).locator("button[type=submit]").click()
        mine.locator(f"#waiting-list .cb-card[data-ticket='{second}']").wait_for()
        assert mine.locator(f"#waiting-list .cb-card[data-ticket='{second}'] .cb-tries").inner_text() == "tried 1×"

        # A ticket resolved now: its callback appears on both queues.
        third = api.resolved_ticket("Road sign knocked over the valve cover")
        card(mine, third).wait_for()
        card(theirs, third).wait_for()
        assert mine.locator(f"#due-list .cb-card[data-ticket='{third}']").count() == 1

        # The operator acknowledges the note: the finished card leaves, the next opens.
        note.locator("button").click()
        card(mine, first).wait_for(state="detached")
        assert card(mine, third).locator(".cb-body").is_visible()
    finally:
        for context in contexts:
            context.close()
