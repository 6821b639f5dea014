"""The handover's live events end to end: a real server (tests/live.py) and real
python-socketio clients. Every change to a handover (open, prepare, review, sign,
override, addendum) sends `handover.changed` with its id, new version, status and who,
in order, to the center room only; and the handover page of the other person, open in a
second browser, follows without a reload by hand (or says so when its user is typing)."""
from __future__ import annotations

import json

import pytest
import requests
from fixtures.live import PASSWORD, browser, live_server, sign_in, wait_until_following  # noqa: F401 - fixtures
from fixtures.live_clients import Api, listen  # noqa: F401 - fixture

# Two shifts around the real time: the operator's, on now, and the next one (op2's, who
# has signed in early to seat A02). One emergency and one normal open ticket to carry over.
SEED = """
import json
from datetime import timedelta
from hotline.core import clock
from hotline.duty.handover.models import ChecklistItem
from hotline.duty.rosters.models import Roster, RosterAssignment, RosterStatus, ShiftTemplate
from hotline.duty.seats.models import Seat, SeatSession
from hotline.tickets import services
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.units.models import Unit, UnitKind
from hotline.users.models import Role, User
from hotline.users.services import create_token, create_user
now = clock.local().replace(second=0, microsecond=0)
start, change, end = now - timedelta(hours=2), now + timedelta(minutes=30), now + timedelta(hours=8)
current = ShiftTemplate(code="cur", name_en="Current", name_zh="本班", starts=start.time(), ends=change.time())
following = ShiftTemplate(code="next", name_en="Next", name_zh="下一班", starts=change.time(), ends=end.time())
op = db.session.scalar(db.select(User).where(User.username == "operator"))
op2 = create_user("op2", PASSWORD, Role.OPERATOR, "Operator Two")
crew_unit = Unit(code="crew-x", name="Crew X", kind=UnitKind.CREW)
db.session.add(crew_unit)
db.session.flush()
create_user("crew_x", PASSWORD, Role.CREW, "Crew X member", crew_unit.id)
db.session.add_all([current, following, ChecklistItem(name="Keys", expected=3)])
rosters = {}
for template, day, user in [(current, start.date(), op), (following, change.date(), op2)]:
    month = day.replace(day=1)
    rosters.setdefault(month, Roster(month=month, status=RosterStatus.PUBLISHED))
    db.session.add(RosterAssignment(roster=rosters[month], day=day, template=template, user_id=user.id))
db.session.add(SeatSession(user=op2, seat=Seat(code="A02", name="A02"), template=following, day=change.date(),
                           signed_in_at=clock.now(), state_since=clock.now()))
for prio, matter in [("emergency", "Main burst on Station Road"), ("normal", "Meter reads wrong at 7 Riverside Lane")]:
    services.create_ticket(TicketCreate(category="repair", priority=prio, matter=matter,
                                        caller={"phone": "13800138000", "name": "Caller Wang"}), op, Channel.PHONE)
tokens = {}
for name in ("operator", "op2", "supervisor", "board", "crew_x"):
    user = db.session.scalar(db.select(User).where(User.username == name))
    tokens[name] = create_token(user, "live handover test")[1]
print(json.dumps(tokens))
"""

PAYLOAD_KEYS = {"id", "version", "status", "what", "addenda", "by", "seq", "prev", "event", "at"}


@pytest.fixture(scope="module")
def server(live_server):  # noqa: F811
    live_server.tokens = json.loads(live_server.run_in_app(SEED).strip().splitlines()[-1])
    return live_server


def test_every_handover_change_reaches_the_center_in_order_without_caller_data(server, listen):
    api = Api(server)
    board, crew = listen("board"), listen("crew_x")

    h = api.call("operator", "POST", "/handovers", {"incoming": "op2"}, expect=201)
    hid = h["id"]
    tickets = [i for i in h["items"] if i["kind"] == "ticket"]
    assert len(tickets) == 2
    steps = [{"id": i["id"], "next_step": "Call the crew lead at the top of the hour"} for i in tickets]
    counts = [{"id": c["id"], "counted": c["expected"]} for c in h["counts"]]
    h = api.call("operator", "PATCH", f"/handovers/{hid}",
                 {"version": h["version"], "items": steps, "counts": counts, "notes": "Burst main: crew on site."})
    h = api.call("operator", "POST", f"/handovers/{hid}/sign", {"version": h["version"], "password": PASSWORD})
    for item in [i for i in h["items"] if i["must_acknowledge"]]:
        h = api.call("op2", "POST", f"/handovers/{hid}/items/{item['id']}/review",
                     {"version": h["version"], "decision": "acknowledge"})
    # The review withdrew nothing of the outgoing signature; op2 signs and the record locks.
    h = api.call("op2", "POST", f"/handovers/{hid}/sign", {"version": h["version"], "password": PASSWORD})
    assert h["status"] == "signed"
    api.call("op2", "POST", f"/handovers/{hid}/addenda", {"body": "Crew X confirmed the valve at 18:05."}, expect=201)

    events = board.payloads("handover.changed")
    acks = len([i for i in h["items"] if i["must_acknowledge"]])
    assert [e["what"] for e in events] == ["opened", "updated", "signed"] + ["reviewed"] * acks + ["signed", "addendum"]
    assert {e["id"] for e in events} == {hid}
    assert [e["by"]["username"] for e in events] == ["operator"] * 3 + ["op2"] * (acks + 2)
    assert [e["status"] for e in events] == ["draft"] * (acks + 3) + ["signed", "signed"]
    assert [e["addenda"] for e in events] == [0] * (acks + 4) + [1]
    versions = [e["version"] for e in events]
    assert versions == sorted(versions) and len(set(versions[:-1])) == len(versions) - 1  # each change a new version
    assert versions[-2] == h["version"]  # the last signature gave the version the API answered
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(set(seqs))
    for e in events:
        assert set(e) == PAYLOAD_KEYS, e  # ids, state and who: never the caller or the tickets
        assert "13800138000" not in json.dumps(e) and "Wang" not in json.dumps(e)
    # A crew is not in the center room: it hears nothing of the handover.
    assert crew.payloads("handover.changed", settle=0.2) == []


def test_a_refused_change_sends_nothing(server, listen):
    api = Api(server)
    board = listen("supervisor")
    h = api.call("operator", "POST", "/handovers", {"incoming": "op2"}, expect=201)
    assert [e["what"] for e in board.payloads("handover.changed")] == ["opened"]
    api.call("operator", "PATCH", f"/handovers/{h['id']}", {"version": h["version"] + 5, "notes": "stale"}, expect=409)
    api.call("operator", "POST", f"/handovers/{h['id']}/sign", {"version": h["version"], "password": PASSWORD}, expect=409)
    assert board.payloads("handover.changed") == []
    r = api.call("supervisor", "POST", f"/handovers/{h['id']}/override",
                 {"version": h["version"], "reason": "Burst main handled by phone with the crew"}, expect=201)
    (event,) = board.payloads("handover.changed")
    assert (event["what"], event["version"], event["by"]["username"]) == ("overridden", r["version"], "supervisor")


@pytest.mark.browser
def test_the_other_screen_follows_a_handover_live(server, browser):  # noqa: F811
    """The outgoing operator prepares; op2's page shows it without anyone reloading.
    While op2 is typing a dispute, a change is merged around it and the status line says
    who made it: the text stays, and the dispute then goes to the version now shown."""
    api = Api(server)
    contexts = []

    def page_of(user):
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, server, user)
        return page

    try:
        out, inc = page_of("operator"), page_of("op2")
        # The operator's open draft (the test before left one), else a new one.
        r = requests.post(server.url + "/api/v1/handovers", json={"incoming": "op2"}, timeout=10,
                          headers={"Authorization": f"Bearer {server.tokens['operator']}"})
        assert r.status_code in (201, 409), r.text
        hid = r.json()["id"] if r.status_code == 201 else r.json()["handover_id"]

        out.goto(f"{server.url}/handover/{hid}")
        inc.goto(f"{server.url}/handover/{hid}")
        wait_until_following(inc)
        wait_until_following(out)
        step = out.locator("[data-step]").first
        item_id = step.get_attribute("data-step")
        step.fill("Ring the north crew lead at 18:00")
        out.click("#save")
        out.locator("#ho-status:not(:empty)").wait_for()

        # op2 did nothing: the page merges the change in and shows the new step.
        shown = inc.locator(f'.ho-item[data-item="{item_id}"] .ho-step')
        shown.filter(has_text="Ring the north crew lead at 18:00").wait_for()
        assert inc.locator("#live-changed").is_hidden()

        # op2 starts typing a dispute; the outgoing side writes again: a bar, the text stays.
        inc.locator(f'.ho-item[data-item="{item_id}"] details.dispute summary').click()
        note = inc.locator(f'.dispute-form[data-item="{item_id}"] [name=note]')
        note.fill("Which crew lead? North has two")
        inc.evaluate("() => { document.getElementById('ho-status').textContent = ''; }")
        out.locator(f'[data-step="{item_id}"]').fill("Ring Lead Zhang (north) at 18:00")
        out.click("#save")
        said = inc.locator("#ho-status", has_text="Operator One")
        said.wait_for()
        assert note.input_value() == "Which crew lead? North has two"
        inc.locator(f'.dispute-form[data-item="{item_id}"] button').click()
        inc.locator(f'.ho-item.review-disputed[data-item="{item_id}"]').wait_for()
        assert "Ring Lead Zhang" in inc.locator(f'.ho-item[data-item="{item_id}"] .ho-step').inner_text()
    finally:
        for context in contexts:
            context.close()


STANDING_KEYS = {"id", "version", "status", "kind", "by", "seq", "prev", "event", "at"}


def test_standing_items_added_and_closed_reach_the_center(server, listen):
    api = Api(server)
    center, crew = listen("supervisor"), listen("crew_x")
    item = api.call("operator", "POST", "/standing-items", {
        "kind": "equipment_fault", "title": "Recorder on seat A02 drops calls",
        "source": "IT desk", "body": "Caller Wang (13800138000) was cut off twice."}, expect=201)
    api.call("op2", "POST", f"/standing-items/{item['id']}/close", {"version": item["version"] + 3, "note": "stale"}, expect=409)
    closed = api.call("op2", "POST", f"/standing-items/{item['id']}/close", {"version": item["version"], "note": "Replaced"})
    events = center.payloads("standing_item.changed")
    assert [(e["id"], e["version"], e["status"], e["kind"], e["by"]["username"]) for e in events] == [
        (item["id"], item["version"], "open", "equipment_fault", "operator"),
        (item["id"], closed["version"], "closed", "equipment_fault", "op2"),
    ]  # the refused close sent nothing
    assert closed["version"] > item["version"]
    for e in events:
        assert set(e) == STANDING_KEYS, e  # ids, state and who: the title and details stay on the page
        assert "13800138000" not in json.dumps(e) and "Recorder" not in json.dumps(e)
    assert crew.payloads("standing_item.changed", settle=0.2) == []


@pytest.mark.browser
def test_the_handover_list_follows_standing_items_live(server, browser):  # noqa: F811
    """op2 has the handover list open; an item the operator adds appears without a reload by hand.
    While op2 types how it was closed, the operator closes it: a bar, the text stays."""
    api = Api(server)
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, server, "op2")
        page.goto(server.url + "/handover")
        wait_until_following(page)
        item = api.call("operator", "POST", "/standing-items",
                        {"kind": "instruction", "title": "Check the north valves hourly"}, expect=201)
        row = page.locator(f'[data-standing="{item["id"]}"]')
        row.wait_for()  # the page reloaded itself
        assert page.locator("#live-changed").is_hidden()

        wait_until_following(page)
        note = row.locator("[name=note]")
        note.fill("Done by the night")
        api.call("operator", "POST", f"/standing-items/{item['id']}/close", {"version": item["version"], "note": "Cancelled"})
        bar = page.locator("#live-changed")
        bar.wait_for()
        assert "Operator One" in bar.inner_text()
        assert note.input_value() == "Done by the night"
        with page.expect_navigation():
            bar.locator("button").click()
        assert row.count() == 0
    finally:
        context.close()
