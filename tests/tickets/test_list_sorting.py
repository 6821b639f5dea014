"""The tickets list sorted by its column headings: every key both ways, rows without a
value last, paging across pages in a sort (no ticket twice, none missing), the deadline
column (the SLA's, added through tickets/columns.py) with late tickets marked, and bad
sort input answered with a message, never a 500."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.sla.engine.summary import deadlines_for
from hotline.tickets.models import (
    OPEN_STATUSES,
    PRIORITY_RANK,
    Priority,
    Status,
    Ticket,
    open_ticket,
)

START = datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
UNIT_NAMES = {"north": "North branch", "north-crew-1": "North crew 1", "south": "South branch", None: None}
STATE_RANK = {s.value: i for i, s in enumerate(Status)}

# (minutes after START, category, priority, unit): units and priorities repeat, so ties happen.
PLAN = [
    (0, "repair", "normal", "south"),
    (5, "leak", "emergency", "north"),
    (9, "repair", "urgent", "north-crew-1"),
    (14, "repair", "low", None),
    (20, "leak", "urgent", "south"),
    (26, "repair", "urgent", "north"),
    (31, "repair", "normal", "north-crew-1"),
]


@pytest.fixture
def listed(app, api):
    """Seven tickets through the API; one accepted, one cancelled, one with no unit."""
    numbers = []
    for minutes, category, priority, unit in PLAN:
        clock.freeze(START + timedelta(minutes=minutes))
        body = {"category": category, "priority": priority, "matter": "阀门井冒水", "caller": {"phone": "13800138000"}}
        if unit:
            body["unit"] = unit
        r = api("operator").post("/api/v1/tickets", json=body)
        assert r.status_code == 201, r.get_json()
        numbers.append(r.get_json()["number"])
    clock.freeze(START + timedelta(minutes=40))
    version = api("dispatcher").get(f"/api/v1/tickets/{numbers[2]}").get_json()["version"]
    assert api("dispatcher").post(f"/api/v1/tickets/{numbers[2]}/steps/accept", json={"version": version}).status_code == 200
    assert api("operator").post(f"/api/v1/tickets/{numbers[4]}/cancel", json={"reason": "duplicate"}).status_code == 200
    yield numbers
    clock.reset()


def _all(api, **params) -> list[str]:
    """Every number, read three per page in the order asked for."""
    out, page = [], 1
    while True:
        query = "&".join(f"{k}={v}" for k, v in {**params, "per_page": 3, "page": page}.items())
        r = api("supervisor").get(f"/api/v1/tickets?{query}")
        assert r.status_code == 200, r.get_json()
        items = r.get_json()["items"]
        out += [t["number"] for t in items]
        if len(items) < 3:
            return out
        page += 1


def _expected(app, api, key: str, direction: str) -> list[str]:
    items = api("supervisor").get("/api/v1/tickets?per_page=200").get_json()["items"]
    with app.app_context():
        ids = dict(db.session.execute(db.select(Ticket.number, Ticket.id)).all())
        due = deadlines_for(db.session, ids.values())
    value = {
        "number": lambda t: t["number"],
        "created": lambda t: t["created_at"],
        "priority": lambda t: PRIORITY_RANK[Priority(t["priority"])],
        "state": lambda t: STATE_RANK[t["status"]],
        "unit": lambda t: UNIT_NAMES[t["unit"]],
        "deadline": lambda t: (d := due.get(ids[t["number"]])) and not d["paused"] and d["due_at"],
    }[key]
    def has(t):
        return value(t) is not None and value(t) is not False

    present = [t for t in items if has(t)]
    missing = [t for t in items if not has(t)]
    desc = direction == "desc"
    present.sort(key=lambda t: (value(t), ids[t["number"]]), reverse=desc)
    missing.sort(key=lambda t: ids[t["number"]], reverse=desc)
    return [t["number"] for t in present + missing]


@pytest.mark.parametrize("key", ["number", "created", "priority", "state", "unit", "deadline"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_each_key_both_ways_across_pages(app, api, listed, key, direction):
    got = _all(api, sort=key, dir=direction)
    assert sorted(got) == sorted(listed)  # each once: none lost or repeated between pages
    assert got == _expected(app, api, key, direction)


def _all_by_cursor(api, **params) -> list[str]:
    """Every number, three per page, each page after the previous one's `next` cursor."""
    out, after = [], None
    while True:
        query = "&".join(f"{k}={v}" for k, v in {**params, "per_page": 3, **({"after": after} if after else {})}.items())
        r = api("supervisor").get(f"/api/v1/tickets?{query}")
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        out += [t["number"] for t in body["items"]]
        after = body["next"]
        if after is None:
            return out


@pytest.mark.parametrize("key", ["number", "created", "priority", "state", "unit", "deadline"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_each_key_both_ways_by_cursor(app, api, listed, key, direction):
    """Keyset paging: the same order as by page numbers, none lost or repeated."""
    assert _all_by_cursor(api, sort=key, dir=direction) == _expected(app, api, key, direction)


def test_a_cursor_belongs_to_its_order(api, listed):
    after = api("supervisor").get("/api/v1/tickets?per_page=3&sort=number").get_json()["next"]
    for query in (f"sort=created&after={after}", "after=not-a-cursor", "after=W10"):
        r = api("supervisor").get(f"/api/v1/tickets?{query}")
        assert r.status_code == 422 and "after" in r.get_json()["fields"], r.get_json()


def test_rows_without_a_value_come_last_both_ways(api, listed):
    no_unit = listed[3]
    cancelled = listed[4]  # its clocks stopped: no deadline
    for direction in ("asc", "desc"):
        assert _all(api, sort="unit", dir=direction)[-1] == no_unit
        assert cancelled in _all(api, sort="deadline", dir=direction)[-2:]


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_open_tickets_sorted_by_unit(app, api, listed, direction):
    """Walked on the open tickets' own index on PostgreSQL (migration 0028): the cancelled
    one left out, the one without a unit last, by page and by cursor."""
    expected = [n for n in _expected(app, api, "unit", direction) if n != listed[4]]
    assert _all(api, sort="unit", dir=direction, open=1) == expected
    assert _all_by_cursor(api, sort="unit", dir=direction, open=1) == expected


def test_the_open_tickets_index_is_of_the_open_statuses_and_used(app):
    """Each engine uses the partial index only for a filter of the statuses it was made for;
    SQLite only when the list's filter repeats them in the same order (models.open_ticket)."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            definition = db.session.scalar(db.text(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_ticket_open_unit_id_id'"))
        else:
            definition = db.session.scalar(db.text(
                "SELECT sql FROM sqlite_master WHERE name = 'ix_ticket_open_unit_id_id'"))
            query = select(Ticket.id).where(open_ticket(), Ticket.unit_id.in_([1])).order_by(Ticket.id).limit(51)
            sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(row) for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql)))
            assert "ix_ticket_open_unit_id_id" in plan, plan
    assert set(re.findall(r"'(\w+)'", definition)) == {s.value for s in OPEN_STATUSES}


def test_default_order_is_newest_first_and_a_heading_first_sorts_its_natural_way(api, listed):
    assert _all(api) == list(reversed(listed))
    assert _all(api, sort="priority")[0] == listed[1]  # the emergency first
    assert _all(api, sort="created") == list(reversed(listed))


def _table_headings(html: str) -> dict[str, str]:
    return dict(re.findall(r'<th scope="col" data-sort="(\w+)"[^>]*><a class="sort-link" href="([^"]+)"', html))


def test_the_page_sorts_by_its_headings(session_client, listed):
    client, _ = session_client("supervisor")
    html = client.get("/tickets?sort=priority&dir=asc&open=1&page=1").get_data(as_text=True)
    assert 'data-sort="priority" aria-sort="ascending"' in html
    links = _table_headings(html)
    assert set(links) == {"number", "created", "priority", "state", "deadline", "unit"}
    assert "sort=priority" in links["priority"] and "dir=desc" in links["priority"]  # again: the other way
    assert "dir=asc" in links["deadline"] and "dir=desc" in links["created"]  # soonest, newest first
    assert all("open=1" in href and "page=" not in href for href in links.values())  # filters kept, page 1
    rows = re.findall(r'<a class="number" href="/tickets/([\d-]+)"', html)
    assert rows[0] == listed[1]  # the emergency


def test_numbers_phones_and_times_do_not_wrap(session_client, listed, app):
    client, _ = session_client("supervisor")
    html = client.get("/tickets").get_data(as_text=True)
    assert 'href="/static/css/tickets.css"' in html
    assert re.search(r'<td data-label="[^"]+" class="nowrap"><a class="number"', html)
    css = (app.static_folder and open(f"{app.static_folder}/css/tickets.css").read())
    rule = re.search(r"([^{}]+)\{[^}]*white-space: nowrap[^}]*tabular-nums", css).group(1)
    for selector in (".number", ".phone", "time"):
        assert selector in rule


def test_the_deadline_column_marks_late_tickets(session_client, listed):
    client, _ = session_client("supervisor")
    clock.freeze(START + timedelta(minutes=50))  # the emergency's accept clock (10 min) has run out
    html = client.get("/tickets?sort=deadline").get_data(as_text=True)
    first = html.split('<tbody>')[1].split("</tr>")[0]
    assert listed[1] in first
    assert 'class="deadline late"' in first and 'class="badge late-badge"' in first
    cancelled_row = [r for r in html.split("</tr>") if listed[4] in r][0]
    assert re.search(r'class="col-deadline"><span class="muted">—</span>', cancelled_row)
    assert re.search(r'class="col-unit">North crew 1<', html)


def test_a_crew_sorts_only_its_own_units_tickets(api, listed):
    r = api("crew").get("/api/v1/tickets?sort=unit&dir=desc&per_page=50")
    units = [t["unit"] for t in r.get_json()["items"]]
    assert units and set(units) <= {"north", "north-crew-1"}
    assert units == sorted(units, key=lambda u: UNIT_NAMES[u], reverse=True)


@pytest.mark.parametrize("query", ["sort=bogus", "sort=id;drop table ticket", "dir=sideways", "sort=" + "x" * 300])
def test_bad_sort_input_is_refused_clearly(session_client, api, listed, query):
    r = api("supervisor").get(f"/api/v1/tickets?{query}")
    assert r.status_code == 422
    field = "dir" if query.startswith("dir") else "sort"
    assert field in r.get_json()["fields"]
    client, _ = session_client("supervisor")
    page = client.get(f"/tickets?{query}")
    assert page.status_code == 200  # the list in its default order, with the message beside the field
    html = page.get_data(as_text=True)
    assert re.search(rf'id="err-{field}" data-error-for="{field}" role="alert">[^<]+<', html)
    assert listed[-1] in html


def test_unknown_sort_names_the_keys(api, listed):
    body = api("supervisor").get("/api/v1/tickets?sort=bogus").get_json()
    assert body["codes"] == {"sort": "unknown_sort"}
    assert "deadline" in body["messages"]["sort"] and "unit" in body["messages"]["sort"]
