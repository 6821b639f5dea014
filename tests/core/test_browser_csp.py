"""The Content-Security-Policy in a real browser (hotline/core/security_headers.py): every page
type, as the roles that use it, loads with no CSP violation and no script error; the wall
board's Socket.IO WebSocket connects under `connect-src 'self'`; the buttons whose inline
handlers moved to static/js still work.

The server runs with the production rate limits (hotline/core/ratelimit.py): a wall board
and a crew page, under a stream of events, stay far below them; the figures are printed."""
import json
import time

import pytest
import requests
from fixtures.live import PASSWORD, SEED_USERS, browser, live_server_on_fresh_database, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

SEED = """
import json
from datetime import timedelta
from hotline.core import clock
from hotline.duty.handover.models import ChecklistItem
from hotline.duty.handover.services import open_handover
from hotline.duty.rosters.models import Roster, RosterAssignment, RosterStatus, ShiftTemplate
from hotline.duty.seats.models import Seat, SeatSession
from hotline.tickets import services
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.units.models import Unit, UnitKind
from hotline.users.models import Role, User
from hotline.users.services import create_token, create_user
north = db.session.scalar(db.select(Unit).where(Unit.code == "north"))
crew_unit = Unit(code="north-crew-1", name="North crew 1", kind=UnitKind.CREW, parent=north)
db.session.add(crew_unit)
db.session.flush()
create_user("crew1", PASSWORD, Role.CREW, "Crew One", crew_unit.id)
now = clock.local().replace(second=0, microsecond=0)
start, change, end = now - timedelta(hours=2), now + timedelta(minutes=30), now + timedelta(hours=8)
current = ShiftTemplate(code="cur", name_en="Current", name_zh="本班", starts=start.time(), ends=change.time())
following = ShiftTemplate(code="next", name_en="Next", name_zh="下一班", starts=change.time(), ends=end.time())
op = db.session.scalar(db.select(User).where(User.username == "operator"))
op2 = create_user("op2", PASSWORD, Role.OPERATOR, "Operator Two")
db.session.add_all([current, following, ChecklistItem(name="Keys", expected=3)])
rosters = {}
for template, day, user in [(current, start.date(), op), (following, change.date(), op2)]:
    month = day.replace(day=1)
    rosters.setdefault(month, Roster(month=month, status=RosterStatus.PUBLISHED))
    db.session.add(RosterAssignment(roster=rosters[month], day=day, template=template, user_id=user.id))
db.session.add(SeatSession(user=op2, seat=Seat(code="A02", name="A02"), template=following, day=change.date(),
                           signed_in_at=clock.now(), state_since=clock.now()))
ticket = services.create_ticket(TicketCreate(category="repair", matter="Meter reads wrong at 7 Riverside Lane",
                                             caller={"phone": "13800138000"}), op, Channel.PHONE)
db.session.flush()
handover = open_handover(op, "op2")
db.session.flush()
tokens = {name: create_token(db.session.scalar(db.select(User).where(User.username == name)), "csp test")[1]
          for name in ("operator", "dispatcher")}
print(json.dumps({"ticket": ticket.number, "handover": handover.id, "tokens": tokens}))
"""

# (role, path): every page type, as the roles that use it. {ticket} and {handover} are seeded.
PAGES = [
    ("operator", "/console"), ("operator", "/tickets"), ("operator", "/tickets/{ticket}"),
    ("operator", "/seat"), ("operator", "/rosters"), ("operator", "/handover"),
    ("operator", "/handover/{handover}"), ("operator", "/handover/{handover}/print"),
    ("operator", "/duty-log"), ("operator", "/callbacks"), ("operator", "/settings"),
    ("dispatcher", "/dispatch"), ("dispatcher", "/board"), ("dispatcher", "/duty-log/search"),
    ("dispatcher", "/tickets/{ticket}"),
    ("supervisor", "/sla"), ("supervisor", "/callbacks/rates"), ("supervisor", "/seats/away-log"),
    ("supervisor", "/handover/checklist"), ("supervisor", "/settings/sla/policies"),
    ("supervisor", "/settings/sla/calendars"), ("supervisor", "/settings/sla/areas"),
    ("supervisor", "/settings/duty/seats"), ("supervisor", "/settings/duty/shifts"),
    ("manager", "/sla"), ("manager", "/tickets"),
    ("crew1", "/crew"), ("crew1", "/tickets"),
    ("admin", "/settings/categories"), ("admin", "/handover/checklist"),
    ("board", "/board"),
]

# In every page before its own scripts: what the browser reports as a CSP violation.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A live server with the production rate limits (the suite turns them off)."""
    server = live_server_on_fresh_database(tmp_path_factory.mktemp("csp"))
    server.env["HOTLINE_RATELIMIT_ENABLED"] = "1"
    for name in ("HOTLINE_RATELIMIT_API", "HOTLINE_RATELIMIT_LOGIN", "HOTLINE_RATELIMIT_LOGIN_USER"):
        server.env.pop(name, None)
    server.start()
    try:
        server.run_in_app(SEED_USERS)
        server.seeded = json.loads(server.run_in_app(SEED).strip().splitlines()[-1])
        yield server
    finally:
        server.close()


class Watched:
    """A signed-in page whose CSP violations, script errors and 429s are collected."""

    def __init__(self, browser, server, user, **ctx):
        self.context = browser.new_context(locale="en-US", **ctx)
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.problems: list[str] = []
        self.api_calls: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        self.page.on("request", self._request)
        self.page.on("response", lambda r: r.status == 429 and self.problems.append(f"429: {r.url}"))
        sign_in(self.page, server, user)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def _request(self, request):
        if "/api/" in request.url:
            self.api_calls.append(request.url)

    def check(self, where: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.problems += [f"violation: {v}" for v in self.page.evaluate("window.__csp || []")]
        assert not self.problems, f"{where}:\n" + "\n".join(self.problems)

    def close(self):
        self.context.close()


def test_every_page_loads_under_the_policy(server, browser):
    seeded = server.seeded
    by_user: dict[str, Watched] = {}
    try:
        for user, path in PAGES:
            watched = by_user.get(user) or by_user.setdefault(user, Watched(browser, server, user))
            url = path.format(**seeded)
            answer = watched.page.goto(server.url + url)
            assert answer.status == 200, (user, url, answer.status)
            headers = answer.all_headers()
            assert "script-src 'self'" in headers["content-security-policy"]
            assert headers["cache-control"] == "no-store"
            watched.check(f"{user} {url}")
    finally:
        for watched in by_user.values():
            watched.close()


def test_moved_handlers_still_work(server, browser):
    """The print button (was onclick=), the handover checklist and the duty log (were inline scripts)."""
    seeded = server.seeded
    operator = Watched(browser, server, "operator")
    supervisor = Watched(browser, server, "supervisor")
    try:
        page = operator.page
        page.goto(f"{server.url}/handover/{seeded['handover']}/print")
        page.evaluate("window.print = () => { window.__printed = true; }")
        page.click("button[data-print]")
        assert page.evaluate("window.__printed === true")
        operator.check("print")

        page.goto(server.url + "/duty-log")
        page.fill("#log-entry [name=body]", "Pump station 3 alarm reset by the night crew")
        with page.expect_navigation():
            page.click("#log-entry button[type=submit]")
        page.get_by_text("Pump station 3 alarm reset by the night crew").first.wait_for()
        operator.check("duty log")

        page = supervisor.page
        page.goto(server.url + "/handover/checklist")
        page.fill('tr[data-line=""] [name=name]', "Radios")
        page.fill('tr[data-line=""] [name=expected]', "2")
        with page.expect_navigation():
            page.click("#checklist button[type=submit]")
        assert page.locator('tr[data-line] [name=name]').evaluate_all("els => els.map(e => e.value)")[:2] == [
            "Keys", "Radios"]
        supervisor.check("checklist")
    finally:
        operator.close()
        supervisor.close()


def test_board_and_crew_live_under_the_policy_and_below_the_limits(server, browser):
    """The board's and the crew page's WebSocket connect (connect-src 'self' covers ws:);
    a ticket made and dispatched reaches them; under a stream of events, what they ask
    of the API per minute, measured."""
    seeded = server.seeded
    operator = {"Authorization": f"Bearer {seeded['tokens']['operator']}"}
    dispatcher = {"Authorization": f"Bearer {seeded['tokens']['dispatcher']}"}
    board = Watched(browser, server, "board", viewport={"width": 1920, "height": 1080})
    crew = Watched(browser, server, "crew1", viewport={"width": 375, "height": 812})
    try:
        for watched, path in ((board, "/board"), (crew, "/crew")):
            watched.page.goto(server.url + path)
            watched.page.locator('#live-state[data-state="live"]').wait_for()
            transport = watched.page.evaluate("Hotline.current.socket.io.engine.transport.name")
            assert transport == "websocket", f"{path}: Socket.IO fell back to {transport}"
        board.api_calls.clear()
        crew.api_calls.clear()

        # A stream of events: two tickets a second for 20 seconds, every third dispatched to the crew.
        seconds, started, made = 20, time.monotonic(), []
        with requests.Session() as http:
            while time.monotonic() - started < seconds:
                r = http.post(server.url + "/api/v1/tickets", headers=operator, json={
                    "category": "repair", "matter": f"Burst main, report {len(made)}", "caller": {"phone": "13900139000"}})
                assert r.status_code == 201, r.text
                made.append(r.json())
                if len(made) % 3 == 0:
                    t = r.json()
                    d = http.post(f"{server.url}/api/v1/tickets/{t['number']}/dispatch", headers=dispatcher,
                                  json={"unit": "north-crew-1", "version": t["version"]})
                    assert d.status_code == 200, d.text
                time.sleep(max(0, len(made) * 0.5 - (time.monotonic() - started)))
        elapsed = time.monotonic() - started
        last = made[-1]["number"]
        board.page.locator(f'.card[data-number="{last}"]').wait_for(state="attached", timeout=5000)  # overflow hides some
        crew.page.locator(f'[data-number="{made[(len(made) // 3) * 3 - 1]["number"]}"]').first.wait_for(state="attached", timeout=5000)
        board.check("board")
        crew.check("crew")

        per_minute = {name: round(len(w.api_calls) * 60 / elapsed) for name, w in (("board", board), ("crew", crew))}
        events = round(len(made) * 60 / elapsed)
        print(f"\n{events} tickets/min ({events // 3} dispatched to the crew): API requests per minute "
              f"board {per_minute['board']}, crew page {per_minute['crew']} (limit 600 per user)")
        assert per_minute["board"] < 150 and per_minute["crew"] < 150, per_minute
    finally:
        board.close()
        crew.close()
