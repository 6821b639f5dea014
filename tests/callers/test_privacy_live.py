"""What a wall board's real Socket.IO connection hears of a confidential ticket: no
caller, no matter of who called, the street only (a live server, a python-socketio client)."""
import json

import pytest
from fixtures.live import live_server  # noqa: F401  (module-scoped fixture)
from fixtures.live_clients import Api

SEED = """
import json
from sqlalchemy import select
from hotline.users.models import User
from hotline.users.services import create_token
print(json.dumps({u.username: create_token(u, "privacy")[1]
                  for u in db.session.scalars(select(User).where(User.username.in_(["operator", "board"])))}))
"""


@pytest.fixture(scope="module")
def server(live_server):  # noqa: F811
    live_server.tokens = json.loads(live_server.run_in_app(SEED).strip().splitlines()[-1])
    return live_server


def test_a_board_hears_no_confidential_caller(server, listen):
    board = listen("board")
    api = Api(server)
    ticket = api.call("operator", "POST", "/tickets", {
        "category": "complaint", "matter": "Noise at night", "unit": "north", "confidential": True,
        "address": "88 Secret Lane, Room 5", "caller": {"phone": "13800138000", "name": "Li Si"}}, expect=201)
    heard = [data for name, data in board.drain("ticket.") if data.get("number") == ticket["number"]]
    assert heard, "the board heard nothing of the ticket"
    text = json.dumps(heard, ensure_ascii=False)
    for secret in ("Li Si", "13800138000", "88 Secret", "Room 5"):
        assert secret not in text
    assert {d["street"] for d in heard} == {"Secret Lane"}
