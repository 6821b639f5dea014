"""A full handover in two real browsers, at the demo's size (55 open tickets, most with a
note that proposes their next step): the outgoing operator prepares it (next steps, counts,
notes) and signs; the incoming one, signed in to a seat for the next shift, disputes one
item and acknowledges the rest in one request, then signs; the record is locked with a
verified checksum and the open tickets now belong to the incoming person. No action
reloads the page: a marker set on `window` survives them all."""
import json

import pytest
from fixtures.live import PASSWORD, browser, live_server, sign_in, wait_for_js  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

# Two shifts around the real time: the one on now (the operator's) and the next, which
# starts in 30 minutes (op2's, who has signed in early to seat A02).
SEED = """
from datetime import timedelta
from hotline.core import clock
from hotline.duty.handover.models import ChecklistItem
from hotline.duty.rosters.models import Roster, RosterAssignment, RosterStatus, ShiftTemplate
from hotline.duty.seats.models import Seat, SeatSession
from hotline.tickets import services
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.users.models import Role, User
from hotline.users.services import create_user
now = clock.local().replace(second=0, microsecond=0)
start, change, end = now - timedelta(hours=2), now + timedelta(minutes=30), now + timedelta(hours=8)
current = ShiftTemplate(code="cur", name_en="Current", name_zh="本班", starts=start.time(), ends=change.time())
following = ShiftTemplate(code="next", name_en="Next", name_zh="下一班", starts=change.time(), ends=end.time())
op = db.session.scalar(db.select(User).where(User.username == "operator"))
op2 = create_user("op2", PASSWORD, Role.OPERATOR, "Operator Two")
db.session.add_all([current, following, ChecklistItem(name="Keys", expected=3), ChecklistItem(name="Radios", expected=2)])
rosters = {}
for template, day, user in [(current, start.date(), op), (following, change.date(), op2)]:
    month = day.replace(day=1)
    rosters.setdefault(month, Roster(month=month, status=RosterStatus.PUBLISHED))
    db.session.add(RosterAssignment(roster=rosters[month], day=day, template=template, user_id=user.id))
db.session.add(SeatSession(user=op2, seat=Seat(code="A02", name="A02"), template=following, day=change.date(),
                           signed_in_at=clock.now(), state_since=clock.now()))
for prio, matter in [("emergency", "Main burst on Station Road, water in the street"), ("normal", "Meter reads wrong at 7 Riverside Lane")]:
    services.create_ticket(TicketCreate(category="repair", priority=prio, matter=matter, caller={"phone": "13800138000"}), op, Channel.PHONE)
for n in range(53):
    t = services.create_ticket(TicketCreate(category="repair", matter=f"Low pressure at block {n}", caller={"phone": "13800138000"}), op, Channel.PHONE)
    services.add_note(t, "Crew booked for tomorrow 9:00", op)
db.session.commit()
"""

OWNERS = """
import json
from hotline.tickets.models import Ticket
print(json.dumps(sorted((t.owner.username if t.owner else None) for t in db.session.scalars(db.select(Ticket)))))
"""


def _signed_in_page(browser, server, user, locale="en-US"):
    context = browser.new_context(locale=locale, viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, server, user)
    return context, page


def _not_navigated(page) -> bool:
    return page.evaluate("() => window.__handoverMarker === 1")


def _status(page) -> str:
    wait_for_js(page, "document.getElementById('ho-status').textContent !== ''")
    return page.inner_text("#ho-status")


def _signed(page, who: str) -> None:
    try:
        page.locator(f'[data-signature="{who}"].is-signed').wait_for()
    except Exception as exc:  # say what the page says
        raise AssertionError((page.inner_text("#ho-status"), page.locator("[data-error-for]:not([hidden])").all_inner_texts())) from exc


def test_two_people_hand_over_a_shift(live_server, browser):
    live_server.run_in_app(SEED)
    out_ctx, out = _signed_in_page(browser, live_server, "operator")
    in_ctx, inc = _signed_in_page(browser, live_server, "op2", "zh-CN")
    try:
        # The outgoing operator opens the handover, naming the incoming person.
        out.goto(live_server.url + "/handover")
        out.select_option("#f-incoming", "op2")
        out.click("#open-handover button[type=submit]")
        out.wait_for_url("**/handover/*")
        out.evaluate("() => { window.__handoverMarker = 1; }")
        assert out.locator('[data-blocker="emergency_without_plan"]').count() == 1
        assert out.locator('[data-blocker="checklist_incomplete"]').count() == 1
        assert out.locator(".ho-item").count() == 55
        # 53 steps proposed from the tickets' notes; two to write.
        assert out.locator(".ho-proposed").count() == 53
        emergency = out.locator(".ho-item.is-emergency .number").inner_text()

        # Signing now is refused, with the reasons shown, naming the ticket.
        out.fill(".sign-form [name=password]", PASSWORD)
        out.click(".sign-form button")
        refused = out.locator('[data-error-for=""]:not([hidden])').first
        refused.wait_for()
        assert "emergency" in refused.inner_text().lower() and emergency in refused.inner_text()

        # One item's step saved on its own: the page stays, and says so.
        first = out.locator(".ho-item.is-emergency")
        first.locator("[data-step]").fill("Call the north crew lead at the top of the hour")
        first.locator("[data-save-item]").click()
        assert emergency in _status(out)
        assert _not_navigated(out)
        assert out.locator('[data-blocker="emergency_without_plan"]').count() == 0

        # The rest: the empty step, the counts, notes; one save.
        for step in out.locator("[data-step]").all():
            if not step.input_value():
                step.fill("Check the meter reading with the caller")
        out.locator("[data-count]").nth(0).fill("3")
        out.locator("[data-count]").nth(1).fill("1")
        out.locator("[data-count-note]").nth(1).fill("Radio 2 at the workshop")
        out.fill("#f-notes", "Burst main: crew on site since 14:10.")
        out.evaluate("() => { document.getElementById('ho-status').textContent = ''; }")
        out.click("#save")
        _status(out)
        assert out.locator("#blockers [data-blocker]").all_inner_texts() == [out.locator('[data-blocker="not_acknowledged"]').inner_text()]
        out.fill(".sign-form [name=password]", PASSWORD)
        out.click(".sign-form button")
        _signed(out, "outgoing")
        assert _not_navigated(out)

        # The incoming operator (in Chinese) finds it, disputes one item, acknowledges the rest at once.
        inc.goto(live_server.url + "/handover")
        with inc.expect_navigation():
            inc.click(".ho-mine a")
        inc.evaluate("() => { window.__handoverMarker = 1; }")
        handover = inc.url.rsplit("/", 1)[1]
        disputed = inc.locator(".ho-item").nth(1)
        disputed.locator(".dispute summary").click()
        disputed.locator("[name=note]").fill("哪个班组在现场？")
        disputed.locator(".dispute-form button").click()
        inc.locator(".ho-item.review-disputed").wait_for()
        sent = []
        inc.on("request", lambda r: sent.append((r.method, r.url)))
        inc.click("#ack-all-top")
        wait_for_js(inc, "!document.querySelector('.ho-item.review-pending')")
        _status(inc)
        # One call, and the page read once to merge it (the live connection's own traffic aside).
        assert [(m, url.split("/", 3)[3]) for m, url in sent if "/socket.io/" not in url] == [
            ("POST", f"api/v1/handovers/{handover}/acknowledge-all"), ("GET", f"handover/{handover}")], sent
        assert inc.locator(".ho-item.review-acknowledged").count() == 54
        assert inc.locator(".ho-item.review-disputed").count() == 1
        assert _not_navigated(inc)

        # The outgoing side hears of the dispute and the acknowledgements without a reload
        # (its version catches up), answers the dispute; it is acknowledged.
        version = inc.get_attribute("#handover", "data-version")
        wait_for_js(out, f"document.getElementById('handover').dataset.version === '{version}'")
        assert out.locator(".ho-item.review-disputed").count() == 1
        answer = out.locator(".ho-item.review-disputed")
        answer.locator("[data-step]").fill("North crew 2 is on site until 20:00")
        answer.locator("[data-save-item]").click()
        _status(out)
        wait_for_js(inc, "document.querySelector('#ack-all-top')")
        inc.click("#ack-all-top")
        wait_for_js(inc, "!document.querySelector('.ho-item.review-pending')")
        assert inc.locator(".ho-item.review-acknowledged").count() == 55

        # The outgoing page catches up with the acknowledgements (signing an older version is a 409).
        version = inc.get_attribute("#handover", "data-version")
        wait_for_js(out, f"document.getElementById('handover').dataset.version === '{version}'")
        out.fill(".sign-form [name=password]", PASSWORD)
        out.click(".sign-form button")
        _signed(out, "outgoing")
        wait_for_js(inc, "document.querySelector('[data-signature=\"outgoing\"].is-signed')")
        inc.fill(".sign-form [name=password]", PASSWORD)
        inc.click(".sign-form button")
        inc.locator(".ho-locked").wait_for()
        assert inc.locator(".ho-locked .ok-mark").count() == 1  # checksum verified
        assert _not_navigated(inc) and _not_navigated(out)

        # The outgoing side sees the locked record; the open tickets are op2's now.
        wait_for_js(out, "document.querySelector('.ho-locked')")
        assert out.locator("#save").count() == 0
        assert json.loads(live_server.run_in_app(OWNERS)) == ["op2"] * 55
        out.click("text=Print view")
        out.wait_for_url("**/print")
        assert "Radio 2 at the workshop" in out.inner_text(".ho-print")
    finally:
        out_ctx.close()
        in_ctx.close()
