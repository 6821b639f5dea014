"""Live events end to end: a real server (gunicorn, tests/live.py) and real
python-socketio clients on the WebSocket transport, authenticated by bearer token.

One server for the module; each test connects its own clients and closes them."""
from __future__ import annotations

import json
import queue
import time

import pytest
import requests
import socketio
from fixtures.live import live_server  # noqa: F401  (module-scoped fixture)

EVENTS = ("ticket.created", "ticket.updated")

# Two crews in different branches, and a token for each person the tests act as.
SEED = """
import json
from sqlalchemy import select
from hotline.units.models import Unit, UnitKind
from hotline.users.models import Role, User
from hotline.users.services import create_token, create_user

north = db.session.scalar(select(Unit).where(Unit.code == "north"))
south = Unit(code="south", name="South branch", kind=UnitKind.BRANCH)
db.session.add(south)
db.session.flush()
crew_a = Unit(code="crew-a", name="Crew A", kind=UnitKind.CREW, parent_id=north.id)
crew_b = Unit(code="crew-b", name="Crew B", kind=UnitKind.CREW, parent_id=south.id)
db.session.add_all([crew_a, crew_b])
db.session.flush()
create_user("crew_a", PASSWORD, Role.CREW, "Crew A member", crew_a.id)
create_user("crew_b", PASSWORD, Role.CREW, "Crew B member", crew_b.id)
tokens = {}
for name in ("operator", "dispatcher", "supervisor", "board", "admin", "crew_a", "crew_b"):
    user = db.session.scalar(select(User).where(User.username == name))
    tokens[name] = create_token(user, "live socket test")[1]
print(json.dumps(tokens))
"""

# Many real tickets written straight through the service (another process: the
# server does not push them, but resync reads them from the outbox table).
MANY_TICKETS = """
from sqlalchemy import select
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.tickets.services import create_ticket
from hotline.users.models import User

operator = db.session.scalar(select(User).where(User.username == "operator"))
for k in range({n}):
    create_ticket(TicketCreate(category="repair", matter=f"bulk {{k}}", caller={{"phone": "13700137000"}}), operator, Channel.API)
    if k % 100 == 99:
        db.session.commit()
"""


@pytest.fixture(scope="module")
def server(live_server):  # noqa: F811
    tokens = json.loads(live_server.run_in_app(SEED).strip().splitlines()[-1])
    live_server.tokens = tokens
    return live_server


class Listener:
    """A python-socketio client that queues every ticket event it receives."""

    def __init__(self, server, who: str | None):
        self.url = server.url
        self.auth = {"token": server.tokens[who]} if who else None
        self.sio = socketio.Client(reconnection=False)
        self.inbox: queue.Queue = queue.Queue()
        for name in EVENTS:
            self.sio.on(name, self._handler(name))

    def _handler(self, name):
        def handle(data):
            self.inbox.put((name, data, time.monotonic()))

        return handle

    def connect(self) -> "Listener":
        self.sio.connect(self.url, auth=self.auth, transports=["websocket"], wait_timeout=5)
        return self

    def next(self, timeout: float = 1.0):
        return self.inbox.get(timeout=timeout)

    def drain(self, settle: float = 0.3) -> list:
        """Everything received until nothing more came for `settle` seconds."""
        got = []
        while True:
            try:
                got.append(self.inbox.get(timeout=settle))
            except queue.Empty:
                return got

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()


@pytest.fixture
def listen(server):
    opened = []

    def make(who):
        listener = Listener(server, who).connect()
        opened.append(listener)
        return listener

    yield make
    for listener in opened:
        listener.close()


class Api:
    def __init__(self, server):
        self.url = server.url
        self.tokens = server.tokens
        self.http = requests.Session()

    def post(self, who, path, body):
        return self.http.post(
            self.url + path, json=body, headers={"Authorization": f"Bearer {self.tokens[who]}"}, timeout=10
        )

    def get(self, who, path):
        return self.http.get(self.url + path, headers={"Authorization": f"Bearer {self.tokens[who]}"}, timeout=10)

    def new_ticket(self, matter="Burst pipe in the stairwell"):
        r = self.post("operator", "/api/v1/tickets", {"category": "repair", "matter": matter, "caller": {"phone": "13900139000"}})
        assert r.status_code == 201, r.text
        return r.json()

    def dispatch(self, ticket, unit):
        r = self.post("dispatcher", f"/api/v1/tickets/{ticket['number']}/dispatch", {"unit": unit, "version": ticket["version"]})
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
def api(server):
    return Api(server)


def test_board_sees_creation_and_every_dispatch_step_in_order(listen, api):
    board = listen("dispatcher")
    t0 = time.monotonic()
    ticket = api.new_ticket()
    name, data, received = board.next(timeout=1.0)
    assert (name, data["number"], data["status"]) == ("ticket.created", ticket["number"], "new")
    assert received - t0 < 1.0
    assert isinstance(data["seq"], int) and data["at"]
    seqs = [data["seq"]]

    ticket = api.dispatch(ticket, "crew-a")
    expected = ["dispatched"]
    version = ticket["version"]
    for step in ("accept", "en_route", "on_site", "resolve"):
        body = {"version": version, **({"result": "Replaced the valve"} if step == "resolve" else {})}
        r = api.post("crew_a", f"/api/v1/tickets/{ticket['number']}/steps/{step}", body)
        assert r.status_code == 200, r.text
        version = r.json()["version"]
        expected.append(r.json()["status"])
    assert expected == ["dispatched", "accepted", "en_route", "on_site", "resolved"]

    updates = [board.next(timeout=1.0) for _ in expected]
    assert [(n, d["number"]) for n, d, _ in updates] == [("ticket.updated", ticket["number"])] * len(expected)
    assert [d["status"] for _, d, _ in updates] == expected
    assert updates[-1][1]["version"] == version
    seqs += [d["seq"] for _, d, _ in updates]
    assert seqs == sorted(set(seqs)), seqs
    assert board.drain() == []  # nothing twice


def test_ticket_updated_after_a_dispatch_is_the_whole_card_with_the_units_load(listen, api):
    """A screen updates a card from the event alone: what the snapshot would give for it
    (address, creation time, the steps now allowed) and the load of the units touched."""
    board = listen("dispatcher")
    r = api.post("operator", "/api/v1/tickets", {"category": "repair", "matter": "Meter leaking", "address": "12 Quay Road",
                                                 "caller": {"phone": "13900139000"}})
    assert r.status_code == 201, r.text
    ticket = api.dispatch(r.json(), "crew-a")
    name, data, _ = board.next(timeout=1.0)
    assert name == "ticket.created"
    name, data, _ = board.next(timeout=1.0)
    assert (name, data["number"], data["status"]) == ("ticket.updated", ticket["number"], "dispatched")
    assert data["street"] == "Quay Road" and "address" not in data  # a room hears it: the street only
    assert (data["unit"], data["unit_name"]) == ("crew-a", "Crew A")  # the board names the center too, which its unit strip leaves out
    assert data["created_at"] == ticket["created_at"]
    assert data["steps"] == ["transfer", "return", "accept"] == ticket["steps"]
    snapshot = api.get("dispatcher", "/api/v1/board").json()
    card = next(c for c in snapshot["tickets"] if c["number"] == ticket["number"])
    assert {k: v for k, v in data.items() if k not in ("seq", "prev", "event", "at", "units")} == card
    (crew_a,) = data["units"]
    assert crew_a == next(u for u in snapshot["units"] if u["code"] == "crew-a")
    assert crew_a["load"] >= 1 and crew_a["state"] == "busy"
    assert "caller" not in data and "13900139000" not in json.dumps(data)  # events go to whole rooms


def test_crew_hears_only_its_own_units_tickets(listen, api):
    crew_a = listen("crew_a")
    crew_b = listen("crew_b")
    board = listen("board")
    for_a = api.dispatch(api.new_ticket("For crew A"), "crew-a")
    for_b = api.dispatch(api.new_ticket("For crew B"), "crew-b")

    got_a = {d["number"] for _, d, _ in crew_a.drain()}
    got_b = {d["number"] for _, d, _ in crew_b.drain()}
    assert got_a == {for_a["number"]}
    assert got_b == {for_b["number"]}
    # The new, not yet dispatched tickets reached the center only.
    center = [(n, d["number"]) for n, d, _ in board.drain()]
    assert center == [
        ("ticket.created", for_a["number"]),
        ("ticket.updated", for_a["number"]),
        ("ticket.created", for_b["number"]),
        ("ticket.updated", for_b["number"]),
    ]


@pytest.mark.parametrize("auth", [None, {"token": "hl_not-a-token"}, {"token": ""}, "admin"])
def test_anonymous_bad_token_and_admin_are_refused(server, auth):
    if auth == "admin":
        auth = {"token": server.tokens["admin"]}
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=5)
    assert not client.connected


def test_reconnect_and_resync_returns_exactly_the_missed_events(listen, api, server):
    board = listen("supervisor")
    api.new_ticket("seen before the gap")
    _, data, _ = board.next(timeout=1.0)
    last_seq = data["seq"]
    board.close()

    missed = [api.new_ticket(f"missed {k}") for k in range(4)]
    missed[1] = api.dispatch(missed[1], "crew-b")

    board = listen("supervisor")
    answer = board.sio.call("resync", {"since": last_seq}, timeout=5)
    events = answer["events"]
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(last_seq + 1, last_seq + 1 + len(events))), seqs  # in order, no gap, no repeat
    assert answer["seq"] == seqs[-1]
    assert [(e["event"], e["number"]) for e in events] == [
        ("ticket.created", missed[0]["number"]),
        ("ticket.created", missed[1]["number"]),
        ("ticket.created", missed[2]["number"]),
        ("ticket.created", missed[3]["number"]),
        ("ticket.updated", missed[1]["number"]),
    ]
    assert board.drain() == []  # missed events are not pushed again on reconnect

    # A crew's resync holds only what the crew may see.
    crew = listen("crew_b")
    answer = crew.sio.call("resync", {"since": last_seq}, timeout=5)
    assert [(e["event"], e["number"]) for e in answer["events"]] == [("ticket.updated", missed[1]["number"])]

    # Up to date: nothing to add.
    answer = board.sio.call("resync", {"since": seqs[-1]}, timeout=5)
    assert answer == {"events": [], "seq": seqs[-1]}


def test_resync_after_a_huge_gap_asks_for_a_snapshot(listen, server):
    from hotline.live.sockets import RESYNC_LIMIT

    board = listen("dispatcher")
    head = board.sio.call("resync", {"since": 0}, timeout=5)["seq"]
    board.close()
    server.run_in_app(MANY_TICKETS.format(n=RESYNC_LIMIT + 1))
    board = listen("dispatcher")
    answer = board.sio.call("resync", {"since": head}, timeout=5)
    assert answer == {"snapshot": True, "seq": head + RESYNC_LIMIT + 1}
    # The snapshot it points to is at that same sequence number.
    r = requests.get(server.url + "/api/v1/board", headers={"Authorization": f"Bearer {server.tokens['dispatcher']}"}, timeout=10)
    assert r.status_code == 200 and r.json()["seq"] == answer["seq"]


def test_board_token_reads_and_listens_but_cannot_write(listen, api):
    board = listen("board")
    assert board.sio.connected
    r = api.get("board", "/api/v1/board")
    assert r.status_code == 200 and "tickets" in r.json() and isinstance(r.json()["seq"], int)
    assert board.sio.call("ping", 7, timeout=5) == {"pong": 7}

    ticket = api.new_ticket("the board watches")
    assert board.next(timeout=1.0)[1]["number"] == ticket["number"]
    writes = {
        "/api/v1/tickets": {"category": "leak", "matter": "x", "caller": {"phone": "13900139000"}},
        f"/api/v1/tickets/{ticket['number']}/dispatch": {"unit": "crew-a", "version": ticket["version"]},
        f"/api/v1/tickets/{ticket['number']}/transfer": {"unit": "crew-b", "reason": "x", "version": ticket["version"]},
        f"/api/v1/tickets/{ticket['number']}/return": {"reason": "x", "version": ticket["version"]},
        f"/api/v1/tickets/{ticket['number']}/steps/accept": {"version": ticket["version"]},
        f"/api/v1/tickets/{ticket['number']}/notes": {"body": "x"},
    }
    for path, body in writes.items():
        assert api.post("board", path, body).status_code == 403, path
    assert board.drain() == []  # and nothing changed


def test_hello_names_the_rooms_and_prev_chains_each_room(listen, api):
    """A board hears the center; a crew its unit's room. Each event's prev names, for each
    room it went to, the previous event there: a crew's chain skips the center's other events."""
    board, crew = listen("dispatcher"), listen("crew_b")
    hello = board.sio.call("hello", {}, timeout=5)
    assert hello["rooms"] == ["center"] and hello["interval"] > 0 and isinstance(hello["seq"], int)
    crew_rooms = crew.sio.call("hello", {}, timeout=5)["rooms"]
    assert len(crew_rooms) == 1 and crew_rooms[0].startswith("unit:")
    (room,) = crew_rooms
    first = api.dispatch(api.new_ticket("first for B"), "crew-b")
    api.dispatch(api.new_ticket("for A"), "crew-a")
    api.dispatch(api.new_ticket("second for B"), "crew-b")
    center = [d for _, d, _ in board.drain()]
    assert [d["prev"]["center"] for d in center] == [d["seq"] - 1 for d in center]
    mine = [d for _, d, _ in crew.drain()]
    assert [d["number"] for d in mine] == [first["number"], mine[1]["number"]] and len(mine) == 2
    assert mine[1]["prev"][room] == mine[0]["seq"] < mine[1]["seq"] - 1  # others' events in between


BAD_PAYLOADS = [None, [], "x", 7, {"since": -1}, {"since": "1"}, {"since": 10**30}, {"since": None},
                {"since": [1]}, {"since": 1.5}, {"rooms": ["unit:1"]}, {"\x00": "\x00"}]


@pytest.mark.parametrize("event", ["hello", "resync", "ping"])
def test_socket_events_answer_bad_payloads_without_breaking(listen, server, event):
    """Every socket event a client may send, fuzzed: an answer each time (an error or a
    normal answer, never a crash or a wider view), and the connection stays up."""
    crew = listen("crew_a")
    for payload in BAD_PAYLOADS:
        answer = crew.sio.call(event, payload, timeout=5)
        assert isinstance(answer, dict), (event, payload, answer)
        if event == "hello":  # a payload never widens the rooms
            assert "center" not in answer["rooms"], answer
        if event == "resync" and "events" in answer:
            assert isinstance(payload, dict) and isinstance(payload.get("since"), int), (payload, answer)
    assert crew.sio.connected
    assert requests.get(server.url + "/healthz", timeout=5).status_code == 200
