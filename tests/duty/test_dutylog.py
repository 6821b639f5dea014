"""The duty log (值班日志): entries, the supervisor's daily review that closes a day,
and the search across past logs and handovers."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from hotline.core import clock
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.duty.dutylog import services
from hotline.duty.dutylog.schemas import EntryIn, LogQuery

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)  # 14:00 in Shanghai
TODAY = date(2026, 11, 23)


@pytest.fixture
def log(ctx, user_of):
    clock.freeze(NOW)
    return user_of


def test_entries_and_the_daily_review(log, new_ticket):
    op, lead = log("operator"), log("supervisor")
    ticket = new_ticket()
    services.add_entry(EntryIn(kind="fault", body="Line 3 headset crackles; IT called"), op)
    services.add_entry(EntryIn(kind="call", body="Mayor's office asked about the burst main", ticket=ticket.number), op)
    late = services.add_entry(EntryIn(kind="visit", body="Water bureau inspector", at=NOW - timedelta(hours=20)), op)
    db.session.commit()
    assert late.day == TODAY - timedelta(days=1)  # 18:00 local the day before
    assert [e.kind.value for e in services.entries_of(TODAY)] == ["fault", "call"]
    assert services.entries_of(TODAY)[1].ticket_id == ticket.id

    review = services.review_day(TODAY, "Checked; headset fault to follow up", lead)
    db.session.commit()
    assert review.entry_count == 2 and services.verify_review(review)
    with pytest.raises(Conflict):  # the day is closed
        services.add_entry(EntryIn(kind="event", body="one more"), op)
    db.session.rollback()
    with pytest.raises(Conflict):
        services.review_day(TODAY, None, lead)
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        services.review_day(TODAY + timedelta(days=1), None, lead)
    db.session.rollback()

    entry = services.entries_of(TODAY)[0]
    entry.body = "rewritten"
    with pytest.raises(Conflict):  # written once: even around the services
        db.session.flush()
    db.session.rollback()
    db.session.execute(text("UPDATE duty_log_entry SET body = 'rewritten' WHERE day = :d"), {"d": TODAY.isoformat()})
    db.session.commit()
    assert not services.verify_review(services.review_of(TODAY))


def test_bad_entries(log):
    op = log("operator")
    with pytest.raises(ValidationFailed) as future:
        services.add_entry(EntryIn(kind="event", body="x", at=NOW + timedelta(hours=1)), op)
    assert "at" in future.value.fields
    with pytest.raises(ValidationFailed) as unknown:
        services.add_entry(EntryIn(kind="event", body="x", ticket="20990101-9999"), op)
    assert "ticket" in unknown.value.fields


def test_search_finds_entries_and_handovers(log):
    from hotline.duty.handover.models import Handover

    op = log("operator")
    services.add_entry(EntryIn(kind="fault", body="Radio 2 battery dead"), op)
    services.add_entry(EntryIn(kind="visit", body="Inspector visited", at=NOW - timedelta(days=3)), op)
    db.session.add(Handover(shift_start=NOW - timedelta(hours=8), shift_end=NOW, outgoing_id=op.id, notes="Radio 2 left charging"))
    db.session.commit()

    hits, total = services.search(LogQuery(q="radio 2"))
    assert total == 2 and {h["type"] for h in hits} == {"entry", "handover"}
    hits, _ = services.search(LogQuery(q="radio", kind=["handover"]))
    assert [h["type"] for h in hits] == ["handover"]
    hits, _ = services.search(LogQuery.model_validate({"from": (TODAY - timedelta(days=4)).isoformat(), "to": (TODAY - timedelta(days=2)).isoformat()}))
    assert [h["row"].body for h in hits] == ["Inspector visited"]
    hits, _ = services.search(LogQuery(kind=["fault"]))
    assert [h["row"].body for h in hits] == ["Radio 2 battery dead"]


def test_api(app, api, users):
    clock.freeze(NOW)
    r = api("operator").post("/api/v1/duty-log", json={"kind": "event", "body": "Power cut in the north district 13:40"})
    assert r.status_code == 201 and r.json["author"]["username"] == "operator"
    assert api("operator").post("/api/v1/duty-log", json={"kind": "gossip", "body": "x"}).status_code == 422
    assert api("operator").post("/api/v1/duty-log", json={"kind": "event", "body": ""}).status_code == 422
    assert api("crew").post("/api/v1/duty-log", json={"kind": "event", "body": "x"}).status_code == 403
    assert api("operator").post("/api/v1/duty-log/reviews", json={"day": TODAY.isoformat()}).status_code == 403
    r = api("supervisor").post("/api/v1/duty-log/reviews", json={"day": TODAY.isoformat(), "comment": "ok"})
    assert r.status_code == 201 and r.json["verified"] is True and r.json["entry_count"] == 1
    assert api("supervisor").post("/api/v1/duty-log/reviews", json={"day": TODAY.isoformat()}).status_code == 409
    assert api("operator").post("/api/v1/duty-log", json={"kind": "event", "body": "late"}).status_code == 409
    day = api("dispatcher").get(f"/api/v1/duty-log?day={TODAY.isoformat()}").json
    assert len(day["entries"]) == 1 and day["review"]["reviewer"]["username"] == "supervisor"
    r = api("dispatcher").get("/api/v1/duty-log/search?q=power&kind=event")
    assert r.json["total"] == 1
    assert api("dispatcher").get("/api/v1/duty-log/search?kind=nonsense").status_code == 422
    assert api("dispatcher").get("/api/v1/duty-log?day=yesterday").status_code == 422
