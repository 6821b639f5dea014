"""The wall board when it is crowded: missed and warned deadlines come first in their
column, so they are never among the "+N more" a full column hides, and the red alarm band
shows each emergency's deadline ticking. Real server (gunicorn with the embedded SLA
scheduler, tests/live.py) and real Chromium at wall size."""
from __future__ import annotations

import json
import re

import pytest
from fixtures.live import browser, live_server, sign_in  # noqa: F401 - fixtures
from test_sla_board import create, prepare

pytestmark = pytest.mark.browser

WALL = {"width": 1920, "height": 1080}

# A crowded board: `filler` old ordinary tickets waiting for dispatch, two missed and two
# warned deadlines among the newest ones (the old order put them last), and emergencies
# not yet on site (the alarm band): one on time, one warned, one missed. A deadline is set
# on a ticket's nearest running clock with warning and breach already recorded
# (next_check_at cleared: the scheduler leaves it alone). Prints the numbers by name as JSON.
# Used by the screenshots of the crowded board too.
CROWD = """
import json
from datetime import timedelta
from hotline.core import clock
from hotline.sla.models import SlaClock
from hotline.tickets import services
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.units.models import Unit
from hotline.users.models import User
from dispatch.workorders import services as work
op = db.session.scalar(db.select(User).where(User.username == "operator"))
disp = db.session.scalar(db.select(User).where(User.username == "dispatcher"))
north = db.session.scalar(db.select(Unit).where(Unit.code == "north"))
now = clock.now()
STREETS = ["人民路", "解放路", "光明街", "和平路", "建设大道", "中山路", "幸福小区", "滨江路"]
def new(category, priority, minutes_ago, matter="水表箱盖丢失。"):
    t = services.create_ticket(TicketCreate(category=category, priority=priority, matter=matter,
        address=STREETS[minutes_ago % len(STREETS)] + str(minutes_ago) + "号",
        caller={"phone": "+8613600136000"}), op, Channel.PHONE)
    t.created_at = now - timedelta(minutes=minutes_ago)
    db.session.flush()
    return t
def deadline(t, minutes_from_now, warned=True, breached=False):  # moves the nearest clock's deadline nearer
    c = db.session.scalars(db.select(SlaClock).where(SlaClock.ticket_id == t.id, SlaClock.stopped_at.is_(None))
                           .order_by(SlaClock.due_at)).first()
    c.due_at = now + timedelta(minutes=minutes_from_now)
    c.warn_at = c.due_at - timedelta(minutes=30)
    c.warned_at = c.warn_at if warned else None
    c.breached_at = c.due_at if breached else None
    c.next_check_at = None
    db.session.flush()
numbers = {}
for i in range({filler}):
    new("repair", "normal", 600 - i)
for name, due, breached in [("warned_later", 20, False), ("breached_less", -10, True),
                            ("warned_sooner", 5, False), ("breached_most", -30, True)]:
    t = new("repair", "normal", 3 + len(numbers))
    deadline(t, due, breached=breached)
    numbers[name] = t.number
for name, due, warned, breached in [("emergency_on_time", None, False, False),
                                    ("emergency_warned", 8, True, False),
                                    ("emergency_breached", -4, True, True)]:
    t = new("leak", "emergency", 30 + len(numbers), "阀门井冒水，路面塌陷风险。")
    work.dispatch_ticket(t, north, disp, None, None)
    if due is not None:
        deadline(t, due, warned, breached)
    numbers[name] = t.number
print(json.dumps(numbers))
"""


def crowd(server, filler: int) -> dict[str, str]:
    return json.loads(server.run_in_app(CROWD.replace("{filler}", str(filler))).strip().splitlines()[-1])


@pytest.fixture(scope="module")
def crowded(live_server):  # noqa: F811
    live_server.numbers = crowd(live_server, 60)
    live_server.tokens = prepare(live_server, "billing", 10)  # live: warning after 5 s, deadline after 10 s
    return live_server


@pytest.fixture
def wall(browser, crowded):  # noqa: F811
    context = browser.new_context(locale="en-US", viewport=WALL)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, crowded, "dispatcher")
    page.goto(crowded.url + "/board?per_lane=100")  # every card held: the order of all of them
    page.locator('#live-state[data-state="live"]').wait_for()
    page.locator("#alarm-list li").first.wait_for()
    yield page
    context.close()


def waiting_order(page) -> list[str]:
    return page.eval_on_selector_all('[data-cards="waiting"] .card', "cards => cards.map(c => c.dataset.number)")


def column_more_text(page, col: str) -> str:
    """The column's "+N more" strip, its parts on one line."""
    return " ".join(page.locator(f'[data-col="{col}"] .col-more').inner_text().split())


def visible_in_waiting(page) -> list[str]:
    return page.eval_on_selector_all('[data-cards="waiting"] .card:not([hidden])', "cards => cards.map(c => c.dataset.number)")


def test_missed_then_warned_deadlines_lead_a_full_column(wall, crowded):
    n = crowded.numbers
    column = wall.locator('[data-col="waiting"]')
    more = column.locator(".col-more")
    assert more.is_visible() and more.inner_text().startswith("+")  # the column is really full
    expected = [n["breached_most"], n["breached_less"], n["warned_sooner"], n["warned_later"]]
    assert waiting_order(wall)[:4] == expected  # by age they were the last four
    assert visible_in_waiting(wall)[:4] == expected
    first = column.locator(f'.card[data-number="{n["breached_most"]}"]')
    assert "sla-breached" in first.get_attribute("class")
    assert first.locator(".sla").text_content().startswith("Resolution overdue")
    assert re.fullmatch(r"Resolution overdue \d+:\d\d", first.locator(".sla").inner_text())
    assert "sla-warned" in column.locator(f'.card[data-number="{n["warned_sooner"]}"]').get_attribute("class")
    # The rest keeps the old order: the oldest first.
    rest = waiting_order(wall)[4:]
    ages = wall.eval_on_selector_all('[data-cards="waiting"] .card .age', "n => n.map(a => a.dataset.since)")[4:]
    assert ages == sorted(ages) and len(rest) == 60


def test_a_new_card_hidden_in_more_comes_up_when_warned_and_breached(wall, crowded):
    ticket = create(crowded, crowded.tokens, "billing")  # 10 s to arrive, the newest: last in its column
    number = ticket["number"]
    card = wall.locator(f'[data-cards="waiting"] .card[data-number="{number}"]')
    card.wait_for(state="attached", timeout=3000)
    assert waiting_order(wall)[-1] == number
    assert card.is_hidden()  # among the "+N more"
    wall.locator(f'.card[data-number="{number}"].sla-warned').wait_for(state="attached", timeout=8000)
    n = crowded.numbers
    # Warned with seconds left: before the warned ones with minutes left, after the missed ones.
    assert waiting_order(wall)[:3] == [n["breached_most"], n["breached_less"], number]
    assert card.is_visible() or re.search(r"· \d+ warned", column_more_text(wall, "waiting"))
    wall.locator(f'.card[data-number="{number}"].sla-breached').wait_for(state="attached", timeout=8000)
    # Just missed: the least overdue of the missed ones, still on top of the warned.
    assert waiting_order(wall)[:4] == [n["breached_most"], n["breached_less"], number, n["warned_sooner"]]
    # Third in its column: on the wall, or (full-size cards, a short column) counted in red in "+N more".
    more = column_more_text(wall, "waiting")
    assert card.is_visible() or re.search(r"· \d+ overdue", more), more
    assert card.locator(".sla").text_content().startswith("Arrival overdue")


def test_alarm_band_shows_each_emergency_deadline_ticking(wall, crowded):
    n = crowded.numbers
    rows = wall.locator("#alarm-list li[data-number]")  # not its "+N more"
    order = rows.evaluate_all("rows => rows.map(r => r.dataset.number)")
    assert order == [n["emergency_breached"], n["emergency_warned"], n["emergency_on_time"]]

    def sla(name):
        return wall.locator(f'#alarm-list li[data-number="{n[name]}"] .sla')

    assert sla("emergency_breached").get_attribute("class") == "sla sla-breached"
    assert re.fullmatch(r"Acceptance overdue [4-9]:\d\d", sla("emergency_breached").inner_text())
    assert sla("emergency_warned").get_attribute("class") == "sla sla-warned"
    assert re.fullmatch(r"Acceptance [0-7]:\d\d left", sla("emergency_warned").inner_text())
    on_time = sla("emergency_on_time")
    assert on_time.get_attribute("class") == "sla sla-running"
    assert on_time.is_visible()
    before = on_time.inner_text()
    assert re.fullmatch(r"Acceptance \d+:\d\d left", before)  # 10 minutes to accept an emergency
    wall.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent !== text",
        arg=[f'#alarm-list li[data-number="{n["emergency_on_time"]}"] .sla', before],
        timeout=3000,
    )  # it ticks
    # The whole row stays on one line at wall size: the deadline is not pushed off.
    box = wall.locator(f'#alarm-list li[data-number="{n["emergency_breached"]}"]').bounding_box()
    sla_box = sla("emergency_breached").bounding_box()
    assert sla_box["x"] + sla_box["width"] <= box["x"] + box["width"] + 1
    assert sla_box["y"] < box["y"] + box["height"]


# Thirty of the waiting tickets dispatched (a full narrow column), two of them three days old
# and two days past their deadline: a long age and a long deadline on one line.
DISPATCH_MANY = """
from datetime import timedelta
from hotline.core import clock
from hotline.sla.models import SlaClock
from hotline.tickets.models import Status, Ticket
from hotline.units.models import Unit
from hotline.users.models import User
from dispatch.workorders import services as work
disp = db.session.scalar(db.select(User).where(User.username == "dispatcher"))
north = db.session.scalar(db.select(Unit).where(Unit.code == "north"))
now = clock.now()
waiting = db.session.scalars(db.select(Ticket).where(Ticket.status == Status.NEW, Ticket.category.has(code="repair"))
                             .order_by(Ticket.id).limit(30)).all()
for i, t in enumerate(waiting):
    work.dispatch_ticket(t, north, disp, None, None)
    db.session.flush()
    if i < 2:
        t.created_at = now - timedelta(days=3, hours=i)
        c = db.session.scalars(db.select(SlaClock).where(SlaClock.ticket_id == t.id, SlaClock.stopped_at.is_(None))
                               .order_by(SlaClock.due_at)).first()
        c.due_at = now - timedelta(days=2, hours=5)
        c.warn_at = c.warned_at = c.due_at - timedelta(hours=1)
        c.breached_at, c.next_check_at = c.due_at, None
        print(t.number)
"""


def test_cards_in_a_full_column_stay_whole_and_hidden_overdue_are_counted(browser, crowded):  # noqa: F811
    """The dispatched column full: every card shown is whole (nothing cut off at its edge or the
    column's foot) with its whole age and deadline, and the missed deadlines are either on the
    wall or counted in red in "+N more". Runs last: it changes the board."""
    overdue = crowded.run_in_app(DISPATCH_MANY).split()
    context = browser.new_context(locale="zh-CN", viewport=WALL)
    try:
        page = context.new_page()
        sign_in(page, crowded, "dispatcher")
        page.goto(crowded.url + "/board")
        page.locator('#live-state[data-state="live"]').wait_for()
        page.locator('.col[data-col="dispatched"] .col-more:not([hidden])').wait_for()
        page.wait_for_timeout(300)
        cards = page.evaluate("""() => { const list = document.querySelector('[data-cards="dispatched"]').getBoundingClientRect();
          return [...document.querySelectorAll('[data-col="dispatched"] .card:not([hidden])')].map(c => {
            const box = c.getBoundingClientRect();
            const part = (sel) => { const n = c.querySelector(sel); const r = n && n.offsetParent ? n.getBoundingClientRect() : null;
                                    return r && { left: r.left, right: r.right, height: r.height }; };
            return { number: c.dataset.number, left: box.left, right: box.right, bottom: box.bottom, listBottom: list.bottom,
                     clipped: c.scrollWidth > c.clientWidth + 1, age: part(".age"), sla: part(".sla") };
          }); }""")
        hidden_overdue = page.eval_on_selector_all('[data-cards="dispatched"] .card[hidden].sla-breached', "cs => cs.map(c => c.dataset.number)")
        more = page.locator('[data-col="dispatched"] .col-more').inner_text()
    finally:
        context.close()
    shown = [c["number"] for c in cards]
    assert shown and set(overdue) <= set(shown) | set(hidden_overdue), (overdue, shown)
    if hidden_overdue:
        assert f"{len(hidden_overdue)} 张超时" in more, more
    for card in cards:
        assert not card["clipped"] and card["bottom"] <= card["listBottom"] + 1, card
        for part in ("age", "sla"):
            if card[part]:
                assert card["left"] <= card[part]["left"] and card[part]["right"] <= card["right"] + 0.5, (part, card)
