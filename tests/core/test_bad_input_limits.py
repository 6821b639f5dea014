"""Input beyond what the system can hold answers 422 (or 404 for an id that cannot exist),
never 500, across the whole API: the operations are read from the OpenAPI document.

- ids beyond 64 bits in paths (404: the `int` converter, hotline/core/converters.py) and
  numbers beyond 64 bits in bodies and queries (422 `too_big`, hotline/core/validation.py);
- dates outside 2000..2100 (years 1 and 9999 overflowed converting to the center's zone):
  422 `date_out_of_range`, in bodies, queries and path parameters;
- JSON nested deeper than 32 levels: 422 `too_deep` before it is parsed
  (hotline/core/request_checks.py; 10,000 levels raised RecursionError);
- lax values in JSON: "yes", "1", "on" or 1 for true, "5" for 5, 0 for a date: 422;
- a method a path does not take: 405 with `Allow`.
The socket side (`resync` with a huge or malformed `since`) is fuzzed in
tests/live/test_live_socket.py (test_socket_events_answer_bad_payloads_without_breaking)."""
import re

import pytest

from hotline.core.openapi import document
from hotline.core.request_checks import MAX_DEPTH

HUGE = 99999999999999999999999
GOOD = {"category": "repair", "matter": "Meter broken", "caller": {"phone": "13800138000"}}


def _operations(app):
    """(method, path, operation) for every documented operation."""
    for path, item in document(app)["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def _role(op) -> str:
    roles = op.get("x-roles") or ["supervisor"]
    return next((r for r in ("supervisor", "dispatcher", "operator", "admin") if r in roles), roles[0])


def _fill(path: str, op, ints) -> str:
    """The path with its parameters filled: integers with `ints`, text with plausible values."""
    kinds = {p["name"]: p["schema"] for p in op.get("parameters", []) if p["in"] == "path"}

    def value(match):
        schema = kinds.get(match.group(1), {})
        if schema.get("type") == "integer":
            return str(ints)
        return {"day": "2026-11-23", "month": "2026-11", "phone": "13800138000"}.get(match.group(1), "x")

    return re.sub(r"\{(\w+)\}", value, path)


def _call(api, role, method, url, **kw):
    r = getattr(api(role), method.lower())(url, **kw)
    assert r.status_code != 500, (method, url, r.get_data(as_text=True))
    return r


def test_ids_beyond_64_bits_in_any_path_are_404(app, api, users):
    checked = []
    for method, path, op in _operations(app):
        if not any(p["in"] == "path" and p["schema"].get("type") == "integer" for p in op.get("parameters", [])):
            continue
        for too_big in (HUGE, 2**63):
            r = _call(api, _role(op), method, _fill(path, op, too_big), json={})
            assert r.status_code == 404, (method, path, r.status_code, r.get_data(as_text=True))
        checked.append(path)
    assert len(checked) >= 20  # every <int:...> of the API


def test_ticket_numbers_beyond_64_bits_are_404(api, users):
    assert api("supervisor").get(f"/api/v1/tickets/{HUGE}").status_code == 404


def test_json_nested_too_deep_is_422_on_every_body(app, api, users):
    deep = "[" * 10_000 + "]" * 10_000
    checked = 0
    for method, path, op in _operations(app):
        if "requestBody" not in op:
            continue
        r = _call(api, _role(op), method, _fill(path, op, 1), data=deep, content_type="application/json")
        assert r.status_code == 422 and r.json["codes"] == {"body": "too_deep"}, (method, path, r.json)
        checked += 1
    assert checked >= 30


def test_nesting_up_to_the_limit_is_parsed(api, users):
    """Strings do not count as nesting, and the limit itself still parses (to a 422 of its field)."""
    body = {**GOOD, "matter": "[[[[" * 100}
    assert api("operator").post("/api/v1/tickets", json=body).status_code == 201
    nested = {**GOOD, "facts": {"where": "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)}}
    r = api("operator").post("/api/v1/tickets", json=nested)
    assert r.status_code in (201, 422) and r.json.get("codes", {}).get("body") != "too_deep"


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z",
                                   "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_dates_out_of_range_in_any_query_are_422(app, api, users, value):
    checked = 0
    for method, path, op in _operations(app):
        for p in op.get("parameters", []):
            schema = p.get("schema", {})
            formats = {schema.get("format")} | {s.get("format") for s in schema.get("anyOf", [])}
            if p["in"] != "query" or not formats & {"date-time", "date"}:
                continue
            sent = value if "date-time" in formats else value[:10]
            r = _call(api, _role(op), method, _fill(path, op, 1), query_string={p["name"]: sent})
            assert r.status_code in (404, 422), (method, path, p["name"], r.status_code, r.get_data(as_text=True))
            if r.status_code == 422:
                assert r.json["codes"].get(p["name"]) in ("date_out_of_range", "not_a_date"), (path, r.json)
                checked += 1
    assert checked >= 5


def test_integers_beyond_64_bits_in_any_query_are_422(app, api, users):
    checked = 0
    for method, path, op in _operations(app):
        for p in op.get("parameters", []):
            schema = p.get("schema", {})
            types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            if p["in"] != "query" or "integer" not in types:
                continue
            r = _call(api, _role(op), method, _fill(path, op, 1), query_string={p["name"]: str(HUGE)})
            assert r.status_code in (404, 422), (method, path, p["name"], r.status_code)
            checked += r.status_code == 422
    assert checked >= 5


@pytest.mark.parametrize("path,field", [("/api/v1/shifts/{}/day", "day"), ("/api/v1/rosters/{}", "month")])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_out_of_range_in_paths_are_422(api, users, path, field, day):
    r = api("supervisor").get(path.format(day if field == "day" else day[:7]))
    assert r.status_code == 422 and r.json["codes"] == {field: "date_out_of_range"}, r.json


def _ticket(api):
    return api("operator").post("/api/v1/tickets", json=GOOD).json


BODY_CASES = [
    # (role, method, path, body, field, code)
    *[("operator", "post", "/api/v1/tickets", {**GOOD, "confidential": lax}, "confidential", "not_yes_or_no")
      for lax in ("yes", "1", "on", "true", 1, 0)],
    ("operator", "post", "/api/v1/tickets", {**GOOD, "call": {"rang_at": "0001-01-01T00:00:00Z"}}, "call.rang_at",
     "date_out_of_range"),
    ("operator", "post", "/api/v1/tickets", {**GOOD, "call": {"rang_at": "9999-12-31T23:59:59Z"}}, "call.rang_at",
     "date_out_of_range"),
    ("operator", "post", "/api/v1/tickets", {**GOOD, "call": {"rang_at": 0}}, "call.rang_at", "not_a_date"),
    ("operator", "post", "/api/v1/tickets/{n}/cancel", {"reason": "x", "version": 10**30}, "version", "too_big"),
    ("operator", "post", "/api/v1/tickets/{n}/cancel", {"reason": "x", "version": -(10**30)}, "version", "too_big"),
    ("operator", "post", "/api/v1/tickets/{n}/cancel", {"reason": "x", "version": "1"}, "version",
     "not_whole_number"),
    ("dispatcher", "post", "/api/v1/shift-requests", {"kind": "leave", "day": 0, "shift": "day", "reason": "x"},
     "day", "not_a_date"),
    ("dispatcher", "post", "/api/v1/shift-requests",
     {"kind": "leave", "day": "9999-12-31", "shift": "day", "reason": "x"}, "day", "date_out_of_range"),
    ("dispatcher", "post", "/api/v1/shift-requests",
     {"kind": "leave", "day": "0001-01-01", "shift": "day", "reason": "x"}, "day", "date_out_of_range"),
]


@pytest.mark.parametrize("role,method,path,body,field,code", BODY_CASES,
                         ids=[f"{c[2]}-{c[4]}-{i}" for i, c in enumerate(BODY_CASES)])
def test_bodies_beyond_the_limits_or_lax_are_422(api, users, role, method, path, body, field, code):
    if "{n}" in path:
        path = path.format(n=_ticket(api)["number"])
    r = getattr(api(role), method)(path, json=body)
    assert r.status_code == 422, (r.status_code, r.get_data(as_text=True))
    assert r.json["codes"].get(field) == code, r.json


def test_strict_json_still_takes_what_json_has(api, users):
    """Enums, dates and times are strings in JSON: the strict mode takes them as such."""
    ticket = _ticket(api)
    r = api("operator").post(f"/api/v1/tickets/{ticket['number']}/cancel",
                             json={"reason": "wrong number", "version": ticket["version"]})
    assert r.status_code == 200, r.json
    r = api("operator").post("/api/v1/tickets", json={**GOOD, "confidential": True, "priority": "urgent",
                                                      "call": {"rang_at": "2026-11-23T10:00:00+08:00"}})
    assert r.status_code == 201, r.json


def test_a_method_a_path_does_not_take_is_405_with_allow(app, api, users):
    checked = 0
    for path, item in document(app)["paths"].items():
        taken = {m.upper() for m in item}
        missing = next((m for m in ("DELETE", "PUT", "PATCH", "POST") if m not in taken), None)
        if missing is None:
            continue
        op = next(iter(item.values()))
        r = _call(api, _role(op), missing, _fill(path, op, 1))
        assert r.status_code == 405, (missing, path, r.status_code)
        allowed = {m.strip() for m in r.headers["Allow"].split(",")}
        assert taken <= allowed and missing not in allowed, (path, r.headers["Allow"])
        checked += 1
    assert checked >= 30


PAGE_QUERIES = [
    {"day": "9999-12-31", "from": "9999-12-31", "to": "9999-12-31", "month": "9999-12"},
    {"day": "0001-01-01", "from": "0001-01-01", "to": "0001-01-01", "month": "0001-01"},
    {"from": "9999-12-31T23:59:59+00:00", "to": "0001-01-01T00:00:00+00:00"},
    {"page": str(HUGE), "per_page": str(HUGE), "preview": str(HUGE), "amount": str(HUGE), "unit": "d"},
    {"preview": "1", "from": "9999-12-31T23:00:00+00:00", "amount": "5", "unit": "d"},
]


@pytest.mark.parametrize("query", PAGE_QUERIES, ids=range(len(PAGE_QUERIES)))
def test_pages_take_out_of_range_queries_without_a_500(app, session_client, query):
    """The pages parse some parameters themselves (a day, a month, a period): out of range,
    they answer a page (the default or a message) or 404/422, never a 500."""
    clients = {}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static")) or "<path:" in rule.rule:
            continue
        view = app.view_functions[rule.endpoint]
        roles = sorted(getattr(r, "value", str(r)) for r in getattr(view, "allowed_roles", ()) or ("supervisor",))
        role = "supervisor" if "supervisor" in roles else roles[0]
        if role not in clients:
            clients[role] = session_client(role)[0]
        url = re.sub(r"<(?:int:)?(\w+)>", lambda m: "1" if "int:" in m.group(0) else "x", rule.rule)
        r = clients[role].get(url, query_string=query)
        assert r.status_code < 500, (url, query, r.status_code)
        checked += 1
    assert checked >= 20
