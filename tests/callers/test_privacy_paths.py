"""A confidential caller is never revealed through another path (issue 11, "Privacy of
callers"): one phone, an ordinary ticket first, then a confidential one with another
name and address; every role looks through the API, the pages, the caller history,
search, the board snapshot, exports and live events. hotline/callers/privacy.py has the
table of who sees what."""
import json

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEvent
from hotline.callers.privacy import street_level
from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.users.models import Role
from hotline.users.services import create_token, create_user

from fixtures.app import PASSWORD, login

PHONE, E164 = "13800138000", "+8613800138000"
SECRETS = ("Li Si", "88 Secret Lane", "Room 5", "dumps waste", "13800138000", "8613800138000")
ORDINARY = {"category": "repair", "matter": "The tap drips", "unit": "north", "address": "12 Elm Road, Flat 3",
            "caller": {"phone": PHONE, "name": "Wang Fang"}}
CONFIDENTIAL = {"category": "complaint", "matter": "My neighbour dumps waste", "unit": "north", "confidential": True,
                "address": "88 Secret Lane, Room 5", "caller": {"phone": PHONE, "name": "Li Si"},
                "facts": {"who": "Li Si, the neighbour", "what": "waste"}}
ROLES = ("operator", "operator2", "dispatcher", "crew", "crew_south", "supervisor", "manager", "board")


@pytest.fixture
def world(app, client, users, tokens, units):
    """The two tickets (taken by `operator`), and bearer tokens for every viewer."""
    with app.app_context():
        extra = {
            "operator2": create_user("operator2", PASSWORD, Role.OPERATOR, "Op Two"),
            "crew_south": create_user("crew_south", PASSWORD, Role.CREW, "South crew", units["south"]),
        }
        db.session.flush()
        all_tokens = dict(tokens)
        for name, user in extra.items():
            all_tokens[name] = create_token(user, "privacy")[1]
        db.session.commit()

    def call(role, method, path, **kw):
        kw.setdefault("headers", {})["Authorization"] = f"Bearer {all_tokens[role]}"
        return getattr(client, method)(path, **kw)

    sessions = {}

    def page(role, path, **kw):
        """A page as a person signed in through the form sees it."""
        if role not in sessions:
            sessions[role] = app.test_client()
            assert login(sessions[role], role)[0].status_code == 302
        r = sessions[role].get(path, **kw)
        assert r.status_code in (200, 404), (role, path, r.status_code)
        return r

    ordinary = call("operator", "post", "/api/v1/tickets", json=ORDINARY)
    confidential = call("operator", "post", "/api/v1/tickets", json=CONFIDENTIAL)
    assert ordinary.status_code == confidential.status_code == 201, (ordinary.json, confidential.json)
    return {"call": call, "page": page, "ordinary": ordinary.json["number"], "confidential": confidential.json["number"],
            "tokens": all_tokens}


def _text(response) -> str:
    return response.get_data(as_text=True) if response.mimetype != "application/json" else json.dumps(
        response.json, ensure_ascii=False)


def _no_secret(text: str, who: str):
    for secret in SECRETS:
        assert secret not in text, f"{who} sees {secret!r}"


def test_street_level():
    assert street_level("12 Elm Road, Flat 3") == "Elm Road"
    assert street_level("Room 5, 7 High St, Leeds") == "High St, Leeds"
    assert street_level("朝阳区建国路88号华贸小区3栋2单元1201室") == "朝阳区建国路"
    assert street_level("光明街十二号") == "光明街"
    assert street_level(None) is None and street_level("") == ""


# --- 1. each ticket keeps its own snapshot -----------------------------------------------------


def test_each_ticket_shows_the_name_given_on_its_own_call(world):
    call = world["call"]
    ordinary = call("operator", "get", f"/api/v1/tickets/{world['ordinary']}").json
    assert ordinary["caller"]["name"] == "Wang Fang" and ordinary["address"] == "12 Elm Road, Flat 3"
    mine = call("operator", "get", f"/api/v1/tickets/{world['confidential']}").json
    assert mine["caller"]["name"] == "Li Si" and mine["address"] == "88 Secret Lane, Room 5"
    # The crew of the unit sees the ordinary caller in full, with the name of that call only.
    crew = _text(call("crew", "get", f"/api/v1/tickets/{world['ordinary']}"))
    assert "Wang Fang" in crew and "Li Si" not in crew
    page = _text(world["page"]("crew", f"/tickets/{world['ordinary']}"))
    assert "Wang Fang" in page and "Li Si" not in page


def test_migration_copies_the_callers_name_into_existing_tickets(tmp_path, monkeypatch):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from fixtures.db import drop_database, empty_database
    from hotline import create_app

    monkeypatch.setenv("HOTLINE_INSTANCE", str(tmp_path))
    url = empty_database(tmp_path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="0011_session_version")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO caller (id, phone, name, created_at) VALUES (1, '+8613800138000', 'Wang', "
                              "'2026-11-01 00:00:00')"))
            cat = conn.execute(text("SELECT id FROM category WHERE code = 'repair'")).scalar_one()
            conn.execute(text(
                "INSERT INTO ticket (id, number, version, category_id, priority, status, channel, caller_id, "
                "confidential, matter, facts, cycle, created_at, updated_at) VALUES (1, '20261101-0001', 1, :c, "
                "'normal', 'new', 'phone', 1, false, 'x', '{}', 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"),
                {"c": cat})
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT caller_name FROM ticket WHERE id = 1")).scalar_one() == "Wang"
        db.engine.dispose()
    drop_database(url)


# --- 2. the other paths ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("operator", "board")])
def test_the_confidential_ticket_itself_is_masked(world, role):
    call = world["call"]
    r = call(role, "get", f"/api/v1/tickets/{world['confidential']}")
    if role == "crew_south":
        assert r.status_code == 404  # another unit's work: not even its existence
        return
    assert r.status_code == 200
    body = dict(r.json)
    body.pop("matter")  # the matter is the work; who asked is what stays hidden
    body["timeline"] = []
    text = json.dumps(body, ensure_ascii=False)
    if role == "crew":
        text = text.replace("88 Secret Lane, Room 5", "")
    _no_secret(text, role)
    if role == "crew":  # the crew goes there: the full address, but not who called
        assert r.json["address"] == "88 Secret Lane, Room 5"
    else:
        assert r.json["address"] == "Secret Lane"
    page = world["page"](role, f"/tickets/{world['confidential']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True).replace("My neighbour dumps waste", "")
    for secret in ("Li Si", "13800138000", "138 0013 8000") + (() if role == "crew" else ("88 Secret Lane",)):
        assert secret not in html, (role, secret)


@pytest.mark.parametrize("role", ["operator2", "supervisor", "manager"])
def test_caller_history_and_card_leave_the_confidential_ticket_out(world, role):
    body = world["call"](role, "get", f"/api/v1/callers/{PHONE}/tickets").json
    assert [t["number"] for t in body["tickets"]] == [world["ordinary"]]
    assert body["caller"]["name"] == "Wang Fang" and body["caller"]["addresses"] == ["12 Elm Road, Flat 3"]
    assert body["open_count"] == 1
    _no_secret(json.dumps(body, ensure_ascii=False).replace(PHONE, "").replace(E164, ""), role)
    mine = world["call"]("operator", "get", f"/api/v1/callers/{PHONE}/tickets").json
    assert {t["number"] for t in mine["tickets"]} == {world["ordinary"], world["confidential"]}


@pytest.mark.parametrize("role", ["operator2", "dispatcher", "crew", "supervisor", "manager"])
def test_search_finds_no_confidential_identity(world, role):
    call = world["call"]
    # (The crew of the unit sees the confidential ticket's full address, by design: it goes there.)
    for q in ("Li Si", PHONE) + (() if role == "crew" else ("Secret Lane",)):
        r = call(role, "get", "/api/v1/tickets", query_string={"q": q})
        assert r.status_code == 200
        assert world["confidential"] not in [t["number"] for t in r.json["items"]], (role, q)
        text = _text(r)
        assert "Li Si" not in text and "88 Secret Lane" not in text, (role, q)
        html = world["page"](role, "/tickets", query_string={"q": q}).get_data(as_text=True)
        assert world["confidential"] not in html and "Li Si</" not in html
    # The one who took it finds it by the name given in confidence.
    mine = call("operator", "get", "/api/v1/tickets", query_string={"q": "Li Si"}).json["items"]
    assert [t["number"] for t in mine] == [world["confidential"]]


def test_masked_roles_search_by_phone_only_with_a_reason(world, app):
    call = world["call"]
    # q is no oracle: a number matches only where the searcher sees it in full.
    assert call("dispatcher", "get", "/api/v1/tickets", query_string={"q": PHONE}).json["items"] == []
    assert call("dispatcher", "get", "/api/v1/tickets", query_string={"q": "8000"}).json["items"] == []
    refused = call("dispatcher", "get", "/api/v1/tickets", query_string={"phone": PHONE})
    assert refused.status_code == 422 and "reason" in refused.json["fields"]
    partial = call("dispatcher", "get", "/api/v1/tickets", query_string={"phone": "8000", "reason": "x"})
    assert partial.status_code == 422 and "phone" in partial.json["fields"]
    found = call("dispatcher", "get", "/api/v1/tickets", query_string={"phone": PHONE, "reason": "unit asks"})
    assert [t["number"] for t in found.json["items"]] == [world["ordinary"]]  # never the confidential one
    assert found.json["items"][0]["caller"]["masked"] is True
    _no_secret(_text(found), "dispatcher")
    with app.app_context():
        entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ticket.phone_search"))
        assert entry.reason == "unit asks" and entry.actor_name == "Dispatcher One"
        assert PHONE not in json.dumps(entry.detail) and entry.detail["phone"] == "138****8000"
        assert len(entry.detail["phone_hash"]) == 32


def test_the_board_snapshot_shows_streets_only(world):
    for role in ("board", "dispatcher", "operator"):
        body = world["call"](role, "get", "/api/v1/board").json
        text = json.dumps(body, ensure_ascii=False)
        _no_secret(text, role)
        assert "12 Elm" not in text and "Flat 3" not in text
        assert {t["street"] for t in body["tickets"]} == {"Elm Road", "Secret Lane"}


def test_work_orders_give_the_crew_its_full_address_and_no_confidential_caller(world):
    call = world["call"]
    items = {i["ticket"]["number"]: i["ticket"] for i in call("crew", "get", "/api/v1/work-orders").json["items"]}
    assert items[world["ordinary"]]["address"] == "12 Elm Road, Flat 3"
    secret = items[world["confidential"]]
    assert secret["caller"]["masked"] is True and "Li Si" not in json.dumps(secret)
    assert call("crew_south", "get", "/api/v1/work-orders").json["items"] == []
    desk = _text(call("dispatcher", "get", "/api/v1/work-orders"))
    assert "Li Si" not in desk and "88 Secret Lane" not in desk and PHONE not in desk


def test_live_events_carry_no_caller_and_only_the_street(world, app):
    with app.app_context():
        payloads = [e.payload for e in db.session.scalars(select(LiveEvent).where(LiveEvent.name.like("ticket.%")))]
    assert payloads
    text = json.dumps(payloads, ensure_ascii=False)
    _no_secret(text.replace("dumps waste", ""), "events")
    assert "12 Elm" not in text and all("address" not in p for p in payloads)


def test_sla_alerts_export_carries_no_caller(world):
    r = world["call"]("supervisor", "get", "/sla/alerts.csv")
    assert r.status_code == 200
    _no_secret(r.get_data(as_text=True), "csv")


# --- 3. reveal with a reason -----------------------------------------------------------------


def test_a_supervisor_reveals_with_a_reason_and_it_is_audited(world, app):
    call, number = world["call"], world["confidential"]
    path = f"/api/v1/tickets/{number}/caller/reveal"
    for role in ("operator2", "dispatcher", "crew", "board"):
        assert call(role, "post", path, json={"reason": "curious"}).status_code == 403
    assert call("supervisor", "post", path, json={}).status_code == 422
    assert call("supervisor", "post", path, json={"reason": ""}).status_code == 422
    r = call("supervisor", "post", path, json={"reason": "the caller asked for a call back from a lead"})
    assert r.status_code == 200
    assert r.json["name"] == "Li Si" and r.json["phone"] == E164 and r.json["address"] == "88 Secret Lane, Room 5"
    with app.app_context():
        entry = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "caller.reveal"))
        assert entry.reason == "the caller asked for a call back from a lead"
        assert entry.target_type == "caller" and entry.ticket_id is not None
        assert entry.actor_name == "Supervisor One"
    # Still masked on the next read: a reveal is one answer, not a change of rights.
    assert call("supervisor", "get", f"/api/v1/tickets/{number}").json["caller"]["masked"] is True


def test_the_ticket_page_offers_the_reveal_form_without_inline_script(world):
    html = world["page"]("supervisor", f"/tickets/{world['confidential']}").get_data(as_text=True)
    assert 'id="reveal-form"' in html and "js/reveal.js" in html and "onclick" not in html
    assert "Li Si" not in html
    other = world["page"]("operator2", f"/tickets/{world['confidential']}").get_data(as_text=True)
    assert 'id="reveal-form"' not in other


# --- 5. away reasons never reach the board ---------------------------------------------------


def test_away_reasons_stay_off_the_board(app, users, tokens, client):
    from datetime import date, datetime, time, timezone

    from hotline.core import clock
    from hotline.duty.rosters.models import Roster, RosterAssignment, RosterStatus, ShiftTemplate
    from hotline.duty.seats.models import Seat

    with app.app_context():
        clock.freeze(datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc))
        day = ShiftTemplate(code="day", name_en="Day", name_zh="白班", starts=time(8, 30), ends=time(16, 30))
        roster = Roster(month=date(2026, 11, 1), status=RosterStatus.PUBLISHED)
        db.session.add_all([day, roster, Seat(code="A01", name="A01")])
        db.session.flush()
        db.session.add(RosterAssignment(roster_id=roster.id, day=date(2026, 11, 23), template_id=day.id,
                                        user_id=users["operator"]))
        db.session.commit()

    def call(role, method, path, **kw):
        return getattr(client, method)(path, headers={"Authorization": f"Bearer {tokens[role]}"}, **kw)

    seat = call("operator", "post", "/api/v1/seats/sign-in", json={"seat": "A01"})
    assert seat.status_code in (200, 201), seat.json
    away = call("operator", "post", "/api/v1/seats/state",
                json={"state": "away", "reason": "doctor appointment", "version": seat.json["session"]["version"]})
    assert away.status_code == 200, away.json
    with app.app_context():
        payloads = [e.payload for e in db.session.scalars(select(LiveEvent).where(LiveEvent.name == "seat.changed"))]
    assert payloads and all("away_reason" not in p for p in payloads)
    assert "doctor" not in _text(call("board", "get", "/api/v1/seats/on-duty"))
    assert "doctor appointment" in _text(call("supervisor", "get", "/api/v1/seats/on-duty"))
