"""Idempotency-Key on POST /api/v1/tickets (hotline.core.idempotency): a retry answers the
first answer and creates nothing; another body with the same key is refused; simultaneous
requests with one key against a real server create one ticket."""
from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

import pytest
import requests
from fixtures.live import live_server  # noqa: F401  (module-scoped fixture)
from sqlalchemy import func, select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.tickets.models import Ticket

BODY = {"category": "repair", "matter": "Meter broken", "caller": {"phone": "13800138000"}}


def _tickets(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def _post(api, role="operator", key=None, body=BODY, **kw):
    headers = {"Idempotency-Key": key} if key else {}
    return api(role).post("/api/v1/tickets", json=body, headers=headers, **kw)


def test_retry_with_the_same_key_answers_the_first_answer_and_creates_nothing(app, api):
    key = str(uuid.uuid4())
    first = _post(api, key=key)
    assert first.status_code == 201, first.json
    assert "Idempotent-Replayed" not in first.headers
    before = _tickets(app)
    again = _post(api, key=key)
    assert again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    # The same JSON written another way is the same request.
    same = api("operator").post("/api/v1/tickets", data=json.dumps(BODY, indent=2), headers={
        "Idempotency-Key": key, "Content-Type": "application/json"})
    assert same.status_code == 201 and same.json["number"] == first.json["number"]
    assert _tickets(app) == before
    # Without a key, or with a new one, each POST creates.
    assert _post(api).json["number"] != first.json["number"]
    assert _post(api, key=str(uuid.uuid4())).json["number"] != first.json["number"]
    assert _tickets(app) == before + 2


def test_same_key_with_another_body_is_refused(app, api):
    key = "order-42"
    assert _post(api, key=key).status_code == 201
    before = _tickets(app)
    r = _post(api, key=key, body={**BODY, "matter": "Something else"})
    assert r.status_code == 422
    assert r.json["code"] == "validation_failed"
    assert r.json["codes"] == {"Idempotency-Key": "idempotency_key_reused"}
    assert _tickets(app) == before


def test_keys_belong_to_their_user_and_expire_after_a_day(app, api):
    key = "shared-key"
    mine = _post(api, "operator", key=key).json
    theirs = _post(api, "supervisor", key=key)
    assert theirs.status_code == 201 and theirs.json["number"] != mine["number"]
    before = _tickets(app)
    clock.advance(timedelta(hours=23, minutes=59))
    assert _post(api, "operator", key=key).headers["Idempotent-Replayed"] == "true"
    clock.advance(timedelta(minutes=2))
    later = _post(api, "operator", key=key)
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert _tickets(app) == before + 1


def test_a_failed_request_stores_nothing_and_its_retry_runs(app, api):
    key = str(uuid.uuid4())
    bad = _post(api, key=key, body={**BODY, "category": "no-such-category"})
    assert bad.status_code == 422
    good = _post(api, key=key, body={**BODY, "category": "no-such-category"})
    assert good.status_code == 422  # ran again (not replayed): nothing was committed
    assert "Idempotent-Replayed" not in good.headers


@pytest.mark.parametrize("key", ["", "x" * 201, "naïve", "with space"])
def test_bad_keys_are_refused(app, api, key):
    if key == "":
        r = api("operator").post("/api/v1/tickets", json=BODY, headers={"Idempotency-Key": ""})
    else:
        r = _post(api, key=key)
    assert r.status_code == 422
    assert r.json["codes"] == {"Idempotency-Key": "idempotency_key_invalid"}


def test_a_dispatch_retried_with_its_key_answers_the_first_answer(app, api):
    """A dispatch whose answer was lost, sent again with its key: the same answer, not 409 stale."""
    made = _post(api).json
    body = {"unit": "north", "version": made["version"]}
    key = str(uuid.uuid4())
    first = api("dispatcher").post(f"/api/v1/tickets/{made['number']}/dispatch", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == 200, first.json
    again = api("dispatcher").post(f"/api/v1/tickets/{made['number']}/dispatch", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    # without the key the same request is a stale edit, as before
    assert api("dispatcher").post(f"/api/v1/tickets/{made['number']}/dispatch", json=body).status_code == 409


def test_the_header_is_documented(client):
    doc = client.get("/api/openapi.json").json
    post = doc["paths"]["/api/v1/tickets"]["post"]
    names = [(p["name"], p["in"]) for p in post["parameters"]]
    assert ("Idempotency-Key", "header") in names
    assert "idempotency_in_progress" in post["responses"]["409"]["description"]


# --- against a real server: simultaneous retries -------------------------------------------

TOKEN = """
import json
from sqlalchemy import select
from hotline.users.models import User
from hotline.users.services import create_token
print(json.dumps(create_token(db.session.scalar(select(User).where(User.username == "operator")), "t")[1]))
"""

COUNT = """
from sqlalchemy import func, select
from hotline.tickets.models import Ticket
print(db.session.scalar(select(func.count()).select_from(Ticket).where(Ticket.matter.like("{matter}%"))))
"""


@pytest.mark.parametrize("parallel", [2, 8])
def test_simultaneous_requests_with_one_key_create_one_ticket(live_server, parallel):  # noqa: F811
    token = json.loads(live_server.run_in_app(TOKEN).strip().splitlines()[-1])
    matter = f"concurrent {parallel} {uuid.uuid4().hex[:8]}"
    body = {**BODY, "matter": matter}
    answers: list[tuple[int, dict]] = []
    for round_ in range(5):
        key = str(uuid.uuid4())
        barrier = threading.Barrier(parallel)

        def post():
            barrier.wait()
            r = requests.post(live_server.url + "/api/v1/tickets", json=body, timeout=30, headers={
                "Authorization": f"Bearer {token}", "Idempotency-Key": key})
            answers.append((r.status_code, r.json()))

        threads = [threading.Thread(target=post) for _ in range(parallel)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        this_round = answers[round_ * parallel:]
        created = {a["number"] for s, a in this_round if s == 201}
        assert len(created) == 1, this_round
        assert all(s in (201, 409) for s, _ in this_round), this_round
    count = int(live_server.run_in_app(COUNT.format(matter=matter)).strip().splitlines()[-1])
    assert count == 5
