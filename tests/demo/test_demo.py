"""The demo data: it fills an empty database once, and only once."""
from sqlalchemy import func, select

from hotline.core.extensions import db
from hotline.demo import seed_demo
from hotline.tickets.models import Ticket
from hotline.users.models import Role, User


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_fills_once(app):
    with app.app_context():
        lines = list(seed_demo(tickets=60, days=5))
        assert _count(Ticket) == 60
        assert {u.role for u in db.session.scalars(select(User))} == set(Role)
        assert any("op1" in line and "operator" in line for line in lines)
        numbers = db.session.scalars(select(Ticket.number)).all()
        assert len(set(numbers)) == 60

        again = list(seed_demo(tickets=60, days=5))
        assert "already exist" in again[0]
        assert any("op1" in line for line in again)  # the logins are shown again
        assert _count(Ticket) == 60
