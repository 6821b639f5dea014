"""The OpenAPI document is generated from the routes (hotline/core/openapi.py): it
describes every API route there is, nothing else, with the status codes they answer."""
import inspect
import re

import pytest
from jsonschema import Draft202012Validator

from hotline.core.openapi import openapi_path

GOOD = {"category": "repair", "matter": "Meter broken", "caller": {"phone": "13800138000"}}
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
# A value each path parameter accepts, so a request reaches the view.
SAMPLE = {"number": "20261123-0001", "step": "accept", "phone": "13800138000", "month": "2026-11", "day": "2026-11-23",
          "shift": "day"}


@pytest.fixture
def doc(client):
    return client.get("/api/openapi.json").json


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(m.group(1), "1"), path)


def _operations(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield path, method.upper(), op


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]


def _resolve(doc, node: dict) -> dict:
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = doc["components"][section][name]
    return node


def test_every_api_route_is_documented(app, doc):
    for rule in _api_rules(app):
        path = openapi_path(rule.rule)
        assert path in doc["paths"], f"{path} missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], f"{method} {path} undocumented"


def test_every_documented_operation_exists_with_its_methods(app, doc):
    routed = {}
    for rule in app.url_map.iter_rules():
        routed.setdefault(openapi_path(rule.rule), set()).update(rule.methods - {"HEAD", "OPTIONS"})
    for path, ops in doc["paths"].items():
        assert path in routed, f"{path} documented but not routed"
        assert {m.upper() for m in ops} == routed[path], path
    assert len({op["operationId"] for _, _, op in _operations(doc)}) == len(list(_operations(doc)))


def test_every_schema_reference_resolves(doc):
    text = str(doc)
    for name in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert name in doc["components"]["schemas"], name
    for name in set(re.findall(r"#/components/responses/(\w+)", text)):
        assert name in doc["components"]["responses"], name


def test_document_is_valid_openapi(doc):
    from openapi_spec_validator import validate

    validate(doc)


def test_the_enums_and_error_answers_are_components(doc):
    schemas = doc["components"]["schemas"]
    assert schemas["Status"]["enum"][:3] == ["new", "returned", "dispatched"]
    assert "emergency" in schemas["Priority"]["enum"] and "callback" in schemas["Stage"]["enum"]
    assert schemas["Error"]["required"] == ["error"]
    for name in ("Unauthorized", "Forbidden", "NotFound", "Conflict", "TooLarge", "ValidationFailed"):
        assert name in doc["components"]["responses"], name


def test_the_generator_imports_no_domain_package():
    from hotline.core import openapi

    imports = re.findall(r"^\s*(?:from|import) (\S+)", inspect.getsource(openapi), re.M)
    assert imports and all(not m.startswith(("hotline", "dispatch")) or m.startswith("hotline.core") for m in imports)


def test_documented_bodies_are_the_ones_the_views_parse(app):
    """The declared body model is the one the view validates with (no drift)."""
    for rule in _api_rules(app):
        view = app.view_functions[rule.endpoint]
        op = view.openapi
        source = inspect.getsource(inspect.unwrap(view))
        if op.body is not None:
            assert f"parse({op.body.__name__}, json_body())" in source, rule.endpoint
        else:
            assert "json_body()" not in source, f"{rule.endpoint} reads a body it does not document"
        if op.query is not None and "parse_query(" in source:
            assert f"parse_query({op.query.__name__}," in source, rule.endpoint
        elif op.query is not None:  # read by hand: every documented name is read
            for name, field in op.query.model_fields.items():
                assert f'"{field.alias or name}"' in source, (rule.endpoint, name)
        else:
            assert "request.args" not in source, f"{rule.endpoint} reads a query it does not document"


def test_roles_give_401_and_403_and_writes_413_and_422(doc):
    for path, method, op in _operations(doc):
        responses = op["responses"]
        if op.get("security") != []:
            assert {"401", "403"} <= set(responses), (method, path)
            assert op["x-roles"], (method, path)
        if "requestBody" in op:
            assert {"413", "422"} <= set(responses), (method, path)
        if "{" in path and "422" not in responses:  # a path parameter that is not checked is looked up
            assert "404" in responses, (method, path)


def test_a_method_not_allowed_answers_405_with_allow(doc, client):
    for path, ops in doc["paths"].items():
        allowed = {m.upper() for m in ops}
        for method in sorted(METHODS - allowed):
            r = client.open(_url(path), method=method)
            assert r.status_code == 405, (method, path, r.status_code)
            assert r.is_json == path.startswith("/api/"), (method, path)
            expected = allowed | {"OPTIONS"} | ({"HEAD"} if "GET" in allowed else set())
            assert set(r.headers["Allow"].split(", ")) == expected, (method, path, r.headers.get("Allow"))


def test_a_body_over_the_limit_answers_413_as_documented(app, doc, api):
    too_big = b"{" + b" " * app.config["MAX_CONTENT_LENGTH"] + b"}"
    writes = [(path, method, op) for path, method, op in _operations(doc) if "requestBody" in op]
    assert len(writes) > 40
    for path, method, op in writes:
        assert "413" in op["responses"], (method, path)
        r = getattr(api(op["x-roles"][0]), method.lower())(_url(path), data=too_big, content_type="application/json")
        assert r.status_code == 413, (method, path, r.status_code, r.get_data(as_text=True)[:200])
        assert r.is_json


def test_a_body_with_a_version_documents_409(doc):
    for path, method, op in _operations(doc):
        if "requestBody" not in op:
            continue
        body = _resolve(doc, op["requestBody"]["content"]["application/json"]["schema"])
        if "version" in body.get("properties", {}):
            assert "409" in op["responses"], (method, path)


def test_a_stale_version_answers_409_as_documented(doc, api, users):
    assert "409" in doc["paths"]["/api/v1/tickets/{number}/cancel"]["post"]["responses"]
    ticket = api("operator").post("/api/v1/tickets", json=GOOD).json
    stale = {"reason": "Wrong number", "version": ticket["version"] - 1}
    r = api("operator").post(f"/api/v1/tickets/{ticket['number']}/cancel", json=stale)
    assert r.status_code == 409 and r.json["error"], r.json

    assert "409" in doc["paths"]["/api/v1/sla/policies/{policy_id}"]["put"]["responses"]
    policy = api("admin").get("/api/v1/sla/policies").json["items"][0]
    ok = api("admin").put(f"/api/v1/sla/policies/{policy['id']}", json={"warn_percent": 70, "version": policy["version"]})
    assert ok.status_code == 200
    r = api("admin").put(f"/api/v1/sla/policies/{policy['id']}", json={"warn_percent": 60, "version": policy["version"]})
    assert r.status_code == 409 and r.json["current_version"] == policy["version"] + 1

    assert "409" in doc["paths"]["/api/v1/sla/calendars/{calendar_id}"]["put"]["responses"]
    calendar = api("admin").get("/api/v1/sla/calendars").json["items"][0]
    r = api("admin").put(f"/api/v1/sla/calendars/{calendar['id']}", json={"name": "x", "version": calendar["version"] + 3})
    assert r.status_code == 409


# --- the answers are what the document says ------------------------------------------------------


@pytest.fixture
def answers(app):
    """Every /api/v1 answer given while the test runs: (rule, method, status, JSON body)."""
    from flask import request, request_finished

    seen = []

    def record(sender, response, **extra):
        if request.url_rule is not None and request.url_rule.rule.startswith("/api/v1/"):
            seen.append((request.url_rule.rule, request.method, response.status_code, response.get_json(silent=True)))

    request_finished.connect(record, app)
    yield seen
    request_finished.disconnect(record, app)


def _check_answers(doc, answers):
    components = {"components": doc["components"]}
    problems = []
    for rule, method, status, body in answers:
        path = openapi_path(rule)
        responses = doc["paths"][path][method.lower()]["responses"]
        if str(status) not in responses:
            problems.append(f"{method} {path}: {status} is not documented")
            continue
        content = _resolve(doc, responses[str(status)]).get("content")
        if content is None:
            continue
        validator = Draft202012Validator({**content["application/json"]["schema"], **components})
        for error in validator.iter_errors(body):
            problems.append(f"{method} {path} {status}: {'.'.join(map(str, error.absolute_path))}: {error.message[:160]}")
    assert not problems, "\n".join(sorted(set(problems)))


def test_answers_match_the_document(doc, api, users, answers):
    """A tour of the API: every status met is documented, every body fits its schema."""
    operator, dispatcher, crew, supervisor, admin = (api(r) for r in ("operator", "dispatcher", "crew", "supervisor", "admin"))
    number = operator.post("/api/v1/tickets", json={**GOOD, "call": {"rang_at": "2026-11-23T10:00:00+08:00"}}).json["number"]
    operator.get("/api/v1/tickets")
    operator.get("/api/v1/tickets?status=new&q=Meter")
    operator.get(f"/api/v1/tickets/{number}")
    operator.get("/api/v1/tickets/nope")
    operator.post("/api/v1/tickets", json={"category": "repair"})
    operator.post(f"/api/v1/tickets/{number}/notes", json={"body": "Called back"})
    operator.get("/api/v1/categories")
    operator.get("/api/v1/callers/13800138000/tickets")
    operator.get("/api/v1/callers/abc/tickets")
    operator.get(f"/api/v1/tickets/{number}/sla")
    operator.post(f"/api/v1/tickets/{number}/reply", json={"version": 0, "message": "x"})
    crew.get("/api/v1/tickets")
    dispatcher.get("/api/v1/units")
    dispatcher.get("/api/v1/board")

    def version():
        return operator.get(f"/api/v1/tickets/{number}").json["version"]

    r = dispatcher.post(f"/api/v1/tickets/{number}/dispatch", json={"unit": "north-crew-1", "version": version()})
    assert r.status_code == 200, r.json
    dispatcher.post(f"/api/v1/tickets/{number}/dispatch", json={"unit": "north-crew-1", "version": version()})
    dispatcher.get("/api/v1/work-orders")
    assert crew.post(f"/api/v1/tickets/{number}/steps/accept", json={"version": version()}).status_code == 200
    crew.post(f"/api/v1/tickets/{number}/sla/pause", json={"reason": "Waiting for parts"})
    crew.post(f"/api/v1/tickets/{number}/sla/resume", json={})
    crew.post(f"/api/v1/tickets/{number}/sla/extensions", json={"stage": "resolve", "minutes": 30, "reason": "Parts"})
    crew.post(f"/api/v1/tickets/{number}/steps/fly", json={"version": 1})
    crew.get(f"/api/v1/tickets/{number}/sla")
    operator.patch(f"/api/v1/tickets/{number}", json={"version": version(), "priority": "urgent", "reason": "Worse"})
    for path in ("/api/v1/sla/alerts", "/api/v1/sla/escalations", "/api/v1/sla/extensions", "/api/v1/sla/on-time",
                 "/api/v1/callbacks", "/api/v1/callbacks/rates", "/api/v1/handovers", "/api/v1/standing-items?all=1",
                 "/api/v1/handover-checklist", "/api/v1/duty-log", "/api/v1/duty-log/search?q=x", "/api/v1/shift-templates",
                 "/api/v1/rosters/2026-11", "/api/v1/rosters/11-2026", "/api/v1/shift-requests", "/api/v1/shifts/current",
                 "/api/v1/seats", "/api/v1/seats/on-duty", "/api/v1/seats/away-log", "/api/v1/sla/alerts?page=0"):
        supervisor.get(path)
    ext = supervisor.get("/api/v1/sla/extensions").json["items"][0]
    supervisor.post(f"/api/v1/sla/extensions/{ext['id']}/decision", json={"approve": True})
    supervisor.post(f"/api/v1/sla/extensions/{ext['id']}/decision", json={"approve": True})
    supervisor.post("/api/v1/sla/alerts/999/acknowledge", json={})
    item = supervisor.post("/api/v1/standing-items", json={"kind": "message", "title": "Water off in the north"}).json
    supervisor.post(f"/api/v1/standing-items/{item['id']}/close", json={"note": "Back on", "version": item["version"]})
    supervisor.post("/api/v1/duty-log", json={"kind": "event", "body": "Power cut in the north district"})
    supervisor.get("/api/v1/duty-log/search?q=power")
    h = supervisor.post("/api/v1/handovers", json={}).json
    if "id" in h:
        supervisor.get(f"/api/v1/handovers/{h['id']}")
        supervisor.get(f"/api/v1/handovers/{h['id']}/verify")
        supervisor.get("/api/v1/handovers")
    operator.get("/api/v1/seats/me")
    for path in ("/api/v1/sla/policies", "/api/v1/sla/calendars", "/api/v1/areas", "/api/v1/routing-rules", "/api/v1/handover-checklist"):
        admin.get(path)
    rule = admin.post("/api/v1/routing-rules", json={"category": "leak", "unit": "south"}).json
    admin.post("/api/v1/routing-rules", json={"category": "leak", "unit": "south"})  # the same pair again: 422
    admin.patch(f"/api/v1/routing-rules/{rule['id']}", json={"area": "North", "version": rule["version"]})
    admin.patch(f"/api/v1/routing-rules/{rule['id']}", json={"active": False, "version": rule["version"]})  # 409
    admin.get("/api/v1/routing-preview?category=leak&area=North")
    admin.get("/api/v1/routing-preview?category=nope")
    admin.delete(f"/api/v1/routing-rules/{rule['id']}?version={rule['version']}")  # 409
    admin.delete(f"/api/v1/routing-rules/{rule['id']}")
    admin.delete(f"/api/v1/routing-rules/{rule['id']}")  # 404
    category = admin.post("/api/v1/categories", json={"code": "flood", "name_en": "Flood", "name_zh": "水浸"}).json
    admin.patch("/api/v1/categories/flood", json={"active": False, "version": category["version"]})
    admin.patch("/api/v1/categories/flood", json={"active": True, "version": category["version"]})  # 409
    admin.patch("/api/v1/categories/nope", json={"version": 1})
    admin.get("/api/v1/categories?all=true")
    admin.get("/api/v1/audit?action=routing.")
    admin.get("/api/v1/audit?before=0")
    cal = admin.post("/api/v1/sla/calendars", json={"code": "late", "name": "Late", "hours": [["18:00", "23:00"]]}).json
    admin.post(f"/api/v1/sla/calendars/{cal['id']}/days", json={"day": "2026-12-24", "working": False})
    admin.get(f"/api/v1/sla/calendars/{cal['id']}/preview?minutes=90&from=2026-12-23T17:00:00%2B08:00")
    admin.delete(f"/api/v1/sla/calendars/{cal['id']}/days/2026-12-24")
    admin.delete(f"/api/v1/sla/calendars/{cal['id']}/days/2026-12-24")
    area = admin.post("/api/v1/areas", json={"name": "Hills", "outside_city": True}).json
    admin.put(f"/api/v1/areas/{area['id']}", json={"outside_city": False})
    admin.get("/api/v1/units?inactive=true")
    admin.get("/api/v1/units?inactive=maybe")
    unit = admin.post("/api/v1/units", json={"code": "hills-crew", "name": "Hills crew", "kind": "crew", "parent": "north",
                                              "areas": ["Hills"]}).json
    admin.post("/api/v1/units", json={"code": "Bad Code", "kind": "crew"})
    admin.get(f"/api/v1/units/{unit['id']}")
    admin.get("/api/v1/units/999999")
    admin.patch(f"/api/v1/units/{unit['id']}", json={"version": unit["version"], "on_call_phone": "027-1234567"})
    admin.patch(f"/api/v1/units/{unit['id']}", json={"version": unit["version"], "name": "Stale"})
    admin.post(f"/api/v1/units/{unit['id']}/deactivate", json={"version": unit["version"] + 1})
    admin.post(f"/api/v1/units/{unit['id']}/reactivate", json={"version": unit["version"] + 2})
    admin.post(f"/api/v1/units/{unit['id']}/reactivate", json={"version": unit["version"] + 2})
    admin.post("/api/v1/seats", json={"code": "s9", "name": "Seat 9"})
    admin.post("/api/v1/shift-templates", json={"code": "x", "name_en": "X", "name_zh": "X", "starts": "08:00", "ends": "16:00"})
    operator.post(f"/api/v1/tickets/{number}/cancel", json={"reason": "Wrong", "version": 1})
    api("board").get("/api/v1/tickets")
    assert len({(rule, method) for rule, method, *_ in answers}) > 50
    _check_answers(doc, answers)
