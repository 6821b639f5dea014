"""Bad input never gives a 500: a 422 with a message per field, 404 for what is not there."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

GOOD = {"category": "repair", "matter": "Meter broken", "caller": {"phone": "13800138000"}}


def _with(**changes):
    body = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        target = body
        *parents, last = path.split("__")
        for p in parents:
            target = target.setdefault(p, {})
        if value is _DROP:
            target.pop(last, None)
        else:
            target[last] = value
    return body


_DROP = object()

CREATE_CASES = [
    # (body, field path expected in "fields")
    (_with(category=_DROP), "category"),
    (_with(matter=_DROP), "matter"),
    (_with(matter=""), "matter"),
    (_with(matter="   "), "matter"),
    (_with(matter=123), "matter"),
    (_with(matter=None), "matter"),
    (_with(matter=["a"]), "matter"),
    (_with(matter="x" * 4001), "matter"),
    (_with(matter="bad\x00byte"), "matter"),
    (_with(matter="bell\x07"), "matter"),
    (_with(category="nope"), "category"),
    (_with(category=7), "category"),
    (_with(unit="nowhere"), "unit"),
    (_with(priority="whenever"), "priority"),
    (_with(channel="pigeon"), "channel"),
    (_with(confidential="maybe"), "confidential"),
    (_with(confidential=[1]), "confidential"),
    (_with(extra="field"), "extra"),
    (_with(caller__phone="not a phone"), "caller.phone"),
    (_with(caller__phone="12"), "caller.phone"),
    (_with(caller__phone=""), "caller.phone"),
    (_with(caller__phone=13800138000), "caller.phone"),
    (_with(caller__phone="1" * 41), "caller.phone"),
    (_with(caller__name="n" * 81), "caller.name"),
    (_with(caller__surname="x"), "caller.surname"),
    (_with(caller="13800138000"), "caller"),
    (_with(address="a" * 301), "address"),
    (_with(facts__where="w" * 501), "facts.where"),
    (_with(facts__colour="red"), "facts.colour"),
    (_with(facts="where"), "facts"),
    (_with(call__rang_at="yesterday"), "call.rang_at"),
    (_with(call__rang_at="2026-11-23T10:00:00"), "call.rang_at"),  # no time zone
    (_with(call__rang_at="2026-13-45T10:00:00Z"), "call.rang_at"),
    (_with(call__rang_at="2026-11-23T10:00:05Z", call__answered_at="2026-11-23T10:00:00Z"), "call.answered_at"),
    (_with(call__answered_at="2026-11-23T10:00:05Z", call__ended_at="2026-11-23T10:00:00Z"), "call.ended_at"),
    (_with(category="leak", answer="fixed"), "answer"),
    ({"category": "repair", "matter": "x", "channel": "phone"}, "caller.phone"),
]


@pytest.mark.parametrize("body,field", CREATE_CASES, ids=[c[1] + str(i) for i, c in enumerate(CREATE_CASES)])
def test_create_refuses_with_the_field(api, users, units, body, field):
    r = api("operator").post("/api/v1/tickets", json=body)
    assert r.status_code == 422, (r.status_code, r.get_data(as_text=True))
    assert r.json["error"]
    assert field in r.json["fields"], r.json
    assert all(isinstance(m, str) and m for m in r.json["fields"].values())


@pytest.mark.parametrize(
    "raw,content_type",
    [
        ("not json at all", "application/json"),
        ("{\"category\": ", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ("\"a string\"", "application/json"),
        ("null", "application/json"),
        ("42", "application/json"),
        ("category=repair&matter=x", "application/x-www-form-urlencoded"),
        ("", "application/json"),
        ("{\"category\": \"repair\"}", "text/plain"),
        ("\xff\xfe", "application/json"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/tickets", "/api/v1/tickets/{n}/notes", "/api/v1/tickets/{n}/cancel"])
def test_non_object_bodies_are_422(api, users, raw, content_type, path):
    number = api("operator").post("/api/v1/tickets", json=GOOD).json["number"]
    r = api("operator").post(path.format(n=number), data=raw.encode("utf-8", "surrogateescape"), content_type=content_type)
    assert r.status_code == 422, (r.status_code, r.get_data(as_text=True))
    assert r.json["error"] and r.json["fields"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "body"),
        ({"body": ""}, "body"),
        ({"body": "x" * 4001}, "body"),
        ({"body": 5}, "body"),
        ({"body": "ok", "author": "me"}, "author"),
        ({"body": "esc\x1b[31m"}, "body"),
    ],
)
def test_note_refuses(api, users, body, field):
    number = api("operator").post("/api/v1/tickets", json=GOOD).json["number"]
    r = api("operator").post(f"/api/v1/tickets/{number}/notes", json=body)
    assert r.status_code == 422 and field in r.json["fields"], r.json


@pytest.mark.parametrize(
    "body,field",
    [({}, "reason"), ({"reason": ""}, "reason"), ({"reason": "x", "version": "one"}, "version"),
     ({"reason": "x" * 1001}, "reason"), ({"reason": "x", "version": 1.5}, "version")],
)
def test_cancel_refuses(api, users, body, field):
    number = api("operator").post("/api/v1/tickets", json=GOOD).json["number"]
    r = api("operator").post(f"/api/v1/tickets/{number}/cancel", json=body)
    assert r.status_code == 422 and field in r.json["fields"], r.json


@pytest.mark.parametrize(
    "query,field",
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=-1", "page"),
        ("per_page=1000", "per_page"),
        ("per_page=", "per_page"),
        ("open=perhaps", "open"),
        ("status=lost", "status.0"),
        ("priority=whenever", "priority"),
        ("from=yesterday", "from"),
        ("from=2026-11-23", "from"),  # a date without a time zone is ambiguous
        ("to=2026-02-30T00:00:00Z", "to"),
        ("q=" + "x" * 101, "q"),
        ("q=%00", "q"),
        ("sort=desc", "sort"),
    ],
)
def test_bad_query_params_are_422(api, users, query, field):
    r = api("operator").get(f"/api/v1/tickets?{query}")
    assert r.status_code == 422, (r.status_code, r.get_data(as_text=True))
    assert field in r.json["fields"], r.json


@pytest.mark.parametrize("path", ["/api/v1/tickets/nope", "/api/v1/tickets/" + "9" * 500,
                                  "/api/v1/tickets/'%20OR%201=1--"])
def test_unknown_ticket_404(api, users, path):
    r = api("operator").get(path)
    assert r.status_code == 404 and r.json["error"]
    r = api("operator").post(path + "/notes", json={"body": "x"})
    assert r.status_code == 404


@pytest.mark.parametrize("phone", ["abc", "1", "%2B%2B%2B", "x" * 300, "%00"])
def test_bad_phone_in_caller_history_is_422(api, users, phone):
    r = api("operator").get(f"/api/v1/callers/{phone}/tickets")
    assert r.status_code == 422 and "phone" in r.json["fields"], r.get_data(as_text=True)


def test_unknown_api_path_and_method_are_json(api, users):
    r = api("operator").get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.is_json
    r = api("operator").delete("/api/v1/tickets")
    assert r.status_code == 405 and r.is_json


def test_too_large_body_is_413(api, users):
    r = api("operator").post("/api/v1/tickets", data=b"{" + b" " * (2 * 1024 * 1024) + b"}", content_type="application/json")
    assert r.status_code == 413


# --- fuzz: random JSON at every POST endpoint ----------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
_field_values = st.none() | st.booleans() | st.integers() | st.text(max_size=50) | st.lists(st.text(max_size=5), max_size=3) | _json
_keys = st.sampled_from(["category", "matter", "caller", "phone", "name", "address", "area", "facts", "channel",
                         "unit", "confidential", "answer", "call", "priority", "body", "reason", "version", "rang_at"])
_bodies = _json | st.dictionaries(_keys, _field_values, max_size=8) | st.fixed_dictionaries(
    {"category": st.sampled_from(["repair", "consultation", "leak", "x"]), "matter": st.text(max_size=40)},
    optional={"caller": st.fixed_dictionaries({"phone": st.text(max_size=20)}), "answer": st.text(max_size=10),
              "call": st.dictionaries(st.sampled_from(["rang_at", "answered_at", "ended_at", "line"]), st.text(max_size=30))},
)


def test_fuzz_post_endpoints_never_500(app, api, users):
    number = api("operator").post("/api/v1/tickets", json=GOOD).json["number"]
    paths = [
        r.rule.replace("<number>", number).replace("<step>", "accept")
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/") and "POST" in r.methods and r.rule.count("<") == r.rule.count("<number>") + r.rule.count("<step>")
    ]
    assert "/api/v1/tickets" in paths
    operator, supervisor = api("operator"), api("supervisor")

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(body=_bodies, path=st.sampled_from(paths), as_supervisor=st.booleans())
    def check(body, path, as_supervisor):
        r = (supervisor if as_supervisor else operator).post(path, json=body)
        assert r.status_code < 500, (path, body, r.get_data(as_text=True))
        assert r.is_json

    check()
