"""The dispatch side in real browsers: an emergency taken at the console reaches the wall
board within a second, is dispatched from the desk, shows on the crew's phone, and the
crew's 接单 (accept) shows on the board."""
import json

import pytest
import requests
from fixtures.live import PASSWORD, api_caller, browser, live_server, sign_in, wait_for_js  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

# A crew unit under the north branch and one of its crew members (the live server's seed
# has the branch and a branch-level crew user).
CREW_SEED = """
from hotline.users.models import Role
from hotline.users.services import create_user
from hotline.units.models import Unit, UnitKind
north = db.session.scalar(db.select(Unit).where(Unit.code == "north"))
if db.session.scalar(db.select(Unit).where(Unit.code == "north-crew-1")) is None:
    crew = Unit(code="north-crew-1", name="North crew 1", kind=UnitKind.CREW, parent=north)
    south = Unit(code="south", name="South branch", kind=UnitKind.BRANCH)
    db.session.add_all([crew, south])
    db.session.flush()
    create_user("crew1", PASSWORD, Role.CREW, "Crew One (north 1)", crew.id)
"""

MATTER = "Gas smell in the stairwell, residents leaving the building"


def _page(browser, server, user, path, **ctx):
    context = browser.new_context(locale=ctx.pop("locale", "en-US"), **ctx)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, user)
    page.goto(server.url + path)
    page.locator('#live-state[data-state="live"]').wait_for()
    return context, page


def test_emergency_from_console_to_board_desk_and_crew(live_server, browser):
    live_server.run_in_app(CREW_SEED)
    contexts = []
    try:
        ctx, board = _page(browser, live_server, "dispatcher", "/board", viewport={"width": 1920, "height": 1080})
        contexts.append(ctx)
        ctx, desk = _page(browser, live_server, "supervisor", "/dispatch", viewport={"width": 1440, "height": 900})
        contexts.append(ctx)
        ctx, crew = _page(browser, live_server, "crew1", "/crew", viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True)
        contexts.append(ctx)
        ctx, console = _page_console(browser, live_server)
        contexts.append(ctx)

        # The operator takes the call and saves it as an emergency.
        console.locator("#f-caller-phone").fill("13900139000")
        console.locator("#f-category").fill("leak")
        console.locator("#f-category").press("Enter")
        console.locator("label.seg.prio-emergency").click()
        console.locator("#f-address").fill("8 Harbour Street")
        console.locator("#f-matter").fill(MATTER)
        console.keyboard.press("Control+Enter")
        link = console.locator("#saved-link")
        link.wait_for(state="visible")
        number = link.inner_text().strip()

        # The wall board shows it within a second: red, in the waiting column and the alarm band.
        card = board.locator(f'[data-cards="waiting"] .card[data-number="{number}"]')
        card.wait_for(timeout=1000)
        assert "prio-emergency" in card.get_attribute("class")
        board.locator(f'#alarm-list [data-number="{number}"]').wait_for(timeout=1000)
        # Its street arrives with the live event (the ticket's card): the wall shows no house number.
        addr = board.locator(f'.card[data-number="{number}"] .c-addr', has_text="Harbour Street")
        addr.wait_for(timeout=5000)
        assert addr.inner_text().strip() == "Harbour Street"

        # The desk shows what the caller said and where (the dispatcher sees the full address
        # of an ordinary ticket), then dispatches it with the keyboard: row, D, type the unit, Enter.
        row = desk.locator(f'#queue .job[data-number="{number}"]')
        row.wait_for(timeout=2000)
        row.locator(".j-matter", has_text=MATTER).wait_for(timeout=3000)
        assert row.locator(".j-addr").inner_text() == "8 Harbour Street"
        assert desk.locator("#queue .job").first.get_attribute("data-number") == number  # emergencies first
        row.focus()
        desk.keyboard.press("d")
        field = row.locator('.dispatch-form input[data-role="unit"]')
        assert field.evaluate("el => el === document.activeElement")
        # Type-ahead: the datalist offers the units by name and code with their load.
        assert "North crew 1" in desk.locator('#desk-units option[value="north-crew-1"]').text_content()
        desk.keyboard.type("north crew 1")  # a unit's name, any case, picks it
        field.press("Enter")
        desk.locator(f'#progress .job[data-number="{number}"]').wait_for(timeout=3000)
        assert desk.locator(f'#queue .job[data-number="{number}"]').count() == 0

        # The board moves it; the crew's phone shows the work order with the caller's number.
        board.locator(f'[data-cards="dispatched"] .card[data-number="{number}"]').wait_for(timeout=2000)
        order = crew.locator(f'.order[data-number="{number}"]')
        order.wait_for(timeout=3000)
        assert "8 Harbour Street" in order.inner_text()
        assert order.locator('a.call[href^="tel:"]').count() == 1

        # The crew taps accept; the board and the desk follow.
        order.get_by_role("button", name="Accept").tap()
        board.locator(f'[data-cards="moving"] .card[data-number="{number}"]').wait_for(timeout=2000)
        crew.locator(f'.order[data-number="{number}"].status-accepted').wait_for(timeout=2000)
        desk.locator(f'#progress .job[data-number="{number}"].status-accepted').wait_for(timeout=2000)
        # Still an emergency not yet on site: the alarm band keeps it.
        assert board.locator(f'#alarm-list [data-number="{number}"]').count() == 1

        # A stale action is refused and the row refreshed: the desk tries to dispatch again
        # through the API with the old version.
        answer = desk.evaluate(
            """async (n) => {
                const r = await Hotline.request("POST", "/api/v1/tickets/" + n + "/dispatch", {unit: "south", version: 1});
                return [r.status, r.data.ticket && r.data.ticket.status];
            }""",
            number,
        )
        assert answer == [409, "accepted"]

        # Resolve with a result: it leaves the crew page and the board.
        order = crew.locator(f'.order[data-number="{number}"]')
        order.get_by_role("button", name="Resolve").tap()
        order.locator("textarea").fill("Valve closed, leak sealed, residents back in")
        order.get_by_role("button", name="Resolve").tap()
        crew.locator(f'.order[data-number="{number}"]').wait_for(state="detached", timeout=3000)
        board.locator(f'.card[data-number="{number}"]').wait_for(state="detached", timeout=2000)
    finally:
        for ctx in contexts:
            ctx.close()


def _page_console(browser, server):
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, "operator")
    page.goto(server.url + "/console")
    return context, page


def test_board_reconnects_and_catches_up(live_server, browser):
    """Events missed while the socket is down are fetched by resync on reconnect."""
    live_server.run_in_app(CREW_SEED)
    ctx, board = _page(browser, live_server, "dispatcher", "/board")
    try:
        # Drop the connection, create a ticket meanwhile (in another process: no live
        # broadcast reaches anyone, only the event log has it), reconnect.
        board.evaluate("() => Hotline.current.socket.disconnect()")
        board.locator('#live-state[data-state="reconnecting"]').wait_for(timeout=2000)
        number = live_server.run_in_app(
            """
from hotline.tickets import services
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.users.models import User
op = db.session.scalar(db.select(User).where(User.username == "operator"))
print(services.create_ticket(TicketCreate(category="repair", matter="Meter box broken", priority="urgent",
    caller={"phone": "13700137000"}), op, Channel.PHONE).number)
"""
        ).strip().splitlines()[-1]
        board.evaluate("() => Hotline.current.socket.connect()")
        board.locator(f'.card[data-number="{number}"]').wait_for(timeout=3000)
        assert board.locator(f'.card[data-number="{number}"]').count() == 1  # once, not twice
    finally:
        ctx.close()


TOKENS = """
import json
from hotline.users.models import User
from hotline.users.services import create_token
print(json.dumps({name: create_token(db.session.scalar(db.select(User).where(User.username == name)), "browser test")[1]
                  for name in ("operator", "dispatcher", "crew1")}))
"""


def test_desk_board_and_crew_apply_ticket_events_without_refetching(live_server, browser):
    """Another client creates, dispatches and advances tickets: the board and the desk
    update each card and the units' load from the events alone, never asking for
    /api/v1/board again; the crew's page fetches its list once, for the new work order,
    then follows the steps from the events (its buttons from the card's steps)."""
    live_server.run_in_app(CREW_SEED)
    tokens = json.loads(live_server.run_in_app(TOKENS).strip().splitlines()[-1])
    call = api_caller(live_server, tokens)

    def crew_load() -> int:
        return next(u["load"] for u in call("dispatcher", "GET", "/board")["units"] if u["code"] == "north-crew-1")

    def new(address):
        return call("operator", "POST", "/tickets", {"category": "repair", "matter": "Meter box leaking", "address": address,
                                                     "caller": {"phone": "13700137000"}})

    contexts = []
    fetched = {"board": [], "desk": [], "crew": []}
    try:
        pages = {}
        for name, user, path, size in (("board", "dispatcher", "/board", (1920, 1080)), ("desk", "supervisor", "/dispatch", (1440, 900)),
                                       ("crew", "crew1", "/crew", (390, 844))):
            ctx, page = _page(browser, live_server, user, path, viewport={"width": size[0], "height": size[1]})
            contexts.append(ctx)
            wait_for_js(page, "Hotline.current.seq() !== null")  # its opening snapshot is in
            page.on("request", lambda req, name=name: fetched[name].append(req.url)
                    if any(p in req.url for p in ("/api/v1/board", "/api/v1/desk/board", "/api/v1/work-orders")) else None)
            pages[name] = page
        board, desk, crew = pages["board"], pages["desk"], pages["crew"]
        before = crew_load()

        waiting = new("3 Mill Lane")  # stays in the desk's queue: its unit choice shows the load
        ticket = new("8 Harbour Street")
        number = ticket["number"]
        board.locator(f'[data-cards="waiting"] .card[data-number="{number}"] .c-addr', has_text="Harbour Street").wait_for(timeout=3000)
        desk.locator(f'#queue .job[data-number="{number}"] .j-addr', has_text="Harbour Street").wait_for(timeout=3000)

        ticket = call("dispatcher", "POST", f"/tickets/{number}/dispatch", {"unit": "north-crew-1", "version": ticket["version"]})
        order = crew.locator(f'.order[data-number="{number}"]')
        order.get_by_role("button", name="Accept").wait_for(timeout=3000)  # new work: the crew's list, fetched once
        ticket = call("crew1", "POST", f"/tickets/{number}/steps/accept", {"version": ticket["version"]})
        crew.locator(f'.order[data-number="{number}"].status-accepted').get_by_role("button", name="Set off").wait_for(timeout=3000)
        assert crew.locator(f'.order[data-number="{number}"]').get_by_role("button", name="Accept").count() == 0
        ticket = call("crew1", "POST", f"/tickets/{number}/steps/en_route", {"version": ticket["version"]})
        load = crew_load()
        assert load == before + 1

        card = board.locator(f'[data-cards="moving"] .card[data-number="{number}"]')
        card.locator(".c-unit", has_text="North crew 1").wait_for(timeout=3000)
        assert card.locator(".c-addr").inner_text().strip() == "Harbour Street"  # the street only
        strip = board.locator("#units li.unit", has=board.locator(".u-name", has_text="North crew 1"))
        strip.locator(".u-load", has_text=f"{load} active").wait_for(timeout=3000)
        assert "unit-in_field" in strip.get_attribute("class")

        row = desk.locator(f'#progress .job[data-number="{number}"].status-en_route')
        row.locator(".j-addr", has_text="Harbour Street").wait_for(timeout=3000)
        choice = desk.locator('#desk-units option[value="north-crew-1"]')
        assert choice.text_content().endswith(f"{load} active")
        crew.locator(f'.order[data-number="{number}"].status-en_route').get_by_role("button", name="Arrive on site").wait_for(timeout=3000)

        board.wait_for_timeout(1500)  # longer than the board's reload debounce (800 ms)
        assert fetched["board"] == [] and fetched["desk"] == [], fetched
        assert len(fetched["crew"]) == 1, fetched  # the new work order only
    finally:
        for ctx in contexts:
            ctx.close()


def test_desk_dispatches_two_selected_cards_at_once(live_server, browser):
    """Tick two cards (a click and the X key), name the unit once, one request: both go."""
    live_server.run_in_app(CREW_SEED)
    tokens = json.loads(live_server.run_in_app(TOKENS).strip().splitlines()[-1])
    made = []
    for address in ("1 Quay Road", "2 Quay Road"):
        r = requests.post(live_server.url + "/api/v1/tickets", timeout=10, headers={"Authorization": f"Bearer {tokens['operator']}"},
                          json={"category": "repair", "matter": "Hydrant dripping", "address": address, "caller": {"phone": "13700137000"}})
        assert r.ok, r.text
        made.append(r.json()["number"])
    ctx, desk = _page(browser, live_server, "dispatcher", "/dispatch", viewport={"width": 1920, "height": 1080})
    try:
        first, second = (desk.locator(f'#queue .job[data-number="{n}"]') for n in made)
        first.locator(".j-matter", has_text="Hydrant dripping").wait_for(timeout=3000)
        first.locator(".j-select").check()
        second.focus()
        desk.keyboard.press("x")
        desk.locator("#bulk-count", has_text="2").wait_for()
        desk.locator("#bulk-unit").fill("north-crew-1")
        desk.locator("#bulk button[type=submit]").click()
        for n in made:
            desk.locator(f'#progress .job[data-number="{n}"]').wait_for(timeout=3000)
        assert "2 of 2" in desk.locator("#desk-announce").inner_text()
        assert desk.locator("#bulk").is_hidden()  # nothing selected any more
    finally:
        ctx.close()
