"""Markup typed by a caller is stored as typed and shown inert on every page."""
import pytest

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def evil(api, users, units):
    r = api("operator").post(
        "/api/v1/tickets",
        json={
            "category": "repair",
            "matter": f"Pipe burst {SCRIPT}",
            "address": f"<img src=x onerror=alert(2)> Road",
            "unit": "north",
            "caller": {"phone": "13800138000", "name": "<b>Wang</b>"},
        },
    )
    assert r.status_code == 201, r.json
    api("operator").post(f"/api/v1/tickets/{r.json['number']}/notes", json={"body": f"note {SCRIPT}"})
    return r.json["number"]


def test_stored_as_typed(api, evil):
    t = api("operator").get(f"/api/v1/tickets/{evil}").json
    assert t["matter"] == f"Pipe burst {SCRIPT}"
    assert t["caller"]["name"] == "<b>Wang</b>"
    assert t["notes"][0]["body"] == f"note {SCRIPT}"


@pytest.mark.parametrize("role", ["operator", "dispatcher", "crew"])
@pytest.mark.parametrize("page", ["/tickets", "/tickets/{n}", "/tickets?q=burst"])
def test_pages_render_it_escaped(session_client, evil, role, page):
    client, _ = session_client(role)
    r = client.get(page.format(n=evil))
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    html = r.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "<b>Wang</b>" not in html
    assert ESCAPED in html
    if page == "/tickets/{n}":
        assert f"note {ESCAPED}" in html
