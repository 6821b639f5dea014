"""The handover (交接班): what it collects, when it is refused, the override, the two
signatures, the ownership that passes, the lock, addenda and the checksum. Service
rules first, then the API (422, 403, 409)."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from fixtures.app import PASSWORD
from sqlalchemy import select, text

from hotline.core import clock
from hotline.core.errors import Conflict, Forbidden, ValidationFailed
from hotline.core.extensions import db
from hotline.duty.handover import checksum, services, standing
from hotline.duty.handover.models import (
    ChecklistItem,
    Flag,
    Handover,
    HandoverItem,
    ItemKind,
    Review,
    StandingItem,
    StandingKind,
)
from hotline.duty.handover.schemas import HandoverUpdate, StandingItemIn
from hotline.duty.rosters.models import (
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftTemplate,
)
from hotline.duty.seats.models import Seat, SeatSession
from hotline.sla.models import Escalation, SlaClock, Stage
from hotline.tickets.models import Ticket
from hotline.users.models import Role, User
from hotline.users.services import create_user

DAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 8, 10, tzinfo=timezone.utc)  # 16:10 in Shanghai: the day shift ends at 16:30


@pytest.fixture
def center(ctx, users, user_of):
    """A day and an evening shift; the operator on days, a second operator ("op2") on
    the evening; op2 signed in to a seat for the evening shift. Two checklist lines."""
    clock.freeze(NOW - timedelta(hours=6))
    day = ShiftTemplate(code="day", name_en="Day", name_zh="白班", starts=time(8, 30), ends=time(16, 30))
    evening = ShiftTemplate(code="evening", name_en="Evening", name_zh="中班", starts=time(16, 30), ends=time(23, 30))
    op, op2 = user_of("operator"), create_user("op2", PASSWORD, Role.OPERATOR, "Second Operator")
    roster = Roster(month=date(2026, 11, 1), status=RosterStatus.PUBLISHED)
    db.session.add_all([
        day, evening, roster,
        RosterAssignment(roster=roster, day=DAY, template=day, user_id=op.id),
        RosterAssignment(roster=roster, day=DAY, template=evening, user_id=op2.id),
        ChecklistItem(name="Keys", expected=3, sort_order=1),
        ChecklistItem(name="Radios", expected=2, sort_order=2),
    ])
    db.session.commit()
    seat = Seat(code="A02", name="A02")
    sign_in = lambda user, template: db.session.add(  # noqa: E731
        SeatSession(user=user, seat=seat, template=template, day=DAY, signed_in_at=clock.now(), state_since=clock.now())
    )
    return {"op": op, "op2": op2, "day": day, "evening": evening, "sign_in": sign_in}


@pytest.fixture
def shift_work(center, new_ticket):
    """During the day shift: an emergency, a normal open ticket, and a consultation
    answered on the call (handled, closed)."""
    clock.freeze(NOW - timedelta(minutes=30))
    emergency = new_ticket(priority="emergency", matter="Main burst on Station Road")
    normal = new_ticket(matter="Meter reads wrong")
    answered = new_ticket(category="consultation", matter="When is the water back?", answer="At 18:00")
    clock.freeze(NOW)
    center["sign_in"](center["op2"], center["evening"])
    db.session.commit()
    return {"emergency": emergency, "normal": normal, "answered": answered}


def _item(h: Handover, ticket: Ticket) -> HandoverItem:
    return next(i for i in h.items if i.ticket_id == ticket.id)


def _prepare(h: Handover, op: User, steps: bool = True, counts=(3, 2)) -> None:
    """The outgoing person writes a next step for every ticket and counts the checklist."""
    data = HandoverUpdate(
        version=h.version,
        notes="Quiet afternoon apart from the burst main.",
        items=[{"id": i.id, "next_step": f"Follow up {i.summary['number']}"} for i in h.items if i.kind == ItemKind.TICKET and steps],
        counts=[{"id": c.id, "counted": n} for c, n in zip(h.counts, counts)],
    )
    services.update_handover(h, data, op)
    db.session.commit()


def _acknowledge_all(h: Handover, op2: User) -> None:
    for item in h.items:
        if item.must_acknowledge:
            services.review_item(h, item.id, "acknowledge", None, op2, h.version)
    db.session.commit()


def _sign_both(h: Handover, center) -> None:
    services.sign(h, center["op"], PASSWORD, h.version)
    services.sign(h, center["op2"], PASSWORD, h.version)
    db.session.commit()


# --- what the system fills in ---------------------------------------------------------------------


def test_open_collects_the_shift(center, shift_work):
    db.session.add(StandingItem(kind=StandingKind.EQUIPMENT_FAULT, title="Line 3 headset crackles", opened_by_id=center["op"].id))
    db.session.commit()
    h = services.open_handover(center["op"], None)
    db.session.commit()

    assert h.shift_template_id == center["day"].id and h.next_template_id == center["evening"].id
    assert h.incoming_id == center["op2"].id  # signed in for the next shift: named by default
    emergency = _item(h, shift_work["emergency"])
    # (the SLA engine may have flagged it too: an emergency escalates at once)
    assert emergency.kind == ItemKind.TICKET and emergency.flags[0] == Flag.EMERGENCY and emergency.flags[-1] == Flag.CARRIED
    assert emergency.summary["number"] == shift_work["emergency"].number
    assert _item(h, shift_work["normal"]).flags == [Flag.CARRIED]
    assert _item(h, shift_work["answered"]).kind == ItemKind.HANDLED
    assert h.items[0].id == emergency.id  # emergencies first
    assert [i.summary["title"] for i in h.items if i.kind == ItemKind.STANDING] == ["Line 3 headset crackles"]
    assert [(c.name, c.expected, c.counted) for c in h.counts] == [("Keys", 3, None), ("Radios", 2, None)]

    with pytest.raises(Conflict):  # one open handover per person
        services.open_handover(center["op"], None)


def test_deadlines_and_escalations_are_flagged(center, shift_work, user_of):
    """A ticket of someone else's, past its deadline and escalated: flagged, to be
    acknowledged, but not carried over (it is not this shift's)."""
    other = shift_work["normal"]
    other.owner_id = user_of("supervisor").id
    db.session.add_all([
        SlaClock(ticket_id=other.id, stage=Stage.ARRIVE, budget_seconds=3600, started_at=NOW - timedelta(hours=2),
                 running_since=NOW - timedelta(hours=2), due_at=NOW - timedelta(hours=1), breached_at=NOW - timedelta(hours=1)),
        Escalation(ticket_id=other.id, reason="breach", level=2, started_at=NOW - timedelta(hours=1)),
    ])
    db.session.commit()
    h = services.open_handover(center["op"], "op2")
    item = _item(h, other)
    assert item.flags == [Flag.OVERDUE, Flag.ESCALATED]
    assert item.must_acknowledge and not item.carried
    assert item.summary["escalation_level"] == 2 and item.summary["due_at"]


# --- refusals and the override ---------------------------------------------------------------------


def _codes(exc) -> set[str]:
    return {b["code"] for b in exc.value.details["blockers"]}


def test_unresolved_emergency_without_plan_is_refused_unless_overridden(center, shift_work, user_of):
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"], steps=False)
    services.update_handover(h, HandoverUpdate(version=h.version, items=[{"id": _item(h, shift_work["normal"]).id, "next_step": "Call back at 9"}]), center["op"])
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        services.sign(h, center["op"], PASSWORD, h.version)
    assert _codes(refused) == {"emergency_without_plan"}
    db.session.rollback()

    with pytest.raises(Forbidden):  # an operator cannot lift it
        services.override(h, "I say so", center["op"], h.version)
    supervisor = user_of("supervisor")
    services.override(h, "Crew on site; the evening lead takes the plan over by radio", supervisor, h.version)
    db.session.commit()
    _acknowledge_all(h, center["op2"])
    _sign_both(h, center)

    assert h.is_signed
    [record] = h.overrides
    assert record.by_id == supervisor.id and record.codes == ["emergency_without_plan"]
    assert "evening lead" in record.reason
    assert checksum.verify(h).ok  # the override is part of the signed record
    assert checksum.signed_content(h)["overrides"][0]["reason"] == record.reason


def test_incomplete_checklist_is_refused(center, shift_work):
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"], counts=(3,))  # radios not counted
    with pytest.raises(Conflict) as refused:
        services.sign(h, center["op"], PASSWORD, h.version)
    assert _codes(refused) == {"checklist_incomplete"}
    db.session.rollback()

    radios = h.counts[1]
    services.update_handover(h, HandoverUpdate(version=h.version, counts=[{"id": radios.id, "counted": 1}]), center["op"])
    db.session.commit()
    with pytest.raises(Conflict) as refused:  # one short, and no word why
        services.sign(h, center["op"], PASSWORD, h.version)
    assert _codes(refused) == {"checklist_incomplete"}
    db.session.rollback()

    services.update_handover(h, HandoverUpdate(version=h.version, counts=[{"id": radios.id, "counted": 1, "note": "Radio 2 at the workshop, ticket R-17"}]), center["op"])
    db.session.commit()
    services.sign(h, center["op"], PASSWORD, h.version)
    assert h.outgoing_signed_at is not None


def test_incoming_not_signed_in_for_the_next_shift_is_refused(center, new_ticket):
    clock.freeze(NOW)
    # op2 is signed in, but to the day shift (the one ending), not the evening one.
    center["sign_in"](center["op2"], center["day"])
    db.session.commit()
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"])
    with pytest.raises(Conflict) as refused:
        services.sign(h, center["op"], PASSWORD, h.version)
    assert _codes(refused) == {"incoming_not_signed_in"}
    db.session.rollback()

    session = db.session.scalar(select(SeatSession).where(SeatSession.user_id == center["op2"].id))
    session.signed_out_at = clock.now()
    center["sign_in"](center["op2"], center["evening"])
    db.session.commit()
    services.sign(h, center["op"], PASSWORD, h.version)
    assert h.outgoing_signed_at is not None


def test_flagged_items_must_be_acknowledged_and_a_dispute_needs_a_note(center, shift_work):
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"])
    services.sign(h, center["op"], PASSWORD, h.version)  # the outgoing may sign first
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        services.sign(h, center["op2"], PASSWORD, h.version)
    assert _codes(refused) == {"not_acknowledged"}
    db.session.rollback()

    emergency = _item(h, shift_work["emergency"])
    with pytest.raises(ValidationFailed):
        services.review_item(h, emergency.id, "dispute", None, center["op2"], h.version)
    db.session.rollback()
    with pytest.raises(Forbidden):  # the outgoing person cannot acknowledge for the incoming one
        services.review_item(h, emergency.id, "acknowledge", None, center["op"], h.version)
    db.session.rollback()
    services.review_item(h, emergency.id, "dispute", "Which crew is on site?", center["op2"], h.version)
    db.session.commit()
    assert emergency.review == Review.DISPUTED

    # The outgoing answers by rewriting the plan: that withdraws the outgoing signature
    # (it covered the old text) and puts the item back to be reviewed.
    services.update_handover(h, HandoverUpdate(version=h.version, items=[{"id": emergency.id, "next_step": "North crew 1 on site; call the lead at 17:00"}]), center["op"])
    db.session.commit()
    assert h.outgoing_signed_at is None and emergency.review == Review.PENDING
    _acknowledge_all(h, center["op2"])
    with pytest.raises(ValidationFailed):
        services.sign(h, center["op2"], "not my password", h.version)
    db.session.rollback()
    _sign_both(h, center)
    assert h.is_signed


# --- signing: ownership, lock, addendum, checksum -----------------------------------------------------


def test_signing_moves_ownership_and_locks_the_record(center, shift_work):
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"])
    _acknowledge_all(h, center["op2"])
    _sign_both(h, center)

    op2 = center["op2"]
    for key in ("emergency", "normal"):
        ticket = db.session.get(Ticket, shift_work[key].id)
        assert ticket.owner_id == op2.id
        [event] = [e for e in ticket.events if e.kind == "handed_over"]
        assert event.changes == {"owner": [center["op"].display_name, op2.display_name]}
        assert event.actor_id == op2.id and f"handover #{h.id}" in event.message
    assert db.session.get(Ticket, shift_work["answered"].id).owner_id is None  # closed: nothing to carry

    with pytest.raises(Conflict, match="signed and locked"):
        services.update_handover(h, HandoverUpdate(version=h.version, notes="changed my mind"), center["op"])
    db.session.rollback()
    with pytest.raises(Conflict):
        services.review_item(h, h.items[0].id, "dispute", "late", op2, h.version)
    db.session.rollback()
    # Even around the services, the database row is guarded.
    h.notes = "sneaky"
    with pytest.raises(Conflict):
        db.session.flush()
    db.session.rollback()

    addendum = services.add_addendum(h, "The crew finished at 19:40; water back on.", op2)
    db.session.commit()
    assert h.addenda == [addendum] and h.notes == "Quiet afternoon apart from the burst main."
    assert checksum.verify(h).ok


def test_checksum_verifies_and_detects_a_tampered_row(center, shift_work):
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"])
    _acknowledge_all(h, center["op2"])
    _sign_both(h, center)
    services.add_addendum(h, "Noted later.", center["op"])
    db.session.commit()
    result = checksum.verify(h)
    assert result.ok and result.stored == result.computed and len(result.stored) == 64

    item_id = _item(h, shift_work["emergency"]).id
    db.session.execute(text("UPDATE handover_item SET next_step = 'nothing to do' WHERE id = :id"), {"id": item_id})
    db.session.commit()
    db.session.expire_all()
    tampered = checksum.verify(db.session.get(Handover, h.id))
    assert not tampered.ok and tampered.computed != tampered.stored

    db.session.execute(text("UPDATE handover_item SET next_step = :s WHERE id = :id"), {"s": f"Follow up {shift_work['emergency'].number}", "id": item_id})
    db.session.execute(text("UPDATE handover_addendum SET body = 'Changed later.'"))
    db.session.commit()
    db.session.expire_all()
    result = checksum.verify(db.session.get(Handover, h.id))
    assert result.computed == result.stored and not result.ok and not result.addenda[0]["ok"]


def test_refresh_keeps_written_steps_and_adds_new_work(center, shift_work, new_ticket):
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"])
    later = new_ticket(matter="Came in during the handover")
    services.refresh(h, center["op"], h.version)
    db.session.commit()
    assert _item(h, later).next_step is None
    assert _item(h, shift_work["normal"]).next_step == f"Follow up {shift_work['normal'].number}"
    assert db.session.scalar(select(db.func.count()).select_from(HandoverItem).where(HandoverItem.handover_id == h.id)) == len(h.items)


def test_standing_items_open_until_closed(center, user_of):
    item = standing.add_standing_item(StandingItemIn(kind="instruction", title="No water cut notices by SMS this week", source="Office"), center["op"])
    db.session.commit()
    assert standing.open_standing_items() == [item]
    with pytest.raises(Conflict):
        standing.close_standing_item(item.id, "done", center["op"], item.version + 1)
    standing.close_standing_item(item.id, "Instruction withdrawn", user_of("supervisor"), item.version)
    db.session.commit()
    assert standing.open_standing_items() == []


# --- the API --------------------------------------------------------------------------------------------


@pytest.fixture
def http(app, center, shift_work):
    """The service fixtures hold an app context open; a request made inside it would share
    its `g` with the test, and Flask-Login caches the first caller's user there. So the
    requests run outside it: the set-up's ticket numbers are read first."""
    import flask

    numbers = {key: ticket.number for key, ticket in shift_work.items()}
    app_ctx = flask.globals._cv_app.get()
    app_ctx.pop()
    yield numbers
    app_ctx.push()


@pytest.fixture
def as_op(app, http):
    """Session clients for the outgoing and incoming operators."""
    from fixtures.app import login

    def client_for(username):
        c = app.test_client()
        response, _ = login(c, username)
        assert response.status_code == 302
        token = c.get("/handover").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
        c.environ_base["HTTP_X_CSRFTOKEN"] = token
        return c

    return client_for


def test_api_full_handover(as_op, http):
    out, inc = as_op("operator"), as_op("op2")
    r = out.post("/api/v1/handovers", json={"incoming": "op2"})
    assert r.status_code == 201, r.json
    h = r.json
    assert {b["code"] for b in h["blockers"]} >= {"emergency_without_plan", "checklist_incomplete", "not_acknowledged"}
    steps = [{"id": i["id"], "next_step": "Chase the crew"} for i in h["items"] if i["must_acknowledge"]]
    counts = [{"id": c["id"], "counted": c["expected"]} for c in h["counts"]]
    r = out.patch(f"/api/v1/handovers/{h['id']}", json={"version": h["version"], "items": steps, "counts": counts})
    assert r.status_code == 200, r.json
    version = r.json["version"]
    r = out.post(f"/api/v1/handovers/{h['id']}/sign", json={"version": version, "password": PASSWORD})
    assert r.status_code == 200, r.json
    version = r.json["version"]
    for item in r.json["items"]:
        if item["must_acknowledge"]:
            r = inc.post(f"/api/v1/handovers/{h['id']}/items/{item['id']}/review", json={"version": version, "decision": "acknowledge"})
            assert r.status_code == 200, r.json
            version = r.json["version"]
    r = inc.post(f"/api/v1/handovers/{h['id']}/sign", json={"version": version, "password": PASSWORD})
    assert r.status_code == 200 and r.json["status"] == "signed" and len(r.json["checksum"]) == 64

    r = out.patch(f"/api/v1/handovers/{h['id']}", json={"version": r.json["version"], "notes": "too late"})
    assert r.status_code == 409 and "addendum" in r.json["error"]
    r = inc.post(f"/api/v1/handovers/{h['id']}/addenda", json={"body": "Crew finished 19:40."})
    assert r.status_code == 201 and r.json["addendum"] is True
    assert out.get(f"/api/v1/handovers/{h['id']}/verify").json["ok"] is True
    r = out.get(f"/api/v1/tickets/{http['normal']}")
    assert any(e["kind"] == "handed_over" for e in r.json["timeline"])


def test_api_refusal_shows_the_reasons_and_stale_version_is_409(as_op, http):
    out = as_op("operator")
    h = out.post("/api/v1/handovers", json={"incoming": "op2"}).json
    r = out.post(f"/api/v1/handovers/{h['id']}/sign", json={"version": h["version"], "password": PASSWORD})
    assert r.status_code == 409
    assert {b["code"] for b in r.json["blockers"]} == {"emergency_without_plan", "missing_next_step", "checklist_incomplete"}
    assert all(b["message"] for b in r.json["blockers"])

    assert out.patch(f"/api/v1/handovers/{h['id']}", json={"version": h["version"], "notes": "first"}).status_code == 200
    r = out.patch(f"/api/v1/handovers/{h['id']}", json={"version": h["version"], "notes": "second, from an old page"})
    assert r.status_code == 409 and r.json["current_version"] == h["version"] + 1


@pytest.mark.parametrize("path,body,field", [
    ("/api/v1/handovers", {"incoming": "nobody-by-that-name"}, "incoming"),
    ("/api/v1/handovers", {"incoming": 5}, "incoming"),
    ("/api/v1/handovers", {"surprise": 1}, "surprise"),
    ("/api/v1/standing-items", {"kind": "gossip", "title": "x"}, "kind"),
    ("/api/v1/standing-items", {"kind": "message", "title": ""}, "title"),
    ("/api/v1/handover-checklist", {"items": [{"name": "Keys", "expected": -1}]}, "items.0.expected"),
])
def test_api_bad_input_is_422(api, http, path, body, field):
    method = "put" if path.endswith("checklist") else "post"
    r = getattr(api("supervisor"), method)(path, json=body)
    assert r.status_code == 422, r.json
    assert field in r.json["fields"]


def test_api_bad_edits_are_422(api, http):
    h = api("operator").post("/api/v1/handovers", json={"incoming": "op2"}).json
    base = f"/api/v1/handovers/{h['id']}"
    for body, field in [
        ({"version": h["version"], "counts": [{"id": h["counts"][0]["id"], "counted": -3}]}, "counts.0.counted"),
        ({"version": h["version"], "items": [{"id": 999999, "next_step": "x"}]}, "items.0.id"),
        ({"notes": "no version"}, "version"),
        ({"version": h["version"], "incoming": "operator"}, "incoming"),
    ]:
        r = api("operator").patch(base, json=body)
        assert r.status_code == 422 and field in r.json["fields"], (body, r.json)
    r = api("operator").post(f"{base}/sign", json={"version": h["version"], "password": ""})
    assert r.status_code == 422 and "password" in r.json["fields"]


def test_api_roles(api, http):
    h = api("operator").post("/api/v1/handovers", json={"incoming": "op2"}).json
    base = f"/api/v1/handovers/{h['id']}"
    assert api("crew").get("/api/v1/handovers").status_code == 403
    assert api("board").get(base).status_code == 403
    # A dispatcher may read, but the handover is not theirs to prepare or sign.
    assert api("dispatcher").get(base).status_code == 200
    assert api("dispatcher").patch(base, json={"version": h["version"], "notes": "x"}).status_code == 403
    assert api("dispatcher").post(f"{base}/sign", json={"version": h["version"], "password": PASSWORD}).status_code == 403
    assert api("operator").post(f"{base}/override", json={"version": h["version"], "reason": "x"}).status_code == 403
    assert api("supervisor").post(f"{base}/override", json={"version": h["version"], "reason": "Lead on the floor"}).status_code == 201
    assert api("operator").put("/api/v1/handover-checklist", json={"items": []}).status_code == 403


def test_pages_render_in_both_languages(as_op, http):
    out = as_op("operator")
    h = out.post("/api/v1/handovers", json={"incoming": "op2"}).json
    for lang in ("en", "zh-CN"):
        headers = {"Accept-Language": lang}
        for path in ("/handover", f"/handover/{h['id']}", f"/handover/{h['id']}/print", "/duty-log", "/duty-log/search?q=x&kind=fault"):
            r = out.get(path, headers=headers)
            assert r.status_code == 200, (path, r.get_data(as_text=True)[-2000:])
    page = out.get(f"/handover/{h['id']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "An emergency is unresolved and has no written plan." in page
    assert http["emergency"] in page


def test_wrong_signature_passwords_count_towards_the_sign_in_lockout(app, as_op, http):
    """The password re-entered to sign is checked like a sign-in: the failures count
    (and stay counted though the request fails), and a locked name can neither sign
    nor sign in from that address."""
    from fixtures.app import login

    out = as_op("operator")
    h = out.post("/api/v1/handovers", json={"incoming": "op2"}).json
    sign = f"/api/v1/handovers/{h['id']}/sign"
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        r = out.post(sign, json={"version": h["version"], "password": "a guess"})
        assert r.status_code == 422 and r.json["codes"]["password"] == "wrong_password"
    r = out.post(sign, json={"version": h["version"], "password": PASSWORD})
    assert r.status_code == 422 and r.json["codes"]["password"] == "wrong_password"  # locked: refused
    assert login(app.test_client(), "operator")[0].status_code == 429


# --- issue 12: collected again before each signature, carried steps, ack-all, timing ---------------


def test_emergency_logged_after_opening_blocks_both_signatures_and_passes_to_the_incoming(as_op, http):
    """The handover is prepared and reviewed; then an emergency is logged. Signing collects
    again: the emergency appears, the refusal names its number, and it stays on the handover
    though the signature was refused. Reviewed and planned, it passes with the others."""
    out, inc = as_op("operator"), as_op("op2")
    h = out.post("/api/v1/handovers", json={"incoming": "op2"}).json
    base = f"/api/v1/handovers/{h['id']}"
    steps = [{"id": i["id"], "next_step": "Chase the crew"} for i in h["items"] if i["must_acknowledge"]]
    counts = [{"id": c["id"], "counted": c["expected"]} for c in h["counts"]]
    version = out.patch(base, json={"version": h["version"], "items": steps, "counts": counts}).json["version"]
    version = inc.post(f"{base}/acknowledge-all", json={"version": version}).json["version"]

    r = out.post("/api/v1/tickets", json={"category": "repair", "priority": "emergency", "matter": "Gas smell at the pump house",
                                          "caller": {"phone": "13800138001"}})
    assert r.status_code == 201, r.json
    late = r.json["number"]

    r = out.post(f"{base}/sign", json={"version": version, "password": PASSWORD})
    assert r.status_code == 409
    assert r.json["code"] == "handover_refused" and late in r.json["tickets"] and r.json["arrived"] == [late]
    arrived = next(b for b in r.json["blockers"] if b["code"] == "arrived_unreviewed")
    assert arrived["tickets"] == [late] and late in arrived["message"] and not arrived["overridable"]
    assert late in r.json["error"]  # the English names it, not only item ids
    zh = out.post(f"{base}/sign", json={"version": r.json["current_version"], "password": PASSWORD},
                  headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 409 and late in zh.json["message"] and "工单" in zh.json["message"]

    h = out.get(base).json  # kept though the signature was refused
    item = next(i for i in h["items"] if i["summary"]["number"] == late)
    assert item["arrived"] and item["carried"] and "emergency" in item["flags"] and h["items"][0]["id"] == item["id"]
    assert {b["code"] for b in h["blockers"]} >= {"arrived_unreviewed", "emergency_without_plan", "not_acknowledged"}
    # The incoming person's signature is refused for it too.
    r = inc.post(f"{base}/sign", json={"version": h["version"], "password": PASSWORD})
    assert r.status_code == 409 and late in r.json["tickets"]

    version = out.patch(base, json={"version": inc.get(base).json["version"],
                                    "items": [{"id": item["id"], "next_step": "Gas company called; area cordoned"}]}).json["version"]
    version = inc.post(f"{base}/acknowledge-all", json={"version": version}).json["version"]
    version = out.post(f"{base}/sign", json={"version": version, "password": PASSWORD}).json["version"]
    r = inc.post(f"{base}/sign", json={"version": version, "password": PASSWORD})
    assert r.status_code == 200 and r.json["status"] == "signed"
    assert out.get(f"{base}/verify").json["ok"] is True
    [passed] = [e for e in out.get(f"/api/v1/tickets/{late}").json["timeline"] if e["kind"] == "handed_over"]
    assert f"handover #{h['id']}" in passed["message"] and "Second Operator" in str(passed)


def test_a_deadline_missed_after_opening_is_marked_again(center, shift_work):
    """A carried ticket whose deadline passes while handing over: flagged overdue and arrived,
    its review withdrawn, and the outgoing signature refused naming it."""
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"])
    _acknowledge_all(h, center["op2"])
    normal = shift_work["normal"]
    db.session.add(SlaClock(ticket_id=normal.id, stage=Stage.ARRIVE, budget_seconds=60, started_at=NOW - timedelta(hours=1),
                            running_since=NOW - timedelta(hours=1), due_at=NOW - timedelta(minutes=1), breached_at=NOW))
    db.session.commit()
    with pytest.raises(services.Refused) as refused:
        services.sign(h, center["op"], PASSWORD, h.version)
    assert normal.number in refused.value.details["tickets"]
    item = _item(h, normal)
    assert Flag.OVERDUE in item.flags and item.arrived and item.review == Review.PENDING


def test_next_steps_carry_over_from_the_last_handover_and_the_latest_note(center, shift_work):
    from hotline.tickets.services import add_note

    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"])
    _acknowledge_all(h, center["op2"])
    _sign_both(h, center)

    # The evening: op2 hands over to op. One ticket got a note since; the other did not.
    clock.freeze(NOW + timedelta(hours=2))
    add_note(shift_work["normal"], "Meter fitter booked for 9:00 tomorrow", center["op2"])
    db.session.commit()
    clock.freeze(NOW + timedelta(hours=3))
    evening = services.open_handover(center["op2"], "operator")
    db.session.commit()
    emergency, normal = _item(evening, shift_work["emergency"]), _item(evening, shift_work["normal"])
    assert emergency.next_step == f"Follow up {shift_work['emergency'].number}" and emergency.next_step_source == f"handover:{h.id}"
    assert normal.next_step == "Meter fitter booked for 9:00 tomorrow" and normal.next_step_source.startswith("note:")
    assert {b.code for b in services.blockers(evening)}.isdisjoint({"emergency_without_plan", "missing_next_step"})

    # Rewritten by the outgoing person, it is theirs: the source goes.
    services.update_handover(evening, HandoverUpdate(version=evening.version, items=[{"id": normal.id, "next_step": "Fitter at 9"}]), center["op2"])
    assert normal.next_step_source is None


def test_acknowledge_all_on_a_handover_of_55_tickets_is_one_request(as_op, http, app, new_ticket):
    """The demo's size: about 55 open tickets. Prepared with one save, acknowledged with one
    call (disputed items stay disputed), signed: five requests for the two people."""
    app_ctx = app.app_context()
    app_ctx.push()
    try:
        for n in range(53):
            new_ticket(matter=f"Low pressure at block {n}")
    finally:
        app_ctx.pop()
    out, inc = as_op("operator"), as_op("op2")
    requests = 0

    def call(client, method, path, body):
        nonlocal requests
        requests += 1
        r = getattr(client, method)(path, json=body)
        assert r.status_code in (200, 201), r.json
        return r.json

    h = call(out, "post", "/api/v1/handovers", {"incoming": "op2"})
    tickets = [i for i in h["items"] if i["must_acknowledge"]]
    assert len(tickets) == 55
    base = f"/api/v1/handovers/{h['id']}"
    h = call(out, "patch", base, {"version": h["version"], "items": [{"id": i["id"], "next_step": "Crew booked"} for i in tickets],
                                  "counts": [{"id": c["id"], "counted": c["expected"]} for c in h["counts"]]})
    disputed = tickets[3]["id"]
    r = inc.post(f"{base}/items/{disputed}/review", json={"version": h["version"], "decision": "dispute", "note": "Which crew?"})
    h = r.json
    stale = inc.post(f"{base}/acknowledge-all", json={"version": h["version"] - 1})
    assert stale.status_code == 409 and stale.json["current_version"] == h["version"]  # nothing unseen is acknowledged
    assert out.post(f"{base}/acknowledge-all", json={"version": h["version"]}).status_code == 403
    h = call(inc, "post", f"{base}/acknowledge-all", {"version": h["version"]})
    reviews = {i["id"]: i["review"] for i in h["items"] if i["must_acknowledge"]}
    assert reviews.pop(disputed) == "disputed" and set(reviews.values()) == {"acknowledged"}
    assert [b["code"] for b in h["blockers"]] == ["not_acknowledged"] and h["blockers"][0]["tickets"] == [tickets[3]["summary"]["number"]]

    h = call(out, "patch", base, {"version": h["version"], "items": [{"id": disputed, "next_step": "North crew 2, at 18:00"}]})
    h = call(inc, "post", f"{base}/acknowledge-all", {"version": h["version"]})
    h = call(out, "post", f"{base}/sign", {"version": h["version"], "password": PASSWORD})
    h = call(inc, "post", f"{base}/sign", {"version": h["version"], "password": PASSWORD})
    assert h["status"] == "signed"
    assert requests == 7  # open, save, (dispute answered: save, ack-all), ack-all, two signatures


def test_lateness_is_recorded_with_the_configured_minutes(app, center, new_ticket):
    """The evening shift starts 16:30; with 30 minutes asked, op2 is expected by 16:00. op2
    signs in to the seat at 16:10: 10 minutes late. The day shift ends 16:30; signed at
    16:42, the handover overran it by 12 minutes. Shown on the page and found by the search."""
    app.config["HOTLINE_HANDOVER_ARRIVE_EARLY_MINUTES"] = 30
    clock.freeze(NOW)  # 16:10
    center["sign_in"](center["op2"], center["evening"])
    new_ticket(matter="Meter reads wrong")
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    assert h.arrive_by == NOW - timedelta(minutes=10) and h.done_by == NOW + timedelta(minutes=20)
    assert h.incoming_arrived_at == NOW and h.incoming_late_minutes == 10
    _prepare(h, center["op"])
    _acknowledge_all(h, center["op2"])
    clock.freeze(NOW + timedelta(minutes=32))
    _sign_both(h, center)
    assert h.overrun_minutes == 12 and h.incoming_late_minutes == 10
    assert checksum.signed_content(h)["timing"]["incoming_late_minutes"] == 10 and checksum.verify(h).ok

    from hotline.duty.handover.search import HandoverQuery, find_handovers

    assert find_handovers(HandoverQuery(late=True)) == ([h], 1)
    from hotline.duty.handover.timing import timing

    t = timing(h, clock.now())
    assert t.late_minutes == 10 and t.overrun_minutes == 12 and t.late


def test_an_older_record_without_timing_still_verifies(center, shift_work):
    """Records signed before timing existed have none: their content, and checksum, are unchanged."""
    h = services.open_handover(center["op"], "op2")
    db.session.commit()
    _prepare(h, center["op"])
    _acknowledge_all(h, center["op2"])
    _sign_both(h, center)
    assert "timing" in checksum.signed_content(h)
    db.session.execute(text("UPDATE handover SET arrive_by = NULL, incoming_arrived_at = NULL, incoming_late_minutes = NULL,"
                            " done_by = NULL, overrun_minutes = NULL, checksum = :c WHERE id = :id"),
                       {"c": "0" * 64, "id": h.id})
    db.session.execute(text("UPDATE handover_item SET next_step_source = NULL WHERE handover_id = :id"), {"id": h.id})
    db.session.commit()
    db.session.expire_all()
    old = db.session.get(Handover, h.id)
    content = checksum.signed_content(old)
    assert "timing" not in content and all("next_step_source" not in i for i in content["items"])
    db.session.execute(text("UPDATE handover SET checksum = :c WHERE id = :id"), {"c": checksum.sha256(content), "id": h.id})
    db.session.commit()
    db.session.expire_all()
    assert checksum.verify(db.session.get(Handover, h.id)).ok


def test_page_shows_lateness_and_the_search_finds_it(app, as_op, http):
    app.config["HOTLINE_HANDOVER_ARRIVE_EARLY_MINUTES"] = 30  # op2 signed in at 16:10, expected by 16:00
    out = as_op("operator")
    h = out.post("/api/v1/handovers", json={"incoming": "op2"}).json
    assert h["timing"]["incoming_late_minutes"] == 10
    page = out.get(f"/handover/{h['id']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "10 min late" in page and "To be done by 16:30" in page
    printed = out.get(f"/handover/{h['id']}/print", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "16:00" in printed and "迟到 10 分钟" in printed
    listed = out.get("/handover?late=1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'data-handover="{h["id"]}"' in listed and "incoming 10 min" in listed
    assert out.get("/api/v1/handovers?late=true").json["total"] == 1
