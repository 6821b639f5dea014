"""The board's and the desk's window (hotline/live/board.py): with more open tickets than
a screen shows, the snapshot carries each lane's most urgent cards (emergencies, missed
deadlines, warned ones, then by priority and age, as deadline.js sorts) and counts all
of them; the wall board still sees no caller and the street only."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.live.board import BOARD_LANES, DESK_LANES
from hotline.sla.engine.summary import deadlines_for
from hotline.sla.models import SlaClock
from hotline.tickets.models import PRIORITY_RANK, Priority, Status, Ticket

WINDOW = 5
STATES = [Status.NEW, Status.RETURNED, Status.DISPATCHED, Status.ACCEPTED, Status.EN_ROUTE, Status.ON_SITE,
          Status.RESOLVED]


def _center(app, api, n: int = 90) -> None:
    """n open tickets through the API, then spread over the states, priorities and
    deadlines (missed, warned, running, paused) directly in the database."""
    for i in range(n):
        r = api("operator").post("/api/v1/tickets", json={
            "category": ["leak", "repair"][i % 2], "matter": "阀门井冒水", "address": f"{i} Harbour Street, flat {i}",
            "caller": {"phone": "13800138000", "name": "Wang Fang"}})
        assert r.status_code == 201, r.get_json()
    rng = random.Random(13)
    now = clock.now()
    with app.app_context():
        for t in db.session.scalars(select(Ticket)):
            t.status = rng.choice(STATES)
            t.priority = rng.choices(list(Priority), weights=[1, 2, 6, 2])[0]
            t.created_at = now - timedelta(minutes=rng.randrange(1, 5000))
            for c in db.session.scalars(select(SlaClock).where(SlaClock.ticket_id == t.id)):
                fate = rng.random()
                if fate < 0.35:  # missed
                    c.due_at, c.warn_at = now - timedelta(minutes=rng.randrange(1, 900)), now - timedelta(days=1)
                elif fate < 0.55:  # warned
                    c.due_at, c.warn_at = now + timedelta(minutes=rng.randrange(5, 300)), now - timedelta(minutes=1)
                elif fate < 0.65:  # paused
                    c.running_since = None
        db.session.commit()


def _expected(app, lanes: dict) -> tuple[dict[str, list[str]], dict[str, dict]]:
    """Every open ticket ranked as the pages rank cards (deadline.js lateFirst), per lane."""
    now = clock.now()
    with app.app_context():
        tickets = db.session.scalars(select(Ticket).where(Ticket.status.in_([s for g in lanes.values() for s in g]))).all()
        deadlines = deadlines_for(db.session, [t.id for t in tickets])

    def state(sla):
        if not sla or sla["paused"]:
            return 2
        due, warn = (datetime.fromisoformat(sla[k]) if sla[k] else None for k in ("due_at", "warn_at"))
        if sla["breached"] or (due and due <= now):
            return 0
        return 1 if sla["warned"] or (warn and warn <= now) else 2

    def key(t):
        sla = deadlines.get(t.id)
        rank = state(sla)
        return (t.priority != Priority.EMERGENCY, rank, sla["due_at"] if rank < 2 else "", PRIORITY_RANK[t.priority],
                t.created_at, t.id)

    order, counts = {}, {}
    for name, statuses in lanes.items():
        lane = sorted((t for t in tickets if t.status in statuses), key=key)
        order[name] = [t.number for t in lane]
        ranks = [state(deadlines.get(t.id)) for t in lane]
        counts[name] = {"total": len(lane), "late": ranks.count(0), "warned": ranks.count(1),
                        "emergency": sum(t.priority == Priority.EMERGENCY for t in lane)}
    return order, counts


def _check(snap: dict, order: dict, counts: dict, window: int) -> None:
    for name, numbers in order.items():
        shown = [c["number"] for c in snap["tickets"] if c["number"] in set(numbers)]
        assert shown == numbers[:window], name
        lane = snap["lanes"][name]
        assert {k: lane[k] for k in ("total", "late", "warned", "emergency")} == counts[name], name
        assert lane["more"]["total"] == max(0, counts[name]["total"] - window)


def test_board_snapshot_shows_the_most_urgent_of_each_column_and_counts_the_rest(app, api):
    _center(app, api)
    order, counts = _expected(app, BOARD_LANES)
    assert all(len(numbers) > WINDOW for numbers in order.values())  # every column has more than it shows
    assert sum(c["late"] for c in counts.values()) and sum(c["warned"] for c in counts.values())
    snap = api("board").get(f"/api/v1/board?per_lane={WINDOW}").get_json()
    assert snap["window"] == WINDOW
    assert len(snap["tickets"]) == WINDOW * len(BOARD_LANES)
    _check(snap, order, counts, WINDOW)
    # A lane's late/warned beyond the window: the counts less the cards' own.
    for lane in snap["lanes"].values():
        assert lane["more"]["late"] <= lane["late"] and lane["more"]["warned"] <= lane["warned"]
    # The wall board: no caller, the street only.
    for card in snap["tickets"]:
        assert "caller" not in card and "Wang" not in str(card)
        assert "flat" not in (card["street"] or "")
    # The default window and its cap.
    assert api("board").get("/api/v1/board").get_json()["window"] == 12
    assert api("board").get("/api/v1/board?per_lane=0").status_code == 422
    assert api("board").get("/api/v1/board?per_lane=201").status_code == 422


def test_desk_snapshot_applies_its_filters_on_the_server(app, api):
    _center(app, api)
    order, counts = _expected(app, DESK_LANES)
    snap = api("dispatcher").get(f"/api/v1/desk/board?per_lane={WINDOW}").get_json()
    _check(snap, order, counts, WINDOW)
    late = api("dispatcher").get(f"/api/v1/desk/board?per_lane={WINDOW}&late=late&priority=normal").get_json()
    for name, lane in late["lanes"].items():
        assert lane["all"] == counts[name]["total"]  # the count without the filters
        assert lane["total"] == lane["late"] > 0
    cards = late["tickets"]
    assert cards and all(c["priority"] == "normal" for c in cards)
    assert all(c["sla"] and (c["sla"]["breached"] or datetime.fromisoformat(c["sla"]["due_at"]) <= clock.now())
               for c in cards)
    assert api("board").get("/api/v1/desk/board").status_code == 403  # the desk: dispatchers
    assert api("dispatcher").get("/api/v1/desk/board?late=soon").status_code == 422
