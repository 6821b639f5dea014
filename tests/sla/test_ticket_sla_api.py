"""The SLA API on one ticket over HTTP (bearer tokens), and the ticket page's SLA forms.

Time is frozen on a Tuesday, 10:00 in Shanghai: an urgent repair sent to the north branch
has an accept clock of 30 minutes and a resolve clock of 24 hours, round the clock."""
from datetime import datetime, timedelta, timezone

import pytest
from fixtures.app import PASSWORD, csrf_from

from hotline.core import clock
from hotline.core.extensions import db
from hotline.users.models import Role
from hotline.users.services import create_token, create_user

UTC = timezone.utc
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen(app):
    clock.freeze(T0)
    yield
    clock.reset()


@pytest.fixture
def south_crew(app, units):
    """Bearer headers of a crew member of the south branch (another unit)."""
    with app.app_context():
        user = create_user("south1", PASSWORD, Role.CREW, "South Crew", units["south"])
        db.session.flush()
        _, secret = create_token(user, "south crew")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _create(api, **fields) -> dict:
    body = {"category": "repair", "priority": "urgent", "matter": "Pipe burst in the cellar",
            "caller": {"phone": "13800138000"}, "unit": "north"}
    body.update(fields)
    r = api("operator").post("/api/v1/tickets", json=body)
    assert r.status_code == 201, r.json
    return r.json


def _clocks(api, number, role="dispatcher") -> dict[str, dict]:
    r = api(role).get(f"/api/v1/tickets/{number}/sla")
    assert r.status_code == 200, r.json
    return {c["stage"]: c for c in r.json["clocks"] if c["cycle"] == 1}


# --- GET /sla ---------------------------------------------------------------------------------


def test_read_the_clocks(api, users):
    t = _create(api)
    r = api("operator").get(f"/api/v1/tickets/{t['number']}/sla")
    assert r.status_code == 200
    sla = r.json
    assert sla["number"] == t["number"] and sla["version"] == t["version"]
    clocks = {c["stage"]: c for c in sla["clocks"]}
    assert set(clocks) == {"accept", "resolve"}
    assert clocks["accept"]["due_at"] == (T0 + timedelta(minutes=30)).isoformat()
    assert clocks["accept"]["state"] == "running" and clocks["accept"]["overdue"] is False
    assert clocks["resolve"]["budget_seconds"] == 24 * 3600
    assert sla["pauses"] == [] and sla["extensions"] == {"pending": [], "decided": []} and sla["escalations"] == []


def test_everyone_who_sees_the_ticket_may_read(api, users, south_crew, client):
    n = _create(api)["number"]
    for role in ("operator", "dispatcher", "supervisor", "manager", "crew"):
        assert api(role).get(f"/api/v1/tickets/{n}/sla").status_code == 200, role
    assert api("board").get(f"/api/v1/tickets/{n}/sla").status_code == 403
    assert api("admin").get(f"/api/v1/tickets/{n}/sla").status_code == 403
    # another unit's crew is not told the ticket exists (as GET /tickets/<number>)
    assert client.get(f"/api/v1/tickets/{n}/sla", headers=south_crew).status_code == 404
    assert api("operator").get("/api/v1/tickets/20261124-9999/sla").status_code == 404


def test_an_emergency_lists_its_open_escalation(api, users):
    n = _create(api, category="leak", priority="emergency")["number"]
    sla = api("supervisor").get(f"/api/v1/tickets/{n}/sla").json
    assert [(e["reason"], e["level"], e["audience"]) for e in sla["escalations"]] == [("emergency", 3, "manager")]


# --- pause and resume -------------------------------------------------------------------------


def test_pause_then_resume_and_the_paused_time_does_not_count(api, users):
    n = _create(api)["number"]
    clock.advance(timedelta(minutes=10))
    r = api("dispatcher").post(f"/api/v1/tickets/{n}/sla/pause", json={"reason": "waiting for the caller to be home"})
    assert r.status_code == 200, r.json
    clocks = {c["stage"]: c for c in r.json["clocks"]}
    assert clocks["accept"]["state"] == "paused" and clocks["accept"]["due_at"] is None
    assert clocks["accept"]["paused_reason"] == "waiting for the caller to be home"
    assert {(p["stage"], p["started_by"], p["ended_at"]) for p in r.json["pauses"]} == {
        ("accept", "dispatcher", None), ("resolve", "dispatcher", None)}
    # pausing twice: nothing left running
    assert api("dispatcher").post(f"/api/v1/tickets/{n}/sla/pause", json={"reason": "again"}).status_code == 409

    clock.advance(timedelta(hours=2))
    r = api("crew").post(f"/api/v1/tickets/{n}/sla/resume", json={})
    assert r.status_code == 200, r.json
    accept = {c["stage"]: c for c in r.json["clocks"]}["accept"]
    assert accept["state"] == "running"
    assert accept["due_at"] == (clock.now() + timedelta(minutes=20)).isoformat()  # 10 of 30 minutes used
    assert all(p["ended_by"] == "crew" for p in r.json["pauses"])
    kinds = [e["kind"] for e in api("operator").get(f"/api/v1/tickets/{n}").json["timeline"]]
    assert kinds[-2:] == ["sla_paused", "sla_resumed"]
    assert api("dispatcher").post(f"/api/v1/tickets/{n}/sla/resume", json={}).status_code == 409


def test_pause_one_stage_only(api, users):
    n = _create(api)["number"]
    r = api("supervisor").post(f"/api/v1/tickets/{n}/sla/pause", json={"reason": "parts on order", "stage": "resolve"})
    assert r.status_code == 200
    states = {c["stage"]: c["state"] for c in r.json["clocks"]}
    assert states == {"accept": "running", "resolve": "paused"}
    r = api("supervisor").post(f"/api/v1/tickets/{n}/sla/resume", json={"stage": "accept"})
    assert r.status_code == 409  # accept is not paused


@pytest.mark.parametrize("body,field", [
    ({}, "reason"),
    ({"reason": ""}, "reason"),
    ({"reason": "x" * 201}, "reason"),
    ({"reason": "ok", "stage": "lunch"}, "stage"),
    ({"reason": "ok", "until": "tomorrow"}, "until"),
    ({"reason": "bad\x00byte"}, "reason"),
])
def test_pause_bad_input(api, users, body, field):
    n = _create(api)["number"]
    r = api("dispatcher").post(f"/api/v1/tickets/{n}/sla/pause", json=body)
    assert r.status_code == 422 and field in r.json["fields"], r.json


def test_pause_needs_a_json_object(api, users):
    n = _create(api)["number"]
    r = api("dispatcher").post(f"/api/v1/tickets/{n}/sla/pause", data="reason=x", content_type="text/plain")
    assert r.status_code == 422
    r = api("dispatcher").post(f"/api/v1/tickets/{n}/sla/pause", json=["waiting"])
    assert r.status_code == 422


def test_who_may_pause(api, users, south_crew, client):
    n = _create(api)["number"]
    for role in ("operator", "board", "admin"):
        assert api(role).post(f"/api/v1/tickets/{n}/sla/pause", json={"reason": "x"}).status_code == 403, role
    assert client.post(f"/api/v1/tickets/{n}/sla/pause", json={"reason": "x"}, headers=south_crew).status_code == 404
    assert client.post(f"/api/v1/tickets/{n}/sla/resume", json={}, headers=south_crew).status_code == 404
    assert api("crew").post(f"/api/v1/tickets/{n}/sla/pause", json={"reason": "waiting for a part"}).status_code == 200
    assert api("dispatcher").post("/api/v1/tickets/20261124-9999/sla/pause", json={"reason": "x"}).status_code == 404


def test_a_crew_unit_and_its_branch(app, api, users, units, client):
    """A ticket with a crew unit: its branch's crew may act on it too (dispatch's
    check_unit_member); a crew unit's member does not see the branch's own tickets."""
    with app.app_context():
        user = create_user("crew1", PASSWORD, Role.CREW, "Crew One", units["crew"])  # north-crew-1
        db.session.flush()
        _, secret = create_token(user, "crew1")
        db.session.commit()
    crew1 = {"Authorization": f"Bearer {secret}"}
    with_crew = _create(api, unit="north-crew-1")["number"]
    with_branch = _create(api, unit="north")["number"]
    assert client.post(f"/api/v1/tickets/{with_crew}/sla/pause", json={"reason": "parts"}, headers=crew1).status_code == 200
    assert api("crew").post(f"/api/v1/tickets/{with_crew}/sla/resume", json={}).status_code == 200  # the branch's crew
    assert client.post(f"/api/v1/tickets/{with_branch}/sla/pause", json={"reason": "parts"}, headers=crew1).status_code == 404


# --- extensions -------------------------------------------------------------------------------


def test_ask_for_an_extension(api, users):
    n = _create(api)["number"]
    clock.advance(timedelta(minutes=5))
    body = {"stage": "accept", "minutes": 60, "reason": "the crew is stuck behind a burst main"}
    r = api("crew").post(f"/api/v1/tickets/{n}/sla/extensions", json=body)
    assert r.status_code == 201, r.json
    ext = r.json
    assert (ext["stage"], ext["minutes"], ext["status"], ext["requested_by"]) == ("accept", 60, "pending", "crew")
    sla = api("dispatcher").get(f"/api/v1/tickets/{n}/sla").json
    assert [e["id"] for e in sla["extensions"]["pending"]] == [ext["id"]]
    # one pending request per clock
    assert api("dispatcher").post(f"/api/v1/tickets/{n}/sla/extensions", json=body).status_code == 409
    # the deadline itself does not move until a supervisor approves
    assert _clocks(api, n)["accept"]["due_at"] == (T0 + timedelta(minutes=30)).isoformat()


def test_an_extension_after_the_deadline_is_refused(api, users):
    n = _create(api)["number"]
    clock.advance(timedelta(minutes=31))
    r = api("dispatcher").post(f"/api/v1/tickets/{n}/sla/extensions", json={"stage": "accept", "minutes": 30, "reason": "late"})
    assert r.status_code == 409 and "deadline has passed" in r.json["error"]


@pytest.mark.parametrize("body,field", [
    ({"stage": "accept", "minutes": 0, "reason": "x"}, "minutes"),
    ({"stage": "accept", "minutes": 43201, "reason": "x"}, "minutes"),
    ({"stage": "accept", "minutes": "soon", "reason": "x"}, "minutes"),
    ({"stage": "accept", "minutes": 1.5, "reason": "x"}, "minutes"),
    ({"stage": "accept", "minutes": 30}, "reason"),
    ({"minutes": 30, "reason": "x"}, "stage"),
    ({"stage": "lunch", "minutes": 30, "reason": "x"}, "stage"),
    ({"stage": "reply", "minutes": 30, "reason": "x"}, "stage"),  # a repair has no reply clock
])
def test_extension_bad_input(api, users, body, field):
    n = _create(api)["number"]
    r = api("dispatcher").post(f"/api/v1/tickets/{n}/sla/extensions", json=body)
    assert r.status_code == 422 and field in r.json["fields"], r.json


def test_the_longest_extension_is_thirty_days(api, users):
    n = _create(api)["number"]
    r = api("dispatcher").post(f"/api/v1/tickets/{n}/sla/extensions", json={"stage": "resolve", "minutes": 43200, "reason": "works permit"})
    assert r.status_code == 201


def test_who_may_ask_for_an_extension(api, users, south_crew, client):
    n = _create(api)["number"]
    body = {"stage": "accept", "minutes": 30, "reason": "x"}
    for role in ("operator", "board", "admin"):
        assert api(role).post(f"/api/v1/tickets/{n}/sla/extensions", json=body).status_code == 403, role
    assert client.post(f"/api/v1/tickets/{n}/sla/extensions", json=body, headers=south_crew).status_code == 404


# --- reply to the caller (答复) ---------------------------------------------------------------


def test_reply_to_a_complaint_stops_the_reply_clock_as_met(api, users):
    t = _create(api, category="complaint", priority="normal")
    assert _clocks(api, t["number"])["reply"]["state"] == "running"
    clock.advance(timedelta(hours=3))
    r = api("operator").post(f"/api/v1/tickets/{t['number']}/reply",
                             json={"version": t["version"], "message": "The meter reader comes on Friday"})
    assert r.status_code == 200, r.json
    assert r.json["version"] > t["version"]
    reply = {c["stage"]: c for c in r.json["clocks"]}["reply"]
    assert reply["state"] == "stopped" and reply["met"] is True
    assert reply["stopped_at"] == clock.now().isoformat()
    assert r.json["timeline"][-1]["kind"] == "replied"
    assert r.json["timeline"][-1]["message"] == "The meter reader comes on Friday"


def test_reply_with_a_stale_version_is_a_conflict(api, users):
    t = _create(api, category="complaint", priority="normal")
    api("dispatcher").post(f"/api/v1/tickets/{t['number']}/reply", json={"version": t["version"], "message": "first"})
    r = api("operator").post(f"/api/v1/tickets/{t['number']}/reply", json={"version": t["version"], "message": "second"})
    assert r.status_code == 409 and r.json["current_version"] > t["version"]


def test_reply_to_a_cancelled_ticket_is_a_conflict(api, users):
    t = _create(api, category="complaint", priority="normal")
    c = api("operator").post(f"/api/v1/tickets/{t['number']}/cancel", json={"reason": "duplicate", "version": t["version"]})
    r = api("operator").post(f"/api/v1/tickets/{t['number']}/reply", json={"version": c.json["version"], "message": "x"})
    assert r.status_code == 409


@pytest.mark.parametrize("body,field", [
    ({"message": "told them"}, "version"),
    ({"version": "one", "message": "told them"}, "version"),
    ({"version": 1}, "message"),
    ({"version": 1, "message": "   "}, "message"),
    ({"version": 1, "message": "x" * 4001}, "message"),
])
def test_reply_bad_input(api, users, body, field):
    n = _create(api, category="complaint", priority="normal")["number"]
    r = api("operator").post(f"/api/v1/tickets/{n}/reply", json=body)
    assert r.status_code == 422 and field in r.json["fields"], r.json


def test_who_may_reply(api, users):
    t = _create(api, category="complaint", priority="normal")
    body = {"version": t["version"], "message": "x"}
    for role in ("crew", "board", "admin"):
        assert api(role).post(f"/api/v1/tickets/{t['number']}/reply", json=body).status_code == 403, role
    assert api("operator").post("/api/v1/tickets/20261124-9999/reply", json=body).status_code == 404


# --- reclassify -------------------------------------------------------------------------------


def test_reclassify_recomputes_the_deadlines(api, users):
    t = _create(api, priority="normal")
    before = _clocks(api, t["number"])["resolve"]
    assert before["working_time"] is True
    clock.advance(timedelta(minutes=30))
    r = api("supervisor").patch(f"/api/v1/tickets/{t['number']}",
                                json={"version": t["version"], "priority": "urgent", "reason": "water in the cellar"})
    assert r.status_code == 200, r.json
    assert r.json["priority"] == "urgent" and r.json["version"] > t["version"]
    resolve = {c["stage"]: c for c in r.json["clocks"]}["resolve"]
    assert resolve["budget_seconds"] == 24 * 3600 and resolve["working_time"] is False
    # 30 working minutes used on Tuesday morning; 24 hours from the start, less those
    assert resolve["due_at"] == (clock.now() + timedelta(hours=24) - timedelta(minutes=30)).isoformat()
    last = r.json["timeline"][-1]
    assert last["kind"] == "reclassified" and last["changes"]["priority"] == ["normal", "urgent"]
    assert last["message"] == "water in the cellar"


def test_reclassify_category_and_area(api, users):
    t = _create(api, category="leak", priority="urgent")
    assert _clocks(api, t["number"])["arrive"]["budget_seconds"] == 40 * 60
    r = api("dispatcher").patch(f"/api/v1/tickets/{t['number']}",
                                json={"version": t["version"], "category": "repair", "area": "Pudong", "reason": "not a leak"})
    assert r.status_code == 200, r.json
    assert r.json["category"] == "repair" and r.json["area"] == "Pudong"
    assert "arrive" not in {c["stage"] for c in r.json["clocks"] if c["state"] != "stopped"}


def test_reclassify_conflicts(api, users):
    t = _create(api, priority="normal")
    body = {"version": t["version"], "priority": "urgent", "reason": "flooding"}
    assert api("operator").patch(f"/api/v1/tickets/{t['number']}", json=body).status_code == 200
    r = api("operator").patch(f"/api/v1/tickets/{t['number']}", json={**body, "priority": "low"})
    assert r.status_code == 409 and "changed by someone else" in r.json["error"]


@pytest.mark.parametrize("body,field", [
    ({"priority": "urgent", "reason": "x"}, "version"),
    ({"version": 1, "priority": "urgent"}, "reason"),
    ({"version": 1, "priority": "very", "reason": "x"}, "priority"),
    ({"version": 1, "category": "", "reason": "x"}, "category"),
    ({"version": 1, "area": "x" * 81, "reason": "x"}, "area"),
    ({"version": 1, "status": "closed", "reason": "x"}, "status"),
])
def test_reclassify_bad_input(api, users, body, field):
    n = _create(api)["number"]
    r = api("operator").patch(f"/api/v1/tickets/{n}", json=body)
    assert r.status_code == 422 and field in r.json["fields"], r.json


def test_reclassify_rules_answer_422(api, users):
    t = _create(api, priority="normal")
    v = t["version"]
    r = api("operator").patch(f"/api/v1/tickets/{t['number']}", json={"version": v, "reason": "x"})
    assert r.status_code == 422 and "category" in r.json["fields"]  # nothing to change
    r = api("operator").patch(f"/api/v1/tickets/{t['number']}", json={"version": v, "category": "unicorns", "reason": "x"})
    assert r.status_code == 422 and r.json["fields"]["category"] == "unknown category 'unicorns'"
    r = api("operator").patch(f"/api/v1/tickets/{t['number']}", json={"version": v, "priority": "normal", "reason": "x"})
    assert r.status_code == 422  # nothing changed


def test_who_may_reclassify(api, users):
    t = _create(api)
    body = {"version": t["version"], "priority": "low", "reason": "x"}
    for role in ("crew", "board", "admin"):
        assert api(role).patch(f"/api/v1/tickets/{t['number']}", json=body).status_code == 403, role
    assert api("operator").patch("/api/v1/tickets/20261124-9999", json=body).status_code == 404


# --- the ticket page's forms ------------------------------------------------------------------


def _page(client, number) -> str:
    r = client.get(f"/tickets/{number}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_page_shows_the_panel_and_pauses_by_form(api, session_client):
    n = _create(api)["number"]
    client, _ = session_client("dispatcher")
    html = _page(client, n)
    assert 'id="sla"' in html and 'data-stage="accept"' in html and 'data-state="running"' in html
    assert "30:00" in html  # the accept clock's time left, before the script ticks
    token = csrf_from(html)
    r = client.post(f"/tickets/{n}/sla/pause", data={"reason": "waiting for the caller", "csrf_token": token})
    assert r.status_code == 302
    html = _page(client, n)
    assert 'data-state="paused"' in html and "waiting for the caller" in html
    assert 'id="sla-resume"' in html
    assert client.post(f"/tickets/{n}/sla/resume", data={"csrf_token": token}).status_code == 302
    assert 'data-state="paused"' not in _page(client, n)


def test_page_form_errors_stay_beside_their_form_and_keep_the_input(api, session_client):
    n = _create(api)["number"]
    client, _ = session_client("supervisor")
    token = csrf_from(_page(client, n))
    r = client.post(f"/tickets/{n}/sla/extensions", data={"stage": "accept", "minutes": "0", "reason": "crew stuck", "csrf_token": token})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'id="err-ext-minutes"' in html and 'aria-invalid="true"' in html
    assert ">crew stuck</textarea>" in html  # the reason is kept
    assert '<details class="sla-action" id="sla-extension" open>' in html
    assert '<details class="danger-zone">' in html  # the cancel form stays closed and empty
    r = client.post(f"/tickets/{n}/sla/pause", data={"reason": "", "csrf_token": token})
    assert r.status_code == 422 and 'id="sla-pause" open' in r.get_data(as_text=True)


def test_page_reclassify_and_a_stale_reply(api, session_client):
    t = _create(api, category="complaint", priority="normal")
    client, _ = session_client("operator")
    token = csrf_from(_page(client, t["number"]))
    r = client.post(f"/tickets/{t['number']}/reclassify", data={
        "category": "complaint", "priority": "urgent", "area": "", "reason": "the caller is elderly",
        "version": str(t["version"]), "csrf_token": token})
    assert r.status_code == 302
    html = _page(client, t["number"])
    assert "the caller is elderly" in html
    # the reply form still carries the old version: a conflict, said on the page, no 500
    r = client.post(f"/tickets/{t['number']}/reply", data={"message": "We will call back", "version": str(t["version"]), "csrf_token": token})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert ">We will call back</textarea>" in html
    r = client.post(f"/tickets/{t['number']}/reply", data={"message": "We will call back", "version": "x", "csrf_token": token})
    assert r.status_code == 422


def test_page_offers_forms_by_role(api, session_client):
    n = _create(api, category="complaint", priority="normal")["number"]
    html = _page(session_client("operator")[0], n)
    assert 'id="sla-reply"' in html and 'id="sla-reclassify"' in html
    assert 'id="sla-pause"' not in html and 'id="sla-extension"' not in html
    html = _page(session_client("crew")[0], n)
    assert 'id="sla-pause"' in html and 'id="sla-extension"' in html
    assert 'id="sla-reply"' not in html and 'id="sla-reclassify"' not in html
