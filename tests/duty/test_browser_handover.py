"""A full handover in two real browsers: the outgoing operator prepares it (next steps,
counts, notes) and signs; the incoming one, signed in to a seat for the next shift,
acknowledges each flagged item and signs; the record is locked with a verified checksum
and the open tickets now belong to the incoming person."""
import json

import pytest
from fixtures.live import PASSWORD, browser, live_server, sign_in  # noqa: F401 - fixtures

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
        assert out.locator('[data-blocker="emergency_without_plan"]').count() == 1
        assert out.locator('[data-blocker="checklist_incomplete"]').count() == 1
        assert out.locator(".ho-item").count() == 2

        # Signing now is refused, with the reasons shown.
        out.fill(".sign-form [name=password]", PASSWORD)
        out.click(".sign-form button")
        refused = out.locator('[data-error-for=""]:not([hidden])').first
        refused.wait_for()
        assert "emergency" in refused.inner_text().lower()

        # Prepare: a next step for each ticket, the counts, notes; save.
        for n, step in enumerate(out.locator("[data-step]").all()):
            step.fill(f"Step {n}: call the north crew lead at the top of the hour")
        out.locator("[data-count]").nth(0).fill("3")
        out.locator("[data-count]").nth(1).fill("1")
        out.locator("[data-count-note]").nth(1).fill("Radio 2 at the workshop")
        out.fill("#f-notes", "Burst main: crew on site since 14:10.")
        with out.expect_navigation():
            out.click("#save")
        assert out.locator("#blockers [data-blocker]").all_inner_texts() == [out.locator('[data-blocker="not_acknowledged"]').inner_text()]
        out.fill(".sign-form [name=password]", PASSWORD)
        with out.expect_navigation():
            out.click(".sign-form button")
        assert out.locator('[data-signature="outgoing"].is-signed').count() == 1

        # The incoming operator (in Chinese) finds it, acknowledges each flagged item, signs.
        inc.goto(live_server.url + "/handover")
        with inc.expect_navigation():
            inc.click(".ho-mine a")
        assert inc.locator("[data-ack]").count() >= 2
        while inc.locator(".ho-item [data-ack]").count():
            item = inc.locator(".ho-item.review-pending").first
            with inc.expect_navigation():
                item.locator("[data-ack]").click()
        assert inc.locator(".ho-item.review-acknowledged").count() == 2
        inc.fill(".sign-form [name=password]", PASSWORD)
        with inc.expect_navigation():
            inc.click(".sign-form button")
        assert inc.locator(".ho-locked").count() == 1
        assert inc.locator(".ho-locked .ok-mark").count() == 1  # checksum verified

        # The outgoing side sees the locked record; the open tickets are op2's now.
        out.reload()
        assert out.locator(".ho-locked").count() == 1 and out.locator("#save").count() == 0
        assert json.loads(live_server.run_in_app(OWNERS)) == ["op2", "op2"]
        out.click("text=Print view")
        out.wait_for_url("**/print")
        assert "Radio 2 at the workshop" in out.inner_text(".ho-print")
    finally:
        out_ctx.close()
        in_ctx.close()
