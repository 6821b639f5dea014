"""The supervision API: warnings and breaches with their filters, acknowledgements,
escalations (a crew only its own unit's), extension decisions; who may call what and
what bad input gets. Alerts come from the real sweep on the controllable clock."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.sla.engine import services as sla
from hotline.sla.engine.sweep import sweep
from hotline.sla.models import Stage
from hotline.tickets.models import Ticket
from hotline.users.models import User

START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ROLES = ("operator", "dispatcher", "supervisor", "manager", "admin", "crew", "board")


def run_sweep_at(app, minutes: float) -> None:
    clock.freeze(START + timedelta(minutes=minutes))
    with app.app_context():
        sweep(db.session, clock.now())
        db.session.commit()


def new_ticket(api, category: str, unit: str) -> str:
    """Through the API, as the operator: requests must not share the test's app context
    (Flask-Login keeps the signed-in user in `g`, which lives as long as the context)."""
    body = {"category": category, "priority": "urgent", "unit": unit, "matter": "阀门井冒水", "caller": {"phone": "13800138000"}}
    r = api("operator").post("/api/v1/tickets", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["number"]


def at(minutes: float) -> str:
    """The API's way of writing START + minutes: ISO 8601 in UTC."""
    return (START + timedelta(minutes=minutes)).astimezone(timezone.utc).isoformat()


@pytest.fixture
def world(app, api):
    """Three urgent tickets at 10:00: a repair at the north branch, one at its crew, a
    leak in the south. Swept at 10:23 (the three accept warnings, 75 % of 30 min) and
    at 10:31 (the three breaches and the leak's arrive warning, 75 % of 40 min)."""
    clock.freeze(START)
    tickets = {
        "north": new_ticket(api, "repair", "north"),
        "crew": new_ticket(api, "repair", "north-crew-1"),
        "south": new_ticket(api, "leak", "south"),
    }
    run_sweep_at(app, 23)
    run_sweep_at(app, 31)
    yield tickets
    clock.reset()


def alerts(api, role="supervisor", **params):
    r = api(role).get("/api/v1/sla/alerts", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_the_list_is_newest_first_with_everything_a_row_needs(api, world):
    page = alerts(api)
    assert page["total"] == 7 and page["seq"] > 0
    items = page["items"]
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)
    leak_breach = next(i for i in items if i["number"] == world["south"] and i["kind"] == "breach")
    assert leak_breach == {
        "id": leak_breach["id"], "kind": "breach", "stage": "accept", "number": world["south"],
        "priority": "urgent", "category": "leak", "unit": "south",
        "due_at": at(30), "at": at(31),
        "acknowledged_at": None, "acknowledged_by": None, "comment": None,
    }


@pytest.mark.parametrize("params,expected", [
    ({"unit": "north"}, 4),  # the branch and its crew
    ({"unit": "north-crew-1"}, 2),
    ({"unit": "south"}, 3),
    ({"category": "leak"}, 3),
    ({"stage": "arrive"}, 1),
    ({"kind": "breach"}, 3),
    ({"kind": "warning", "unit": "north"}, 2),
    ({"from": at(25)}, 4),
    ({"to": at(24)}, 3),
    ({"from": at(20), "to": at(24), "stage": "accept"}, 3),
    ({"acknowledged": "false"}, 7),
    ({"acknowledged": "true"}, 0),
])
def test_filters(api, world, params, expected):
    assert alerts(api, **params)["total"] == expected


def test_pagination(api, world):
    first = alerts(api, per_page=5)
    second = alerts(api, per_page=5, page=2)
    assert (len(first["items"]), len(second["items"]), first["total"]) == (5, 2, 7)
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_acknowledge_with_a_comment(api, world):
    target = alerts(api, kind="breach", unit="south")["items"][0]
    r = api("manager").post(f"/api/v1/sla/alerts/{target['id']}/acknowledge", json={"comment": "南区已派第二班组"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["acknowledged_at"] == at(31) and body["comment"] == "南区已派第二班组"
    assert body["acknowledged_by"] == {"username": "manager", "name": "Manager One"}
    assert [i["id"] for i in alerts(api, acknowledged="true")["items"]] == [target["id"]]
    assert alerts(api, acknowledged="false")["total"] == 6
    # A second acknowledgement keeps the first person and time, and may add to the comment.
    again = api("supervisor").post(f"/api/v1/sla/alerts/{target['id']}/acknowledge", json={})
    assert again.status_code == 200 and again.get_json()["acknowledged_by"]["username"] == "manager"
    assert again.get_json()["comment"] == "南区已派第二班组"


@pytest.mark.parametrize("path,allowed", [
    ("/api/v1/sla/alerts", {"supervisor", "manager"}),
    ("/api/v1/sla/extensions", {"supervisor", "manager"}),
    ("/api/v1/sla/on-time", {"supervisor", "manager"}),
    ("/api/v1/sla/escalations", {"crew", "dispatcher", "supervisor", "manager"}),
])
def test_who_may_read(api, world, path, allowed):
    got = {role: api(role).get(path).status_code for role in ROLES}
    assert got == {role: 200 if role in allowed else 403 for role in ROLES}


def test_who_may_write(api, world):
    alert_id = alerts(api)["items"][0]["id"]
    for role in ("operator", "dispatcher", "crew", "board", "admin"):
        r = api(role).post(f"/api/v1/sla/alerts/{alert_id}/acknowledge", json={})
        assert r.status_code == 403, role
        r = api(role).post("/api/v1/sla/extensions/1/decision", json={"approve": True})
        assert r.status_code == 403, role
    for role in ("operator", "board", "admin"):
        assert api(role).post("/api/v1/sla/escalations/1/acknowledge", json={}).status_code == 403, role


@pytest.mark.parametrize("params,field", [
    ({"stage": "lunch"}, "stage"),
    ({"kind": "alarm"}, "kind"),
    ({"from": "yesterday"}, "from"),
    ({"from": "2026-03-03T10:00:00"}, "from"),  # no time zone: ambiguous
    ({"acknowledged": "maybe"}, "acknowledged"),
    ({"page": "0"}, "page"),
    ({"per_page": "10000"}, "per_page"),
    ({"from": at(30), "to": at(10)}, "to"),
    ({"unit": "atlantis"}, "unit"),
    ({"category": "volcano"}, "category"),
    ({"colour": "red"}, "colour"),
])
def test_bad_filters_are_422_with_the_field(api, world, params, field):
    r = api("supervisor").get("/api/v1/sla/alerts", query_string=params)
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["fields"]


def test_bad_bodies_and_unknown_ids(api, world):
    sup = api("supervisor")
    alert_id = alerts(api)["items"][0]["id"]
    assert sup.post(f"/api/v1/sla/alerts/{alert_id}/acknowledge", json={"comment": 5}).status_code == 422
    assert sup.post(f"/api/v1/sla/alerts/{alert_id}/acknowledge", json={"note": "x"}).status_code == 422
    assert sup.post(f"/api/v1/sla/alerts/{alert_id}/acknowledge", data="ok").status_code == 422
    assert sup.post("/api/v1/sla/alerts/999999/acknowledge", json={}).status_code == 404
    assert sup.post("/api/v1/sla/escalations/999999/acknowledge", json={}).status_code == 404
    assert sup.post("/api/v1/sla/extensions/999999/decision", json={"approve": True}).status_code == 404
    assert sup.get("/api/v1/sla/escalations?open=perhaps").status_code == 422
    assert sup.get("/api/v1/sla/extensions?status=lost").status_code == 422
    assert sup.get("/api/v1/sla/on-time?by=weather").status_code == 422


# ---- escalations ---------------------------------------------------------------------------


def escalations(api, role, **params):
    r = api(role).get("/api/v1/sla/escalations", query_string=params)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["items"]


def test_a_crew_sees_and_acknowledges_only_its_own_units_escalations(api, world):
    assert {e["number"] for e in escalations(api, "supervisor", open=1)} == set(world.values())
    mine = escalations(api, "crew", open=1)  # the crew user works for the north branch
    assert {e["number"] for e in mine} == {world["north"], world["crew"]}
    south = next(e for e in escalations(api, "supervisor") if e["number"] == world["south"])
    assert api("crew").post(f"/api/v1/sla/escalations/{south['id']}/acknowledge", json={}).status_code == 404
    north = next(e for e in mine if e["number"] == world["north"])
    r = api("crew").post(f"/api/v1/sla/escalations/{north['id']}/acknowledge", json={"note": "on our way"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["level"] == 1 and body["acknowledged_by"]["username"] == "crew" and body["next_at"] is None
    assert body["steps"] == [{
        "level": 1, "audience": "unit", "at": at(31), "acknowledged_at": at(31),
        "acknowledged_by": {"username": "crew", "name": "Crew One"}, "note": "on our way",
    }]
    assert {e["number"] for e in escalations(api, "supervisor", open=1)} == {world["crew"], world["south"]}


def test_the_desk_acknowledges_at_any_level(app, api, world):
    run_sweep_at(app, 31 + 15)  # nobody acknowledged: the supervisor's turn (and the leak's arrive breach, at 10:40)
    open_south = [e for e in escalations(api, "dispatcher", open=1) if e["number"] == world["south"]]
    assert [e["started_at"] for e in open_south] == [at(46), at(31)]  # newest first
    south = open_south[1]
    assert (south["level"], south["audience"], [s["audience"] for s in south["steps"]]) == (2, "supervisor", ["unit", "supervisor"])
    r = api("dispatcher").post(f"/api/v1/sla/escalations/{south['id']}/acknowledge", json={"note": "南区二班已出发"})
    assert r.status_code == 200
    steps = r.get_json()["steps"]
    assert steps[0]["acknowledged_at"] is None  # the unit's step was never acknowledged
    assert steps[1]["acknowledged_by"]["username"] == "dispatcher" and steps[1]["note"] == "南区二班已出发"
    run_sweep_at(app, 31 + 15 + 30)
    levels = [(e["number"], e["started_at"], e["level"]) for e in escalations(api, "supervisor")]
    assert sorted(levels) == sorted([
        (world["north"], at(31), 3), (world["crew"], at(31), 3),
        (world["south"], at(31), 2), (world["south"], at(46), 2),  # 10:46 + 15 min
    ])


# ---- extensions -----------------------------------------------------------------------------


@pytest.fixture
def pending(app, api, world, users):
    number = new_ticket(api, "repair", "north")  # accept due at 11:01
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        ext = sla.request_extension(ticket, Stage.ACCEPT, 45, "路面开挖需要交警配合", db.session.get(User, users["crew"]))
        db.session.commit()
        return number, ext.id


def test_pending_extensions_are_listed_and_decided_once(api, pending):
    number, ext_id = pending
    listed = api("supervisor").get("/api/v1/sla/extensions?status=pending").get_json()["items"]
    assert [(e["id"], e["number"], e["stage"], e["minutes"], e["status"]) for e in listed] == [
        (ext_id, number, "accept", 45, "pending")
    ]
    assert listed[0]["due_at"] == at(31 + 30) and listed[0]["requested_by"]["username"] == "crew"
    r = api("supervisor").post(f"/api/v1/sla/extensions/{ext_id}/decision", json={"approve": True, "note": "同意"})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["status"], body["decided_by"]["username"], body["decision_note"]) == ("approved", "supervisor", "同意")
    assert body["due_at"] == at(31 + 30 + 45)
    again = api("manager").post(f"/api/v1/sla/extensions/{ext_id}/decision", json={"approve": False})
    assert again.status_code == 409
    assert api("supervisor").get("/api/v1/sla/extensions?status=pending").get_json()["items"] == []
    assert api("supervisor").get("/api/v1/sla/extensions?status=approved").get_json()["total"] == 1


def test_a_refusal_leaves_the_deadline(api, pending):
    _, ext_id = pending
    r = api("manager").post(f"/api/v1/sla/extensions/{ext_id}/decision", json={"approve": False, "note": "不同意"})
    assert r.status_code == 200 and r.get_json()["status"] == "refused" and r.get_json()["due_at"] == at(61)
    assert api("manager").post(f"/api/v1/sla/extensions/{ext_id}/decision", json={"approve": "maybe"}).status_code == 422
    assert api("manager").post(f"/api/v1/sla/extensions/{ext_id}/decision", json={}).status_code == 422


def test_nobody_decides_their_own_extension(app, api, world, users):
    """Four eyes: a supervisor's own extension request is decided by someone else (403
    own_request), and the decision is audited (sla.extension_decide)."""
    from hotline.audit.models import AuditEvent

    number = new_ticket(api, "repair", "north")
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        ext = sla.request_extension(ticket, Stage.ACCEPT, 30, "等待交警", db.session.get(User, users["supervisor"]))
        db.session.commit()
        ext_id, ticket_id = ext.id, ticket.id
    own = api("supervisor").post(f"/api/v1/sla/extensions/{ext_id}/decision", json={"approve": True})
    assert own.status_code == 403 and own.get_json()["code"] == "own_request", own.get_json()
    r = api("manager").post(f"/api/v1/sla/extensions/{ext_id}/decision", json={"approve": True, "note": "同意"})
    assert r.status_code == 200 and r.get_json()["decided_by"]["username"] == "manager"
    with app.app_context():
        entries = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sla.extension_decide")).all()
        assert [(e.actor_name, e.target_id, e.ticket_id, e.reason, e.detail["approve"], e.detail["requested_by"])
                for e in entries] == [("Manager One", str(ext_id), ticket_id, "同意", True, "supervisor")]


# ---- breaches first, keyset paging, several acknowledged at once ---------------------------


def _key(a):
    rank = 2 if a["acknowledged_at"] else 0 if a["kind"] == "breach" else 1
    return (rank, a["due_at"], a["id"])


def test_urgent_order_puts_open_breaches_first_then_warnings_then_the_rest(api, world):
    breach = alerts(api, kind="breach", unit="south")["items"][0]
    api("supervisor").post(f"/api/v1/sla/alerts/{breach['id']}/acknowledge", json={})
    items = alerts(api, order="urgent")["items"]
    assert [i["kind"] for i in items] == ["breach", "breach", "warning", "warning", "warning", "warning", "breach"]
    assert items[-1]["id"] == breach["id"]  # acknowledged: with the rest
    assert items == sorted(items, key=_key)  # each group by deadline (all in UTC ISO: sortable as text)


@pytest.mark.parametrize("order", ["urgent", "newest"])
def test_keyset_paging_walks_the_whole_list_once(api, world, order):
    seen, after, pages = [], None, 0
    while True:
        params = {"order": order, "per_page": 3, **({"after": after} if after else {})}
        page = alerts(api, **params)
        assert page["total"] == 7
        seen += page["items"]
        pages += 1
        after = page["next"]
        if after is None:
            break
    assert pages == 3 and len(seen) == 7 and len({i["id"] for i in seen}) == 7
    assert seen == alerts(api, order=order, per_page=50)["items"]  # the same order as one page


def test_a_broken_cursor_is_a_422(api, world):
    for bad in ("nonsense", "W10", "WyJ4Il0", "WzEsICIyMDI2LTAzLTAzVDAyOjMwOjAwIiwgM10"):  # [], ["x"], naive time
        r = api("supervisor").get("/api/v1/sla/alerts", query_string={"order": "urgent", "after": bad})
        assert r.status_code == 422 and "after" in r.get_json()["fields"], bad


def test_several_alerts_are_acknowledged_at_once(api, world):
    open_ = alerts(api, acknowledged="false", kind="warning")["items"]
    ids = [a["id"] for a in open_[:3]]
    r = api("supervisor").post("/api/v1/sla/alerts/acknowledge", json={"ids": ids, "comment": "交班前统一处理"})
    assert r.status_code == 200, r.get_json()
    got = r.get_json()["items"]
    assert [a["id"] for a in got] == ids
    assert all(a["acknowledged_by"]["username"] == "supervisor" and a["comment"] == "交班前统一处理" for a in got)
    assert alerts(api, acknowledged="true")["total"] == 3
    # As a single acknowledgement: a second keeps the first person and time.
    again = api("manager").post("/api/v1/sla/alerts/acknowledge", json={"ids": ids[:1]}).get_json()["items"][0]
    assert again["acknowledged_by"]["username"] == "supervisor"


def test_bulk_acknowledge_refuses_unknown_ids_and_bad_input_whole(api, world):
    some = alerts(api)["items"][0]["id"]
    sup = api("supervisor")
    r = sup.post("/api/v1/sla/alerts/acknowledge", json={"ids": [some, 999999]})
    assert r.status_code == 422 and r.get_json()["codes"] == {"ids": "unknown_alerts"} and "999999" in r.get_json()["fields"]["ids"]
    assert alerts(api, acknowledged="true")["total"] == 0  # nothing acknowledged
    for body in ({"ids": []}, {"ids": ["1"]}, {"ids": list(range(1, 202))}, {"comment": "x"}, {"ids": [some], "note": "x"}):
        assert sup.post("/api/v1/sla/alerts/acknowledge", json=body).status_code == 422, body
    for role in ("operator", "dispatcher", "crew", "board", "admin"):
        assert api(role).post("/api/v1/sla/alerts/acknowledge", json={"ids": [some]}).status_code == 403, role


def test_urgent_order_by_page_number_agrees_with_the_walk(api, world):
    whole = alerts(api, order="urgent", per_page=50)["items"]
    assert alerts(api, order="urgent", per_page=3, page=2)["items"] == whole[3:6]


def test_a_total_beyond_the_cap_is_a_floor(api, world, monkeypatch):
    """Half a million alerts are not counted for a page of fifty: past the cap the total
    says so (`total_capped`), and the page is still whole."""
    from hotline.sla.supervision import reports

    page = alerts(api)
    assert page["total"] == 7 and page["total_capped"] is False
    monkeypatch.setattr(reports, "LIST_CAP", 5)
    page = alerts(api, order="urgent")
    assert page["total"] == 5 and page["total_capped"] is True and len(page["items"]) == 7
