"""The callback API: the queue by deadline, recording attempts (close, reopen, retry),
bad input, stale versions, roles and confidential callers.

Data is made in short app contexts of its own and the requests run outside any: a
request inside a test's open app context would reuse its `g`, and with it the user
Flask-Login cached there by the previous request."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dispatch.workorders import services as work
from hotline.callbacks.models import Callback
from hotline.core import clock
from hotline.core.extensions import db
from hotline.tickets import services as tickets
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.users.models import User

START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(START)
    yield
    clock.reset()


@pytest.fixture
def resolved(app, users):
    """resolved(**ticket fields) -> (ticket number, callback id): taken by the operator,
    resolved by the desk now."""

    def make(unit="north", result="replaced the washer", **fields):
        fields.setdefault("category", "repair")
        fields.setdefault("matter", "The tap in the kitchen drips")
        fields.setdefault("caller", {"phone": "13800138000", "name": "Wang Fang"})
        with app.app_context():
            t = tickets.create_ticket(TicketCreate(unit=unit, **fields), db.session.get(User, users["operator"]), Channel.PHONE)
            desk = db.session.get(User, users["dispatcher"])
            for step in ("accept", "on_site"):
                work.advance(t, step, desk, t.version)
            work.advance(t, "resolve", desk, t.version, result=result)
            db.session.commit()
            return t.number, db.session.scalar(select(Callback.id).where(Callback.ticket_id == t.id))

    return make


@pytest.fixture
def _callback(app):
    """_callback(id) -> (attempts, version) as stored."""

    def read(callback_id):
        with app.app_context():
            cb = db.session.get(Callback, callback_id)
            return cb.attempts, cb.version

    return read


@pytest.fixture
def attempt(api, _callback):
    def post(role, callback_id, **body):
        body.setdefault("version", _callback(callback_id)[1])
        return api(role).post(f"/api/v1/callbacks/{callback_id}/attempts", json=body)

    return post


# --- the queue ---------------------------------------------------------------------------


def test_queue_lists_pending_callbacks_by_deadline_with_what_the_operator_needs(api, resolved):
    first, first_id = resolved(matter="No water on the third floor")
    clock.advance(timedelta(hours=1))
    second, _ = resolved(category="complaint", unit="south", result="apologised, reading redone")

    r = api("operator").get("/api/v1/callbacks")
    assert r.status_code == 200
    data = r.json
    assert data["total"] == 2 and data["page"] == 1 and data["per_page"] == 50
    assert [i["ticket"] for i in data["items"]] == [first, second]  # nearest deadline first
    item = data["items"][0]
    assert item["id"] == first_id and item["version"] == 1 and item["status"] == "pending"
    assert item["category"] == "repair" and item["unit"] == "north"
    assert item["matter"] == "No water on the third floor"
    assert item["result"] == "replaced the washer"
    assert item["caller"] == {"phone": "+8613800138000", "display_phone": item["caller"]["display_phone"],
                              "name": "Wang Fang", "masked": False}
    # 2 working days of the default calendar: Tuesday 10:00 -> Thursday 10:00
    assert item["due_at"] == datetime(2026, 3, 5, 2, 0, tzinfo=ZoneInfo("UTC")).isoformat()
    assert item["overdue"] is False and item["due_now"] is True
    assert item["attempts"] == 0 and item["next_try_at"] == START.astimezone(ZoneInfo("UTC")).isoformat()
    assert data["items"][1]["unit"] == "south" and data["items"][1]["category"] == "complaint"


def test_due_filter_overdue_flag_and_pages(api, resolved, attempt):
    a, a_id = resolved()
    b, _ = resolved()
    assert attempt("operator", a_id, reached=False).status_code == 201

    due = api("operator").get("/api/v1/callbacks?due=1").json
    assert [i["ticket"] for i in due["items"]] == [b]  # a waits for its next try
    everything = api("operator").get("/api/v1/callbacks").json
    assert {i["ticket"] for i in everything["items"]} == {a, b}

    page2 = api("operator").get("/api/v1/callbacks?per_page=1&page=2").json
    assert page2["total"] == 2 and len(page2["items"]) == 1 and page2["page"] == 2

    clock.advance(timedelta(days=3))
    late = api("operator").get("/api/v1/callbacks?due=1").json["items"]
    assert [i["overdue"] for i in late] == [True, True]


@pytest.mark.parametrize("query", ["due=maybe", "page=0", "per_page=500", "colour=red"])
def test_bad_queue_queries_are_422(api, query):
    r = api("operator").get(f"/api/v1/callbacks?{query}")
    assert r.status_code == 422 and r.json["fields"]


def test_confidential_caller_masked_for_other_operators_and_they_may_not_record(app, api, resolved, _callback):
    from hotline.users.models import Role
    from hotline.users.services import create_token, create_user

    with app.app_context():
        other = create_user("op2", "correct horse battery", Role.OPERATOR, "Op Two", None)
        _, secret = create_token(other, "op2")
        db.session.commit()
    _, callback_id = resolved(confidential=True)
    as_other = {"Authorization": f"Bearer {secret}"}

    seen_by_taker = api("operator").get("/api/v1/callbacks").json["items"][0]
    seen_by_supervisor = api("supervisor").get("/api/v1/callbacks").json["items"][0]
    seen_by_other = app.test_client().get("/api/v1/callbacks", headers=as_other).json["items"][0]
    assert seen_by_taker["confidential"] is True
    assert seen_by_taker["caller"]["masked"] is False
    # A supervisor sees a confidential caller only by an audited reveal (hotline/callers/privacy.py).
    assert seen_by_supervisor["caller"]["masked"] is True and seen_by_supervisor["caller"]["revealable"] is True
    assert seen_by_other["caller"]["masked"] is True
    assert seen_by_other["caller"]["phone"] == "138****8000" and seen_by_other["caller"]["name"] == "W***"

    refused = app.test_client().post(f"/api/v1/callbacks/{callback_id}/attempts", headers=as_other,
                                     json={"version": 1, "reached": False})
    assert refused.status_code == 403
    assert _callback(callback_id)[0] == 0


# --- recording attempts ------------------------------------------------------------------


def test_a_satisfied_solved_callback_closes_the_ticket(api, resolved, attempt):
    number, callback_id = resolved()
    r = attempt("operator", callback_id, reached=True, solved=True, satisfaction="very_satisfied")
    assert r.status_code == 201, r.json
    assert r.json["ticket"]["status"] == "closed" and r.json["ticket"]["number"] == number
    cb = r.json["callback"]
    assert cb["status"] == "done" and cb["satisfaction"] == "very_satisfied" and cb["solved"] is True
    assert cb["attempts"] == 1 and cb["next_try_at"] is None and cb["version"] == 2
    assert api("operator").get("/api/v1/callbacks").json["total"] == 0
    ticket = api("operator").get(f"/api/v1/tickets/{number}").json
    assert ticket["status"] == "closed" and ticket["timeline"][-1]["kind"] == "close"


def test_a_dissatisfied_callback_reopens_the_ticket_with_the_callers_words(api, resolved, attempt):
    number, callback_id = resolved()
    r = attempt("supervisor", callback_id, reached=True, solved=True, satisfaction="dissatisfied",
                 words="  The crew left mud all over the stairs  ")
    assert r.status_code == 201, r.json
    assert r.json["ticket"]["status"] == "dispatched" and r.json["ticket"]["cycle"] == 2
    ticket = api("supervisor").get(f"/api/v1/tickets/{number}").json
    assert ticket["timeline"][-1]["kind"] == "reopen"
    assert ticket["timeline"][-1]["message"] == "The crew left mud all over the stairs"
    assert ticket["unit"] == "north"


def test_unsolved_reopens_too(api, resolved, attempt):
    _, callback_id = resolved()
    r = attempt("manager", callback_id, reached=True, solved=False, satisfaction="neutral", words="still drips")
    assert r.status_code == 201 and r.json["ticket"]["status"] == "dispatched"


def test_not_reached_is_an_attempt_then_the_ticket_closes_after_the_last(api, resolved, app, attempt):
    number, callback_id = resolved()
    r = attempt("operator", callback_id, reached=False, words="no answer")
    assert r.status_code == 201
    cb = r.json["callback"]
    assert cb["status"] == "pending" and cb["attempts"] == 1 and cb["due_now"] is False
    assert cb["next_try_at"] == (START + timedelta(minutes=60)).astimezone(ZoneInfo("UTC")).isoformat()
    assert r.json["ticket"]["status"] == "resolved"
    for n in (2, 3):
        clock.advance(timedelta(minutes=61))
        r = attempt("operator", callback_id, reached=False)
    assert r.json["callback"]["status"] == "unreachable" and r.json["callback"]["attempts"] == 3
    assert r.json["ticket"]["status"] == "closed"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"version": 1}, "reached"),
        ({"reached": True, "solved": True, "satisfaction": "satisfied"}, "version"),
        ({"version": 1, "reached": "yes"}, "reached"),
        ({"version": 1, "reached": True, "solved": "no", "satisfaction": "satisfied"}, "solved"),
        ({"version": 1, "reached": True, "solved": True, "satisfaction": "happy"}, "satisfaction"),
        ({"version": 1, "reached": False, "mood": "grumpy"}, "mood"),
        ({"version": 1, "reached": False, "words": "x" * 2001}, "words"),
        ({"version": 1, "reached": True, "satisfaction": "satisfied"}, "solved"),  # the service's rules
        ({"version": 1, "reached": True, "solved": True}, "satisfaction"),
        ({"version": 1, "reached": True, "solved": False, "satisfaction": "satisfied"}, "words"),
        ({"version": 1, "reached": True, "solved": True, "satisfaction": "dissatisfied", "words": "   "}, "words"),
    ],
)
def test_bad_attempts_are_422_per_field_and_change_nothing(api, resolved, body, field, _callback):
    _, callback_id = resolved()
    r = api("operator").post(f"/api/v1/callbacks/{callback_id}/attempts", json=body)
    assert r.status_code == 422, r.json
    assert field in r.json["fields"], r.json
    assert _callback(callback_id)[0] == 0


def test_a_body_that_is_not_json_is_422(api, resolved):
    _, callback_id = resolved()
    r = api("operator").post(f"/api/v1/callbacks/{callback_id}/attempts", data="reached", content_type="text/plain")
    assert r.status_code == 422


def test_a_stale_version_is_409_and_a_done_callback_is_409(api, resolved, attempt):
    _, callback_id = resolved()
    assert attempt("operator", callback_id, reached=False).status_code == 201
    stale = attempt("operator", callback_id, version=1, reached=True, solved=True, satisfaction="satisfied")
    assert stale.status_code == 409 and stale.json["current_version"] == 2
    done = attempt("operator", callback_id, reached=True, solved=True, satisfaction="satisfied")
    assert done.status_code == 201
    again = attempt("operator", callback_id, reached=True, solved=True, satisfaction="satisfied")
    assert again.status_code == 409 and "already done" in again.json["error"]


def test_an_unknown_callback_is_404(api):
    r = api("operator").post("/api/v1/callbacks/4242/attempts", json={"version": 1, "reached": False})
    assert r.status_code == 404 and r.json["error"]


@pytest.mark.parametrize("role", ["dispatcher", "crew", "admin", "board"])
def test_other_roles_may_not_work_callbacks(api, resolved, role, _callback):
    _, callback_id = resolved()
    assert api(role).get("/api/v1/callbacks").status_code == 403
    assert api(role).post(f"/api/v1/callbacks/{callback_id}/attempts", json={"version": 1, "reached": False}).status_code == 403
    assert _callback(callback_id)[0] == 0


@pytest.mark.parametrize("role,status", [("operator", 403), ("dispatcher", 403), ("supervisor", 200), ("manager", 200)])
def test_only_supervisors_and_managers_read_rates(api, role, status):
    assert api(role).get("/api/v1/callbacks/rates").status_code == status


@pytest.mark.parametrize("query", ["by=crew", "from=yesterday", "from=2026-03-01T00:00:00", "to=2026-13-01T00:00:00Z"])
def test_bad_rates_queries_are_422(api, query):
    r = api("supervisor").get(f"/api/v1/callbacks/rates?{query}")
    assert r.status_code == 422 and r.json["fields"]
