"""Seats: signing in to a rostered shift, ready/busy/away, the sign-out log for more
than five minutes away, counts per person per shift; and the roster/seat API."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from hotline.core import clock
from hotline.core.errors import Conflict
from hotline.core.events import LiveEvent
from hotline.core.extensions import db
from hotline.duty.rosters import services as rosters
from hotline.duty.rosters.models import (
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftStaffing,
    ShiftTemplate,
)
from hotline.duty.seats import services
from hotline.duty.seats.models import AwayEntry, Seat, SeatState
from hotline.users.models import Role

DAY = date(2026, 11, 23)
AT_9 = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai


def _roster(users):
    """A published November roster: operator and dispatcher on the day shift of the 23rd,
    the supervisor on the night (16:30 to 08:30: day and night cover the clock)."""
    clock.freeze(AT_9)
    day = ShiftTemplate(code="day", name_en="Day", name_zh="白班", starts=time(8, 30), ends=time(16, 30), sort_order=1)
    day.staffing = [ShiftStaffing(role=Role.OPERATOR, min_count=1, max_count=4)]
    night = ShiftTemplate(code="night", name_en="Night", name_zh="夜班", starts=time(16, 30), ends=time(8, 30), sort_order=2)
    roster = Roster(month=date(2026, 11, 1), status=RosterStatus.PUBLISHED)
    db.session.add_all([day, night, roster, Seat(code="A01", name="A01"), Seat(code="A02", name="A02")])
    db.session.flush()
    for role in ("operator", "dispatcher"):
        db.session.add(RosterAssignment(roster_id=roster.id, day=DAY, template_id=day.id, user_id=users[role]))
    db.session.add(RosterAssignment(roster_id=roster.id, day=DAY, template_id=night.id, user_id=users["supervisor"]))
    db.session.commit()
    return {"day": day, "night": night}


@pytest.fixture
def on_shift(ctx, users):
    return _roster(users)


@pytest.fixture
def world(app, users, tokens):
    """The same roster for HTTP tests: set up in its own app context, which each
    request must not share (Flask-Login caches the user in `g`)."""
    with app.app_context():
        _roster(users)


def test_sign_in_to_the_current_rostered_shift(on_shift, user_of):
    op = user_of("operator")
    session = services.sign_in(op, "A01")
    db.session.commit()
    assert (session.template.code, session.day, session.state) == ("day", DAY, SeatState.READY)
    assert services.signed_in(op) is session
    assert services.signed_in(op, AT_9 + timedelta(hours=12)) is None  # long after the shift
    event = db.session.query(LiveEvent).filter_by(name="seat.changed").one()
    assert event.payload["username"] == "operator" and event.payload["seat"] == "A01" and event.unit_ids == []


def test_sign_in_refused_when_not_rostered_seat_taken_or_twice(on_shift, user_of):
    with pytest.raises(Conflict) as exc:
        services.sign_in(user_of("manager"), "A01")
    assert exc.value.details["code"] == "not_rostered"
    services.sign_in(user_of("operator"), "A01")
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.sign_in(user_of("dispatcher"), "A01")
    assert exc.value.details["code"] == "seat_taken"
    with pytest.raises(Conflict) as exc:
        services.sign_in(user_of("operator"), "A02")
    assert exc.value.details["code"] == "signed_in"


def test_the_incoming_shift_may_sign_in_within_the_hour_before(on_shift, user_of):
    lead = user_of("supervisor")
    with pytest.raises(Conflict):
        services.sign_in(lead, "A02")  # 09:00: the 16:30 night is too far off
    clock.freeze(datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc))  # 16:00
    session = services.sign_in(lead, "A02")
    assert (session.template.code, session.day) == ("night", DAY)


def test_away_more_than_five_minutes_is_written_to_the_sign_out_log(on_shift, user_of):
    session = services.sign_in(user_of("operator"), "A01")
    services.set_state(session, SeatState.BUSY, None, None)
    services.set_state(session, SeatState.AWAY, "restroom", None)
    clock.advance(timedelta(minutes=4))
    services.set_state(session, SeatState.READY, None, None)
    db.session.commit()
    assert db.session.query(AwayEntry).count() == 0  # four minutes: not logged
    services.set_state(session, SeatState.AWAY, "meal", session.version)
    clock.advance(timedelta(minutes=7, seconds=30))
    services.set_state(session, SeatState.READY, None, session.version)
    db.session.commit()
    entry = db.session.query(AwayEntry).one()
    assert (entry.reason, entry.minutes, entry.user.username, entry.seat.code) == ("meal", 7.5, "operator", "A01")
    assert entry.back_at - entry.left_at == timedelta(minutes=7, seconds=30)


def test_signing_out_while_away_logs_the_absence(on_shift, user_of):
    session = services.sign_in(user_of("operator"), "A01")
    services.set_state(session, SeatState.AWAY, "called to the supervisor", None)
    clock.advance(timedelta(minutes=6))
    services.sign_out(session, None)
    db.session.commit()
    assert db.session.query(AwayEntry).one().minutes == 6.0
    assert services.signed_in(user_of("operator")) is None


def test_stale_seat_version_is_a_conflict(on_shift, user_of):
    session = services.sign_in(user_of("operator"), "A01")
    db.session.commit()
    seen = session.version
    services.set_state(session, SeatState.BUSY, None, seen)
    db.session.commit()
    with pytest.raises(Conflict):
        services.set_state(session, SeatState.READY, None, seen)


def test_tickets_and_calls_counted_per_person_within_the_shift(on_shift, user_of, new_ticket):
    op = user_of("operator")
    clock.freeze(datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc))  # 08:00: before the shift
    new_ticket(call={"line": "main"})
    clock.freeze(AT_9)
    new_ticket(call={"line": "main"})
    new_ticket(call={"line": "main"})
    clock.freeze(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))  # 17:00: after it
    new_ticket(call={"line": "main"})
    s = rosters.slot(on_shift["day"], DAY)
    assert services.counts(op, s.starts_at, s.ends_at) == {"tickets": 2, "calls": 2}
    assert services.counts(user_of("dispatcher"), s.starts_at, s.ends_at) == {"tickets": 0, "calls": 0}


def test_on_duty_lists_signed_in_states_and_who_is_missing(on_shift, user_of):
    session = services.sign_in(user_of("operator"), "A01")
    services.set_state(session, SeatState.BUSY, None, None)
    db.session.commit()
    duty = services.on_duty()
    assert duty["shift"]["shift"] == "day" and not duty["nobody_on_duty"]
    assert [(p["username"], p["state"], p["seat"]) for p in duty["people"]] == [
        ("operator", "busy", "A01"), ("dispatcher", "not_signed_in", None)]


# --- the API ----------------------------------------------------------------------------------


def test_seat_api_sign_in_busy_and_on_duty(world, api):
    r = api("operator").post("/api/v1/seats/sign-in", json={"seat": "A01"})
    assert r.status_code == 201, r.json
    version = r.json["session"]["version"]
    r = api("operator").post("/api/v1/seats/state", json={"state": "busy", "version": version})
    assert r.status_code == 200 and r.json["session"]["state"] == "busy"
    r = api("operator").post("/api/v1/seats/state", json={"state": "ready", "version": version})
    assert r.status_code == 409 and r.json["code"] == "stale"
    r = api("operator").post("/api/v1/seats/state", json={"state": "away"})
    assert r.status_code == 422 and "reason" in r.json["fields"]
    r = api("operator").post("/api/v1/seats/state", json={"state": "asleep"})
    assert r.status_code == 422 and "state" in r.json["fields"]
    board = api("board").get("/api/v1/seats/on-duty")
    assert board.status_code == 200 and board.json["people"][0]["state"] == "busy"
    assert api("crew").get("/api/v1/seats/on-duty").status_code == 403
    assert api("manager").post("/api/v1/seats/sign-in", json={"seat": "A01"}).status_code == 403


def test_roster_api_draw_publish_and_request(world, api):
    r = api("supervisor").get("/api/v1/rosters/2026-12")
    assert r.status_code == 200 and r.json["status"] == "none"
    r = api("supervisor").post("/api/v1/rosters/2026-12/cells", json={"day": "2026-12-01", "shift": "day", "people": ["operator"]})
    assert r.status_code == 200 and r.json["cells"]["2026-12-01"]["day"] == ["operator"]
    version = r.json["version"]
    stale = api("supervisor").post("/api/v1/rosters/2026-12/cells", json={"day": "2026-12-02", "shift": "day", "people": [], "version": version - 1})
    assert stale.status_code == 409
    bad = api("supervisor").post("/api/v1/rosters/2026-12/cells", json={"day": "2026-11-30", "shift": "day", "people": ["nobody-such"]})
    assert bad.status_code == 422 and "people.0" in bad.json["fields"]
    assert api("supervisor").post("/api/v1/rosters/2026-13/cells", json={}).status_code == 422
    assert api("operator").post("/api/v1/rosters/2026-12/cells", json={"day": "2026-12-01", "shift": "day", "people": []}).status_code == 403
    # 24-hour center (day + night cover the clock) with empty shifts: refused, with the reason
    r = api("supervisor").post("/api/v1/rosters/2026-12/publish", json={"version": version, "confirm_gaps": True})
    assert r.status_code == 409 and r.json["code"] == "nobody_on_duty" and r.json["coverage"]["nobody_on_duty"]
    r = api("supervisor").post("/api/v1/rosters/2026-12/publish", json={"version": version, "override_reason": "drill month"})
    assert r.status_code == 200 and r.json["status"] == "published"
    assert r.json["history"][0]["kind"] == "override" and r.json["history"][0]["reason"] == "drill month"


def test_request_api_leave_then_decision(world, api):
    clock.freeze(datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc))  # the day before
    r = api("dispatcher").post("/api/v1/shift-requests", json={"kind": "leave", "day": "2026-11-23", "shift": "day", "reason": "doctor"})
    assert r.status_code == 201 and r.json["status"] == "pending"
    rid, version = r.json["id"], r.json["version"]
    assert api("dispatcher").post(f"/api/v1/shift-requests/{rid}/decision", json={"approve": True}).status_code == 403
    assert api("operator").get("/api/v1/shift-requests").json["items"] == []  # not theirs
    r = api("supervisor").post(f"/api/v1/shift-requests/{rid}/decision", json={"approve": True, "version": version, "substitute": "manager"})
    assert r.status_code == 200 and r.json["status"] == "approved" and r.json["substitute"]["username"] == "manager"
    day = api("supervisor").get("/api/v1/shifts/2026-11-23/day").json
    assert {p["username"] for p in day["people"]} == {"operator", "manager"}
    r = api("supervisor").post(f"/api/v1/shift-requests/{rid}/decision", json={"approve": False})
    assert r.status_code == 409


def test_swap_api_refused_when_it_would_leave_the_shift_without_an_operator(world, api):
    clock.freeze(datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc))
    r = api("operator").post("/api/v1/shift-requests", json={
        "kind": "swap", "day": "2026-11-23", "shift": "day", "reason": "exam",
        "partner": "supervisor", "partner_day": "2026-11-23", "partner_shift": "night"})
    assert r.status_code == 201, r.json
    decision = f"/api/v1/shift-requests/{r.json['id']}/decision"
    own = api("supervisor").post(decision, json={"approve": True})  # the swap's partner: four eyes
    assert own.status_code == 403 and own.json["code"] == "own_request"
    r = api("manager").post(decision, json={"approve": True})
    assert r.status_code == 409 and r.json["code"] == "coverage"
    assert r.json["gaps"] == [{"day": "2026-11-23", "shift": "day", "kind": "below_min", "role": "operator", "count": 0, "limit": 1}]


def test_templates_and_seats_are_admin_settings(app, api, users):
    r = api("admin").post("/api/v1/shift-templates", json={
        "code": "night", "name_en": "Night", "name_zh": "夜班", "starts": "23:30", "ends": "08:30",
        "staffing": [{"role": "operator", "min": 1, "max": 2}, {"role": "supervisor", "min": 1}]})
    assert r.status_code == 201 and r.json["overnight"] and len(r.json["staffing"]) == 2
    change = {"code": "night", "name_en": "Night", "name_zh": "夜班", "starts": "23:30", "ends": "08:30",
              "staffing": [{"role": "operator", "min": 2, "max": 3}]}
    blind = api("admin").post("/api/v1/shift-templates", json=change)  # not seen: never overwritten
    assert blind.status_code == 409 and blind.json["current_version"] == r.json["version"]
    stale = api("admin").post("/api/v1/shift-templates", json={**change, "version": r.json["version"] - 1})
    assert stale.status_code == 409
    r = api("admin").post("/api/v1/shift-templates", json={**change, "version": r.json["version"]})
    assert r.status_code == 200 and r.json["staffing"] == [{"role": "operator", "min": 2, "max": 3}]
    bad = api("admin").post("/api/v1/shift-templates", json={
        "code": "x", "name_en": "X", "name_zh": "X", "starts": "25:00", "ends": "08:30",
        "staffing": [{"role": "crew", "min": 3, "max": 1}]})
    assert bad.status_code == 422 and "starts" in bad.json["fields"]
    bad = api("admin").post("/api/v1/shift-templates", json={
        "code": "x", "name_en": "X", "name_zh": "X", "starts": "08:00", "ends": "09:00",
        "staffing": [{"role": "crew", "min": 3, "max": 1}]})
    assert bad.status_code == 422 and {"staffing.0.role", "staffing.0.max"} <= set(bad.json["fields"])
    assert api("supervisor").post("/api/v1/seats", json={"code": "B1", "name": "B1"}).status_code == 403
    created = api("admin").post("/api/v1/seats", json={"code": "B1", "name": "B1"})
    assert created.status_code == 201 and created.json["version"] == 1
    assert api("admin").post("/api/v1/seats", json={"code": "B1", "name": "Back"}).status_code == 409  # not seen
    renamed = api("admin").post("/api/v1/seats", json={"code": "B1", "name": "Back", "version": 1})
    assert renamed.status_code == 200 and renamed.json["name"] == "Back" and renamed.json["version"] == 2
    assert api("admin").post("/api/v1/seats", json={"code": "B1", "name": "Door", "version": 1}).status_code == 409


def test_pages_render_in_both_languages(world, session_client):
    for role, path in (("supervisor", "/rosters/2026-11"), ("operator", "/seat"), ("supervisor", "/seats/away-log"), ("board", "/board")):
        client, token = session_client(role)
        for locale in ("en", "zh_CN"):
            client.post("/settings", data={"locale": locale, "csrf_token": token})
            r = client.get(path)
            assert r.status_code == 200, (path, locale)
    assert "on-duty" in client.get("/board").get_data(as_text=True)
