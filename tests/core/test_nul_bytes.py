"""A NUL character anywhere in a request's text (path, query, JSON body, form) is
refused with 422 and the code `nul_byte`, before any view: PostgreSQL cannot store or
even compare one (GET /api/v1/tickets/%00 answered 500 there)."""
import pytest
from fixtures.app import csrf_from


def _refused(r, field: str):
    assert r.status_code == 422, r.get_data(as_text=True)[:300]
    if r.is_json:
        assert r.json["codes"] == {field: "nul_byte"}, r.json


@pytest.mark.parametrize("path, field", [
    ("/api/v1/tickets/%00", "number"),  # a NUL is refused before the lookup (not 404)
    ("/api/v1/tickets/20261123-0001%00", "number"),
    ("/api/v1/callers/%00/tickets", "phone"),
    ("/api/v1/no-such-route%00", "path"),
    ("/api/v1/tickets?q=kitchen%00", "q"),
    ("/api/v1/tickets?q%00=1", "q\\0"),
    ("/api/v1/duty-log/search?q=%00", "q"),
])
def test_query_and_path(api, path, field):
    _refused(api("supervisor").get(path), field)


def test_json_bodies(api):
    r = api("operator").post("/api/v1/tickets", json={
        "category": "repair", "matter": "drips\x00", "caller": {"phone": "13800138000"}})
    _refused(r, "matter")
    r = api("operator").post("/api/v1/tickets", json={
        "category": "repair", "matter": "drips", "caller": {"phone": "13800138000", "name": "Wang\x00"}})
    _refused(r, "caller.name")
    r = api("operator").post("/api/v1/duty-log", json={"kind": "event", "body": "ok", "tags": ["a", "\x00"]})
    _refused(r, "tags[1]")
    r = api("operator").post("/api/v1/tickets", json={"category": "repair", "matter\x00": "x"})
    _refused(r, "matter\x00")
    # Nothing was written; and the same requests without the NUL go through.
    assert api("operator").get("/api/v1/tickets").json["total"] == 0
    r = api("operator").post("/api/v1/tickets", json={
        "category": "repair", "matter": "drips", "caller": {"phone": "13800138000", "name": "Wang"}})
    assert r.status_code == 201, r.json
    assert api("operator").get("/api/v1/tickets/" + r.json["number"]).status_code == 200


def test_pages_and_forms(client, users):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"username": "operator\x00", "password": "x", "csrf_token": token})
    _refused(r, "username")
    _refused(client.get("/login?next=%00"), "next")
