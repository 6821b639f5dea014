"""The supervisor's deadlines page in Chromium against the real server (gunicorn with
the embedded SLA scheduler): a policy of a few seconds makes the scheduler record a
warning then a breach, both rows arrive without a reload, the breach flashes, and the
supervisor acknowledges it with a comment."""
import json
import urllib.request

import pytest
from fixtures.live import browser, live_page, live_server, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

# Urgent tickets get 6 seconds to be accepted (warning at 75 %: 4.5 s).
FAST_POLICY = """
from sqlalchemy import select
from hotline.sla.models import Policy, Stage
from hotline.tickets.models import Priority
from hotline.users.models import User
from hotline.users.services import create_token
policy = db.session.scalar(select(Policy).where(Policy.category_id.is_(None), Policy.priority == Priority.URGENT, Policy.stage == Stage.ACCEPT))
policy.minutes = 0.1
_, secret = create_token(db.session.scalar(select(User).where(User.username == "operator")), "browser test")
print(secret)
"""


def post(server, path: str, token: str, body: dict) -> dict:
    request = urllib.request.Request(
        server.url + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_breach_arrives_live_and_is_acknowledged(live_server, live_page):
    token = live_server.run_in_app(FAST_POLICY).strip().splitlines()[-1]
    page = live_page
    sign_in(page, live_server, "supervisor")
    page.goto(live_server.url + "/sla?kind=breach")
    page.locator('#live-state[data-state="live"]').wait_for()
    page.locator("#alerts-empty").wait_for(state="visible")

    # Through the server (not run_in_app): its commit arms the scheduler for the deadline.
    ticket = post(live_server, "/api/v1/tickets", token, {
        "category": "repair", "priority": "urgent", "unit": "north",
        "matter": "Burst pipe under the road", "caller": {"phone": "13800138000"},
    })
    number = ticket["number"]

    row = page.locator("#alerts .alert.kind-breach", has_text=number)
    row.wait_for(timeout=15_000)
    assert "flash" in row.get_attribute("class")
    assert page.locator("#alerts .alert.kind-warning").count() == 0  # the filter says breaches only
    assert page.locator("#count-alerts").inner_text() == "1"
    page.locator("#escalations .esc", has_text=number).wait_for()  # the ladder's first rung
    assert page.locator("#open-breaches b").inner_text() == "1"

    row.locator("input[name=comment]").fill("Called the north branch: crew on its way")
    row.locator("button", has_text="Acknowledge").click()
    page.locator("#alerts .alert.is-acked", has_text=number).wait_for()
    assert "Called the north branch" in row.inner_text() and "Supervisor One" in row.inner_text()
    page.locator("#open-breaches b", has_text="0").wait_for()

    # Without the filter both rows are there: what waits for acknowledgement first (the
    # warning), the acknowledged breach after it. Ticking all that is open and one click
    # acknowledges them in one request.
    page.goto(live_server.url + "/sla")
    page.locator('#live-state[data-state="live"]').wait_for()
    page.locator("#alerts .alert", has_text=number).nth(1).wait_for()
    kinds = page.locator("#alerts .alert").evaluate_all("rows => rows.map(r => r.className.match(/kind-(\\w+)/)[1])")
    assert kinds == ["warning", "breach"]
    page.locator("#ack-all").check()
    page.locator("#ack-count", has_text="1").wait_for()
    page.locator("#ack-comment").fill("Handled at shift change")
    page.locator("#ack-go").click()
    page.locator("#alerts .alert.kind-warning.is-acked", has_text=number).wait_for()
    assert "Handled at shift change" in page.locator("#alerts .alert.kind-warning").inner_text()
    page.locator("#open-warnings b", has_text="0").wait_for()
    # Export link carries the page's filter.
    page.goto(live_server.url + "/sla?stage=accept")
    page.locator('#export[href="/sla/alerts.csv?stage=accept"]').wait_for()
    assert page.locator("#f-stage").input_value() == "accept"
