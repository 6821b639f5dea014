"""Dispatch rules through the API, with live events seen by Socket.IO test clients."""
import pytest

from dispatch.routing.models import RoutingRule
from hotline.core.extensions import db, socketio
from hotline.users.models import Role
from hotline.users.services import create_token, create_user
from fixtures.app import PASSWORD


def _new_ticket(api, **extra):
    body = {"category": "repair", "matter": "Burst pipe in the stairwell", "caller": {"phone": "13900139000"}, **extra}
    r = api("operator").post("/api/v1/tickets", json=body)
    assert r.status_code == 201, r.json
    return r.json


@pytest.fixture
def crew_user(app, units):
    """A crew member of north-crew-1 (under the north branch)."""
    with app.app_context():
        user = create_user("crew1", PASSWORD, Role.CREW, "Crew One", units["crew"])
        _, secret = create_token(user, "crew1 phone")
        db.session.commit()
        return secret


def _socket(app, token):
    return socketio.test_client(app, auth={"token": token})


def test_full_dispatch_cycle_with_cad_measures(app, api, tokens, crew_user):
    t = _new_ticket(api)
    assert t["status"] == "new"
    number = t["number"]
    r = api("dispatcher").post(f"/api/v1/tickets/{number}/dispatch", json={"unit": "north-crew-1", "version": t["version"]})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "dispatched" and r.json["unit"] == "north-crew-1"
    crew = {"Authorization": f"Bearer {crew_user}"}
    client = app.test_client()
    version = r.json["version"]
    for step in ("accept", "en_route", "on_site"):
        r = client.post(f"/api/v1/tickets/{number}/steps/{step}", json={"version": version}, headers=crew)
        assert r.status_code == 200, r.json
        version = r.json["version"]
    r = client.post(f"/api/v1/tickets/{number}/steps/resolve", json={"version": version, "result": "Replaced the valve"}, headers=crew)
    assert r.status_code == 200 and r.json["status"] == "resolved"
    kinds = [e["kind"] for e in r.json["timeline"]]
    assert kinds == ["created", "dispatch", "accept", "en_route", "on_site", "resolve"]
    # The crew calls the caller to agree the visit: it sees the number of its own work.
    assert r.json["caller"] == {"phone": "+8613900139000", "display_phone": "139 0013 9000", "name": None, "masked": False}


def test_illegal_step_and_stale_version_are_conflicts(app, api, crew_user):
    t = _new_ticket(api)
    crew = {"Authorization": f"Bearer {crew_user}"}
    client = app.test_client()
    r = client.post(f"/api/v1/tickets/{t['number']}/steps/on_site", json={"version": t["version"]}, headers=crew)
    assert r.status_code == 404  # not with the crew's unit: it does not see it
    r = api("dispatcher").post(f"/api/v1/tickets/{t['number']}/steps/resolve", json={"version": t["version"], "result": "x"})
    assert r.status_code == 409 and "new" in r.json["error"]
    r = api("dispatcher").post(f"/api/v1/tickets/{t['number']}/dispatch", json={"unit": "north", "version": t["version"]})
    assert r.status_code == 200
    r = api("supervisor").post(f"/api/v1/tickets/{t['number']}/transfer", json={"unit": "south", "reason": "wrong district", "version": t["version"]})
    assert r.status_code == 409
    assert r.json["ticket"]["status"] == "dispatched" and r.json["ticket"]["unit"] == "north"
    assert r.json["ticket"]["steps"] == ["transfer", "return", "accept"]  # as now stands


def test_an_actions_answer_carries_the_steps_the_new_status_allows(app, api, crew_user):
    """As the ticket's live card does: the crew's page shows the next step from the answer."""
    t = _new_ticket(api)
    r = api("dispatcher").post(f"/api/v1/tickets/{t['number']}/dispatch", json={"unit": "north-crew-1", "version": t["version"]})
    assert r.json["steps"] == ["transfer", "return", "accept"]
    crew = {"Authorization": f"Bearer {crew_user}"}
    r = app.test_client().post(f"/api/v1/tickets/{t['number']}/steps/accept", json={"version": r.json["version"]}, headers=crew)
    assert r.status_code == 200 and r.json["steps"] == ["transfer", "return", "en_route", "on_site", "resolve"]
    board = api("board").get("/api/v1/board").get_json()
    assert next(c for c in board["tickets"] if c["number"] == t["number"])["steps"] == r.json["steps"]


def test_operator_cannot_dispatch_and_board_token_cannot_write(app, api, tokens):
    t = _new_ticket(api)
    r = api("operator").post(f"/api/v1/tickets/{t['number']}/dispatch", json={"unit": "north", "version": 1})
    assert r.status_code == 403
    r = api("board").post("/api/v1/tickets", json={"category": "leak", "matter": "x"})
    assert r.status_code == 403
    assert api("board").get("/api/v1/board").status_code == 200


def test_routing_rule_sends_new_ticket_at_once(app, api, units):
    with app.app_context():
        from hotline.tickets.models import Category

        leak = db.session.scalar(db.select(Category).where(Category.code == "leak"))
        db.session.add(RoutingRule(category_id=leak.id, unit_id=units["south"]))
        db.session.add(RoutingRule(category_id=leak.id, area="North", unit_id=units["north"]))
        db.session.commit()
    assert _new_ticket(api, category="leak", area="North")["unit"] == "north"
    routed = _new_ticket(api, category="leak", area="East")
    assert routed["unit"] == "south" and routed["status"] == "dispatched"
    answered = _new_ticket(api, category="consultation", answer="Office hours are 8 to 5")
    assert answered["status"] == "closed" and answered["unit"] is None


def test_events_reach_center_and_only_the_right_unit(app, api, tokens, crew_user):
    board = _socket(app, tokens["dispatcher"])
    crew = _socket(app, crew_user)
    assert board.is_connected() and crew.is_connected()
    t = _new_ticket(api)
    api("dispatcher").post(f"/api/v1/tickets/{t['number']}/dispatch", json={"unit": "south", "version": t["version"]})
    seen = [(e["name"], e["args"][0]["status"]) for e in board.get_received()]
    assert seen == [("ticket.created", "new"), ("ticket.updated", "dispatched")]
    assert crew.get_received() == []  # south is not the crew's unit
    t2 = _new_ticket(api)
    api("dispatcher").post(f"/api/v1/tickets/{t2['number']}/dispatch", json={"unit": "north-crew-1", "version": t2["version"]})
    got = crew.get_received()
    assert [(e["name"], e["args"][0]["number"]) for e in got] == [("ticket.updated", t2["number"])]
    seqs = [e["args"][0]["seq"] for e in board.get_received()]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_resync_returns_missed_events_in_order(app, api, tokens, crew_user):
    board = _socket(app, tokens["supervisor"])
    first = _new_ticket(api)
    last_seen = board.get_received()[-1]["args"][0]["seq"]
    board.disconnect()
    missed = [_new_ticket(api)["number"] for _ in range(3)]
    board = _socket(app, tokens["supervisor"])
    answer = board.emit("resync", {"since": last_seen}, callback=True)
    assert [e["number"] for e in answer["events"]] == missed
    assert [e["seq"] for e in answer["events"]] == sorted(e["seq"] for e in answer["events"])
    assert first["number"] not in [e["number"] for e in answer["events"]]


def test_anonymous_and_admin_sockets_refused(app, tokens):
    assert not socketio.test_client(app).is_connected()
    assert not socketio.test_client(app, auth={"token": "nope"}).is_connected()
    assert not _socket(app, tokens["admin"]).is_connected()


def test_admin_edits_routing_rules_and_new_tickets_follow(app, api, units):
    r = api("admin").post("/api/v1/routing-rules", json={"category": "complaint", "unit": "south"})
    assert r.status_code == 201, r.json
    assert _new_ticket(api, category="complaint")["unit"] == "south"
    rule = r.json
    r = api("admin").patch(f"/api/v1/routing-rules/{rule['id']}", json={"unit": "north", "version": rule["version"]})
    assert r.json["id"] == api("admin").get("/api/v1/routing-rules").json["items"][0]["id"]
    assert _new_ticket(api, category="complaint")["unit"] == "north"
    api("admin").patch(f"/api/v1/routing-rules/{rule['id']}", json={"active": False, "version": r.json["version"]})
    assert _new_ticket(api, category="complaint")["status"] == "new"
    assert api("dispatcher").post("/api/v1/routing-rules", json={"category": "complaint", "unit": "north"}).status_code == 403
    bad = api("admin").post("/api/v1/routing-rules", json={"category": "nope", "unit": "mars"})
    assert bad.status_code == 422 and "category" in bad.json["fields"]


def test_a_cancelled_ticket_ends_its_work_order_and_the_units_load(app, api, tokens):
    def load():
        units = api("dispatcher").get("/api/v1/board").json["units"]
        return next(u["load"] for u in units if u["code"] == "north-crew-1")

    t = _new_ticket(api)
    before = load()
    r = api("dispatcher").post(f"/api/v1/tickets/{t['number']}/dispatch", json={"unit": "north-crew-1", "version": t["version"]})
    assert r.status_code == 200 and load() == before + 1
    r = api("supervisor").post(f"/api/v1/tickets/{t['number']}/cancel", json={"reason": "Duplicate", "version": r.json["version"]})
    assert r.status_code == 200, r.json
    assert load() == before
    with app.app_context():
        from dispatch.workorders.models import WorkOrder
        from hotline.tickets.models import Ticket

        order = db.session.scalar(db.select(WorkOrder).join(WorkOrder.ticket).where(Ticket.number == t["number"]))
        assert (order.status, order.reason, order.ended_at is not None) == ("cancelled", "Duplicate", True)
        # As every cancelled ticket's work order stood before: migration 0029 ends it.
        order.status, order.reason, order.ended_at = "assigned", None, None
        db.session.commit()
        from flask_migrate import downgrade, upgrade

        downgrade(revision="0028_open_tickets_by_unit")
        upgrade()
        db.session.expire_all()
        assert (order.status, order.reason, order.ended_at is not None) == ("cancelled", "Duplicate", True)
