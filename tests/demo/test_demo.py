"""The demo data: it fills an empty database once, and only once (started again, it
brings that demo to today: tests/demo/test_demo_current.py)."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from hotline.core import clock

from hotline.core.extensions import db
from hotline.demo import seed_demo
from hotline.tickets.models import Ticket
from hotline.users.models import Role, User


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_fills_once(app):
    with app.app_context():
        clock.freeze(datetime(2026, 11, 10, 2, 0, tzinfo=timezone.utc))
        lines = list(seed_demo(tickets=60, days=5))
        assert _count(Ticket) == 60
        assert {u.role for u in db.session.scalars(select(User))} == set(Role)
        assert any("op1" in line and "operator" in line for line in lines)
        numbers = db.session.scalars(select(Ticket.number)).all()
        assert len(set(numbers)) == 60

        again = list(seed_demo(tickets=60, days=5))
        assert "brought to today: 0 new calls" in again[0]  # the same moment: nothing new
        assert any("op1" in line for line in again)  # the logins are shown again
        assert _count(Ticket) == 60
