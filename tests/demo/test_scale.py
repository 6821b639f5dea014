"""The generator of a center of any size (hotline/demo/scale.py): at 2,000 tickets its
data hangs together as the services would have left it, and the app works on it."""
from datetime import UTC, datetime

from sqlalchemy import func, inspect, select

from dispatch.workorders.models import WorkOrder
from hotline.callers.models import Caller
from hotline.core import clock
from hotline.core.extensions import db
from hotline.demo import seed_demo
from hotline.demo.scale import LOADED, seed_scale
from hotline.sla.engine.sweep import next_deadline
from hotline.sla.models import Alert, SlaClock
from hotline.tickets.models import OPEN_STATUSES, Status, Ticket, TicketEvent
from hotline.users.services import create_token_for

NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


def _count(stmt):
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def _indexes() -> dict[str, set[str]]:
    inspector = inspect(db.session.connection())
    return {table: {i["name"] for i in inspector.get_indexes(table)} for table in LOADED}


def test_a_generated_center_hangs_together(app):
    client = app.test_client()
    with app.app_context():
        clock.freeze(NOW)
        indexes = _indexes()
        lines = list(seed_scale(2000, 30, template_tickets=80, template_days=7))
        assert _indexes() == indexes  # those set aside during the load are all back
        assert "2000 tickets over 30 days" in lines[-1]
        assert _count(select(Ticket)) == 2000
        statuses = set(db.session.scalars(select(Ticket.status).distinct()))
        assert statuses >= (OPEN_STATUSES - {Status.RETURNED}) | {Status.CLOSED, Status.CANCELLED}
        open_now = _count(select(Ticket).where(Ticket.status.in_(OPEN_STATUSES)))
        assert 50 <= open_now <= 75  # 3%
        callers = _count(select(Caller))
        assert 600 <= callers <= 700  # 0.3 a ticket, and the templates' own
        busiest = db.session.execute(select(Ticket.caller_id, func.count()).group_by(Ticket.caller_id)
                                     .order_by(func.count().desc()).limit(1)).one()
        assert busiest[1] >= 10  # someone rings again and again

        # every dispatched ticket has its work order, every open one its clocks and its timeline
        dispatched = select(Ticket.id).where(Ticket.dispatched_at.is_not(None))
        assert not _count(dispatched.where(~Ticket.id.in_(select(WorkOrder.ticket_id))))
        open_ids = select(Ticket.id).where(Ticket.status.in_(OPEN_STATUSES))
        assert not _count(open_ids.where(~Ticket.id.in_(select(SlaClock.ticket_id))))
        assert not _count(select(Ticket.id).where(~Ticket.id.in_(select(TicketEvent.ticket_id))))
        assert _count(select(Alert).where(Alert.acknowledged_at.is_(None))) > 0
        # nothing left for the sweep: every deadline up to now was recorded
        assert next_deadline(db.session) > NOW
        # not the small demo: a later `flask demo-data` leaves it as it is
        assert "nothing changed" in next(seed_demo())

        phone = db.session.scalar(select(Caller.phone).where(Caller.phone.like("+861%")).order_by(Caller.id.desc()).limit(1))
        theirs = _count(select(Ticket).join(Caller).where(Caller.phone == phone, ~Ticket.confidential))
        # the search indexes, set aside during the load, were built over every row
        cloned = db.session.scalar(select(Ticket.number).order_by(Ticket.id.desc()).limit(1))
        today = db.session.scalar(select(func.max(Ticket.number)).where(Ticket.number.like(f"{clock.local(NOW):%Y%m%d}-%")))
        token = create_token_for("op1", "test")[1]
        db.session.commit()

    auth = {"Authorization": f"Bearer {token}"}
    found = client.get(f"/api/v1/tickets?q={phone[3:]}", headers=auth).get_json()
    assert found["total"] == theirs > 0
    history = client.get(f"/api/v1/callers/{phone.replace('+', '%2B')}/tickets", headers=auth)
    assert history.status_code == 200
    made = client.post("/api/v1/tickets", headers=auth, json={
        "category": "leak", "matter": "楼下水管漏水", "channel": "phone",
        "caller": {"phone": phone[3:], "name": "测试"}, "address": "东湖区东湖路1号"})
    assert made.status_code == 201, made.get_json()
    day, seq = today.split("-")
    assert made.get_json()["number"] == f"{day}-{int(seq) + 1:04d}"
    fragment = client.get(f"/api/v1/tickets?q={cloned[4:]}", headers=auth).get_json()
    assert cloned in [t["number"] for t in fragment["items"]]
    # and kept up again afterwards: a new ticket is found by a word of its address
    assert made.get_json()["number"] in [
        t["number"] for t in client.get("/api/v1/tickets?q=东湖路1号", headers=auth).get_json()["items"]]
