"""The dispatch desk's API: cards' details (the caller's words, the address as the desk may
see it, the suggested unit by the routing rules and the units' load), several tickets
dispatched at once, and saved views."""
import pytest
from sqlalchemy import select

from dispatch.desk.services import MATTER_CHARS, suggest, unit_loads
from dispatch.routing.models import RoutingRule
from hotline.core.extensions import db, socketio
from hotline.tickets.models import Category, Ticket
from hotline.units.models import Unit, UnitKind


def new(api, **extra) -> dict:
    body = {"category": "repair", "matter": "Burst pipe in the stairwell", "caller": {"phone": "13900139000"},
            "area": "North", **extra}
    r = api("operator").post("/api/v1/tickets", json=body)
    assert r.status_code == 201, r.json
    return r.json


@pytest.fixture
def crews(app, units):
    """A second crew under the north branch, and the rule repair x North -> north, made
    after the tickets a test creates would be routed by it (so they wait at the desk)."""
    with app.app_context():
        db.session.add(Unit(code="north-crew-2", name="North crew 2", kind=UnitKind.CREW, parent_id=units["north"]))
        db.session.commit()

    def rule(area="North", unit="north"):
        with app.app_context():
            repair = db.session.scalar(select(Category).where(Category.code == "repair"))
            unit_id = db.session.scalar(select(Unit.id).where(Unit.code == unit))
            db.session.add(RoutingRule(category_id=repair.id, area=area, unit_id=unit_id))
            db.session.commit()
    return rule


def details(api, role="dispatcher", **query) -> dict:
    r = api(role).get("/api/v1/desk/tickets", query_string=query)
    assert r.status_code == 200, r.json
    return {i["number"]: i for i in r.json["items"]}


def test_suggestion_is_the_rules_unit_then_the_least_loaded_crew(app, api, crews):
    waiting = new(api)
    busy = new(api, area="South")
    crews()
    r = api("dispatcher").post(f"/api/v1/tickets/{busy['number']}/dispatch", json={"unit": "north-crew-1", "version": busy["version"]})
    assert r.status_code == 200
    s = details(api)[waiting["number"]]["suggestion"]
    assert s["unit"] == "north-crew-2" and s["load"] == 0  # crew 1 has one open work order
    assert s["candidates"] == ["north-crew-1", "north-crew-2"]
    assert s["rule"]["unit"] == "north" and s["rule"]["area"] == "North" and s["rule"]["category"] == "repair"
    with app.app_context():  # the service: route_for's unit, then the load
        repair = db.session.scalar(select(Category).where(Category.code == "repair"))
        loads = unit_loads()
        crew1 = db.session.scalar(select(Unit).where(Unit.code == "north-crew-1"))
        assert loads[crew1.id] == 1
        assert suggest(repair.id, "North", {})["unit"] == "north-crew-1"  # equal loads: the first by code
        assert suggest(repair.id, "Elsewhere", loads) is None  # no rule: no suggestion
    # Dispatched work gets no suggestion; a ticket outside every rule neither.
    assert details(api)[busy["number"]]["suggestion"] is None
    # A crew returns it ("not ours"): the other crew is suggested, though busier.
    r = api("dispatcher").post(f"/api/v1/tickets/{waiting['number']}/dispatch", json={"unit": "north-crew-2", "version": waiting["version"]})
    r = api("supervisor").post(f"/api/v1/tickets/{waiting['number']}/return", json={"reason": "not our street", "version": r.json["version"]})
    assert r.status_code == 200, r.json
    s = details(api)[waiting["number"]]["suggestion"]
    assert s["unit"] == "north-crew-1" and s["candidates"] == ["north-crew-1"]


def test_a_unit_without_crews_is_suggested_itself(app, api, crews):
    t = new(api, area="South")
    crews(area="South", unit="south")
    s = details(api)[t["number"]]["suggestion"]
    assert s["unit"] == "south" and s["candidates"] == ["south"]


def test_details_carry_the_matter_shortened_and_the_address_as_the_desk_may_see_it(api, units):
    long = "水管爆裂，" * 60
    ordinary = new(api, matter=long, address="朝阳区建国路88号华贸3栋1201室")
    secret = new(api, address="朝阳区建国路88号华贸3栋1201室", confidential=True)
    d = details(api)
    assert len(d[ordinary["number"]]["matter"]) == MATTER_CHARS and d[ordinary["number"]]["matter"].endswith("…")
    assert d[ordinary["number"]]["address"] == "朝阳区建国路88号华贸3栋1201室"
    assert d[secret["number"]]["address"] == "朝阳区建国路"  # confidential: the street only for a dispatcher
    assert d[secret["number"]]["matter"] == "Burst pipe in the stairwell"
    only = details(api, number=[secret["number"]])
    assert list(only) == [secret["number"]]
    assert api("operator").get("/api/v1/desk/tickets").status_code == 403
    assert api("board").get("/api/v1/desk/tickets").status_code == 403


def test_bulk_dispatch_sends_each_and_reports_a_stale_one(app, api, units):
    a, b, c = new(api), new(api), new(api)
    stale = api("dispatcher").post(f"/api/v1/tickets/{c['number']}/notes", json={"body": "rang again"})
    assert stale.status_code == 201
    r = api("dispatcher").post("/api/v1/desk/dispatch", json={
        "unit": "north-crew-1", "instructions": "Bring the big wrench",
        "tickets": [{"number": n["number"], "version": n["version"]} for n in (a, b)] + [{"number": c["number"], "version": c["version"] - 1}],
    })
    assert r.status_code == 200, r.json
    body = r.json
    assert body["dispatched"] == 2 and body["failed"] == 1
    ok = {x["number"]: x for x in body["results"]}
    assert ok[a["number"]]["ok"] and ok[a["number"]]["ticket"]["status"] == "dispatched"
    assert ok[a["number"]]["ticket"]["unit"] == "north-crew-1"
    assert ok[c["number"]]["status"] == 409 and not ok[c["number"]]["ok"] and ok[c["number"]]["code"] == "stale"
    assert ok[c["number"]]["current"]["status"] == "new"
    # As a single dispatch: the timeline with the instructions, a work order each.
    for n in (a, b):
        t = api("dispatcher").get(f"/api/v1/tickets/{n['number']}").json
        assert t["timeline"][-1]["kind"] == "dispatch" and t["timeline"][-1]["message"] == "Bring the big wrench"
    assert api("dispatcher").get(f"/api/v1/tickets/{c['number']}").json["status"] == "new"
    with app.app_context():
        assert db.session.scalar(select(Ticket.status).where(Ticket.number == c["number"])) == "new"


def test_bulk_dispatch_sends_live_events_as_single_dispatch_does(app, api, tokens):
    a, b = new(api), new(api)
    board = socketio.test_client(app, auth={"token": tokens["board"]})
    board.get_received()
    r = api("dispatcher").post("/api/v1/desk/dispatch", json={
        "unit": "north-crew-1", "tickets": [{"number": n["number"], "version": n["version"]} for n in (a, b)]})
    assert r.json["dispatched"] == 2
    events = [e["args"][0] for e in board.get_received() if e["name"] == "ticket.updated"]
    assert {(e["number"], e["status"]) for e in events} == {(a["number"], "dispatched"), (b["number"], "dispatched")}
    assert [u["load"] for u in events[-1]["units"] if u["code"] == "north-crew-1"] == [2]
    board.disconnect()


@pytest.mark.parametrize("body,field", [
    ({"unit": "north", "tickets": []}, "tickets"),
    ({"unit": "north", "tickets": [{"number": "X", "version": 1}] * 2}, "tickets"),
    ({"unit": "nowhere", "tickets": [{"number": "X", "version": 1}]}, "unit"),
    ({"unit": "north", "tickets": [{"number": "X", "version": "1"}]}, "tickets.0.version"),
    ({"unit": "north", "tickets": [{"number": f"N{i}", "version": 1} for i in range(51)]}, "tickets"),
    ({"unit": "north"}, "tickets"),
])
def test_bulk_dispatch_bad_input_is_422_and_sends_nothing(api, units, body, field):
    t = new(api)
    r = api("dispatcher").post("/api/v1/desk/dispatch", json=body)
    assert r.status_code == 422, r.json
    assert field in r.json["fields"], r.json
    assert api("dispatcher").get(f"/api/v1/tickets/{t['number']}").json["status"] == "new"


def test_bulk_dispatch_is_for_the_desk_only(api, units):
    t = new(api)
    body = {"unit": "north", "tickets": [{"number": t["number"], "version": t["version"]}]}
    for role in ("operator", "crew", "board", "admin"):
        assert api(role).post("/api/v1/desk/dispatch", json=body).status_code == 403, role
    assert api("dispatcher").get(f"/api/v1/tickets/{t['number']}").json["status"] == "new"
    r = api("dispatcher").post("/api/v1/desk/dispatch", json={**body, "tickets": [{"number": "20990101-9999", "version": 1}]})
    assert r.status_code == 200 and r.json["results"][0]["status"] == 404


def test_saved_views_are_each_persons_own(api, units):
    me, other = api("dispatcher"), api("supervisor")
    r = me.post("/api/v1/desk/views", json={"name": "Late leaks", "filters": {"category": "leak", "late": "late"}})
    assert r.status_code == 201 and r.json["filters"] == {"category": "leak", "late": "late"}
    view_id = r.json["id"]
    r = me.post("/api/v1/desk/views", json={"name": "Late leaks", "filters": {"priority": "emergency"}})
    assert r.status_code == 200 and r.json["id"] == view_id  # saved over
    assert me.get("/api/v1/desk/views").json["items"] == [{"id": view_id, "name": "Late leaks", "filters": {"priority": "emergency"}}]
    assert other.get("/api/v1/desk/views").json["items"] == []
    assert other.delete(f"/api/v1/desk/views/{view_id}").status_code == 404  # not theirs
    assert me.post("/api/v1/desk/views", json={"name": "", "filters": {}}).status_code == 422
    assert me.post("/api/v1/desk/views", json={"name": "x", "filters": {"late": "very"}}).status_code == 422
    assert me.post("/api/v1/desk/views", json={"name": "x", "filters": {"colour": "red"}}).status_code == 422
    assert api("operator").get("/api/v1/desk/views").status_code == 403
    assert me.delete(f"/api/v1/desk/views/{view_id}").status_code == 204
    assert me.get("/api/v1/desk/views").json["items"] == []
