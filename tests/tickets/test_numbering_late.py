"""A new ticket takes its number last (hotline.tickets.numbering.give_number): it is
written with a provisional one, which must never be seen: not in the row, not in the
answer, not in any live event of its creation (the card, a dispatch, an emergency's
escalation), on SQLite and PostgreSQL alike."""
import json
from datetime import datetime, timezone

from sqlalchemy import select

from hotline.core import clock
from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.tickets.models import Ticket
from hotline.tickets.numbering import PROVISIONAL_PREFIX


def test_no_provisional_number_is_ever_seen(app, api, units):
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc))
    answers = [
        api("operator").post("/api/v1/tickets", json=body).json
        for body in (
            {"category": "repair", "matter": "Tap drips", "caller": {"phone": "13800138000"}},
            {"category": "repair", "matter": "Sent on", "caller": {"phone": "13800138001"}, "unit": "north"},
            {"category": "leak", "matter": "Main burst", "caller": {"phone": "13800138002"}, "priority": "emergency"},
            {"category": "consultation", "matter": "Bill date", "caller": {"phone": "13800138003"}, "answer": "The 5th"},
        )
    ]
    numbers = [a["number"] for a in answers]
    assert numbers == [f"20261123-{n:04d}" for n in (1, 2, 3, 4)], answers
    with app.app_context():
        assert sorted(db.session.scalars(select(Ticket.number))) == numbers
        events = db.session.scalars(select(LiveEvent).order_by(LiveEvent.seq)).all()
        assert {e.payload.get("number") for e in events if "number" in e.payload} == set(numbers)
        assert {"ticket.created", "escalation"} <= {e.name for e in events}
        for event in events:
            assert f'"{PROVISIONAL_PREFIX}' not in json.dumps(event.payload), (event.name, event.payload)
