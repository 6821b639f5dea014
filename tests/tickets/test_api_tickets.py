"""The ticket API end to end over HTTP (bearer tokens)."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from hotline.core import clock
from hotline.core.extensions import csrf, db
from hotline.tickets.models import Ticket

UTC = timezone.utc
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _create(api, role="operator", **fields):
    body = {"category": "repair", "matter": "Meter broken", "caller": {"phone": "13800138000"}}
    body.update(fields)
    r = api(role).post("/api/v1/tickets", json=body)
    assert r.status_code == 201, r.json
    return r.json


def test_create_ticket_answer(api, users, units):
    clock.freeze(T0)
    r = api("operator").post(
        "/api/v1/tickets",
        json={
            "category": "leak",
            "matter": "Water coming up through the road",
            "caller": {"phone": "+86-138-0013-8000", "name": "Wang"},
            "address": "Renmin Road 5",
            "facts": {"where": "Renmin Road 5", "how": "still flowing"},
            "channel": "phone",
            "call": {"line": "96777", "rang_at": (T0 - timedelta(seconds=9)).isoformat()},
        },
    )
    assert r.status_code == 201, r.json
    t = r.json
    assert r.headers["Location"].endswith(f"/api/v1/tickets/{t['number']}")
    assert t["number"] == "20261123-0001"
    assert (t["status"], t["priority"], t["category"], t["channel"]) == ("new", "urgent", "leak", "phone")
    assert t["caller"]["phone"] == "+8613800138000"
    assert t["call"]["ring_seconds"] == 9
    assert t["call"]["line"] == "96777"
    assert t["operator"] == "operator"
    assert t["version"] >= 1
    assert t["timeline"][0]["kind"] == "created"
    assert t["timeline"][0]["actor"] == "operator"
    assert t["created_at"] == T0.isoformat()


def test_token_default_channel_is_api_and_needs_no_caller(api, users):
    t = _create(api, caller=None)
    assert t["channel"] == "api" and t["caller"] is None


def test_consultation_answered_via_api(api, users):
    t = _create(api, category="consultation", matter="Opening hours?", answer="8:30-17:30 weekdays")
    assert t["status"] == "closed" and t["answer"] == "8:30-17:30 weekdays"
    assert [e["kind"] for e in t["timeline"]] == ["created", "answered_on_call"]
    r = api("operator").post("/api/v1/tickets", json={"category": "leak", "matter": "x", "answer": "done"})
    assert r.status_code == 422 and set(r.json["fields"]) == {"answer"}


def test_get_ticket_and_unknown(api, users):
    t = _create(api)
    assert api("dispatcher").get(f"/api/v1/tickets/{t['number']}").json["number"] == t["number"]
    r = api("operator").get("/api/v1/tickets/20990101-0001")
    assert r.status_code == 404 and "error" in r.json


def test_crew_sees_only_its_units_tickets(api, users, units):
    own = _create(api, unit="north")["number"]
    other = _create(api, unit="south")["number"]
    crew = api("crew")
    assert crew.get(f"/api/v1/tickets/{own}").status_code == 200
    r = crew.get(f"/api/v1/tickets/{other}")
    assert r.status_code == 404  # not 403: do not confirm it exists
    assert crew.post(f"/api/v1/tickets/{other}/notes", json={"body": "x"}).status_code == 404
    listed = [t["number"] for t in crew.get("/api/v1/tickets").json["items"]]
    assert listed == [own]


def test_notes(api, users):
    number = _create(api)["number"]
    r = api("dispatcher").post(f"/api/v1/tickets/{number}/notes", json={"body": "  Called the branch  "})
    assert r.status_code == 201, r.json
    assert r.json["author"] == "dispatcher" and r.json["body"] == "Called the branch"
    t = api("operator").get(f"/api/v1/tickets/{number}").json
    assert [n["body"] for n in t["notes"]] == ["Called the branch"]
    assert t["timeline"][-1]["kind"] == "note" and t["timeline"][-1]["actor"] == "dispatcher"


def test_cancel(api, users):
    t = _create(api)
    r = api("supervisor").post(f"/api/v1/tickets/{t['number']}/cancel", json={"reason": "Duplicate", "version": t["version"]})
    assert r.status_code == 200, r.json
    assert (r.json["status"], r.json["cancel_reason"]) == ("cancelled", "Duplicate")
    assert r.json["timeline"][-1]["changes"]["status"][1] == "cancelled"
    again = api("supervisor").post(f"/api/v1/tickets/{t['number']}/cancel", json={"reason": "again"})
    assert again.status_code == 409 and again.json["error"]
    # still there, findable
    assert api("operator").get(f"/api/v1/tickets/{t['number']}").json["status"] == "cancelled"


def test_cancel_with_stale_version_409(api, users):
    t = _create(api)
    api("operator").post(f"/api/v1/tickets/{t['number']}/notes", json={"body": "more"})
    r = api("operator").post(f"/api/v1/tickets/{t['number']}/cancel", json={"reason": "dup", "version": t["version"]})
    assert r.status_code == 409
    assert "changed by someone else" in r.json["error"]
    assert r.json["current_version"] > t["version"]


def test_stale_flush_answers_409_with_a_message(app, users, tokens):
    """A StaleDataError from the ORM (a concurrent change under the loaded row) is a 409."""

    @app.post("/api/test/stale/<number>")  # before the app's first request
    def _stale(number):
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.number == number))
        # someone else's write lands between our read and our flush
        db.session.execute(
            update(Ticket).where(Ticket.id == ticket.id).values(version=Ticket.version + 1),
            execution_options={"synchronize_session": False},
        )
        ticket.address = "ours"
        db.session.flush()
        return "unreachable"

    csrf.exempt(_stale)
    headers = {"Authorization": f"Bearer {tokens['operator']}"}
    client = app.test_client()
    number = client.post("/api/v1/tickets", json={"category": "repair", "matter": "x"}, headers=headers).json["number"]
    r = client.post(f"/api/test/stale/{number}", headers=headers)
    assert r.status_code == 409
    assert r.json["error"]
    assert client.get(f"/api/v1/tickets/{number}", headers=headers).json["address"] is None


# --- search ---------------------------------------------------------------------------------------


@pytest.fixture
def corpus(api, users, units):
    clock.freeze(T0)
    made = {
        "leak": _create(api, category="leak", matter="Burst pipe on Renmin Road", unit="north", priority="emergency"),
        "bill": _create(api, category="billing", matter="Bill too high, 50% more", caller={"phone": "13900139000"}),
    }
    clock.advance(timedelta(days=1))
    made["repair"] = _create(api, category="repair", matter="Meter_box broken", unit="south", address="Jiefang Road 1")
    api("operator").post(f"/api/v1/tickets/{made['bill']['number']}/cancel", json={"reason": "dup"})
    return made


def _numbers(api, query, role="operator"):
    r = api(role).get(f"/api/v1/tickets{query}")
    assert r.status_code == 200, r.json
    return [t["number"] for t in r.json["items"]]


def test_search_by_number_phone_words(api, corpus):
    leak, bill, repair = corpus["leak"]["number"], corpus["bill"]["number"], corpus["repair"]["number"]
    assert _numbers(api, f"?q={leak}") == [leak]
    assert _numbers(api, "?q=20261123") == [bill, leak]  # a day's prefix
    for spelling in ("139 0013 9000", "%2B86-139-0013-9000", "13900139000"):
        assert _numbers(api, f"?q={spelling}") == [bill], spelling
    assert _numbers(api, "?q=renmin") == [leak]  # words, any case
    assert _numbers(api, "?q=Jiefang") == [repair]  # the address too


def test_search_wildcards_are_literal(api, corpus):
    assert _numbers(api, "?q=50%25") == [corpus["bill"]["number"]]
    assert _numbers(api, "?q=%25") == [corpus["bill"]["number"]]
    assert _numbers(api, "?q=_") == [corpus["repair"]["number"]]
    assert _numbers(api, "?q=t_r") == []  # '_' is not "any character" ("Meter")
    assert _numbers(api, "?q=%5C") == []  # a lone backslash: no match, no error


def test_filters(api, corpus):
    leak, bill, repair = (corpus[k]["number"] for k in ("leak", "bill", "repair"))
    assert _numbers(api, "?status=cancelled") == [bill]
    assert _numbers(api, "?status=cancelled&status=new") + _numbers(api, "?status=dispatched") != []
    assert set(_numbers(api, "?open=true")) == {leak, repair}
    assert _numbers(api, "?category=billing") == [bill]
    assert _numbers(api, "?priority=emergency") == [leak]
    assert _numbers(api, "?unit=south") == [repair]
    assert _numbers(api, "?unit=nowhere") == []
    day2 = "2026-11-23T16:00:00%2B00:00"  # midnight of the 24th in Shanghai
    assert _numbers(api, f"?from={day2}") == [repair]
    assert _numbers(api, f"?to={day2}") == [bill, leak]
    assert _numbers(api, f"?from={day2}&to=2026-11-25T00:00:00Z") == [repair]


def test_pagination(api, corpus):
    page1 = api("operator").get("/api/v1/tickets?per_page=2").json
    page2 = api("operator").get("/api/v1/tickets?per_page=2&page=2").json
    assert page1["total"] == page2["total"] == 3
    assert (page1["page"], page1["per_page"], len(page1["items"])) == (1, 2, 2)
    assert len(page2["items"]) == 1
    all_numbers = [t["number"] for t in page1["items"] + page2["items"]]
    assert all_numbers == _numbers(api, "")
    assert api("operator").get("/api/v1/tickets?page=99").json["items"] == []


def test_caller_history_api(api, corpus):
    r = api("operator").get("/api/v1/callers/138%200013%208000/tickets")
    assert r.status_code == 200
    body = r.json
    assert body["caller"]["phone"] == "+8613800138000"
    assert [t["number"] for t in body["tickets"]] == [corpus["repair"]["number"], corpus["leak"]["number"]]
    assert (body["open_count"], body["repeat"]) == (2, True)
    none = api("operator").get("/api/v1/callers/13700137000/tickets").json
    assert none["caller"] is None and none["tickets"] == [] and none["repeat"] is False
    bad = api("operator").get("/api/v1/callers/not-a-phone/tickets")
    assert bad.status_code == 422 and "phone" in bad.json["fields"]


def test_categories(api, users):
    items = api("operator").get("/api/v1/categories").json["items"]
    codes = [c["code"] for c in items]
    assert codes[0] == "consultation" and "leak" in codes
    consultation = items[0]
    assert consultation["answerable_on_call"] is True and consultation["name_zh"] == "咨询"


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json["status"] == "ok" and r.json["database"] == "ok"


def test_openapi_lists_every_api_route(app, client):
    doc = client.get("/api/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for schema in ("TicketCreate", "NoteCreate", "TicketCancel", "Error"):
        assert schema in doc["components"]["schemas"]
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {rule.rule} missing from /api/openapi.json"
