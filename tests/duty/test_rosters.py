"""Roster rules: overnight shifts, coverage, publishing, swap and leave requests."""
from datetime import date, datetime, time, timezone

import pytest

from hotline.core import clock
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.duty.rosters import doubles, planning, requests, services
from hotline.duty.rosters.models import (
    RequestKind,
    RequestStatus,
    RosterChange,
    RosterStatus,
    ShiftStaffing,
    ShiftTemplate,
)
from hotline.users.models import Role
from hotline.users.services import create_user

NOV = date(2026, 11, 1)
# 1 Nov 2026 09:00 in Shanghai: before any shift of the 5th starts
BEFORE = datetime(2026, 11, 1, 1, 0, tzinfo=timezone.utc)


def _template(code, starts, ends, order, op_min=1, op_max=3):
    t = ShiftTemplate(code=code, name_en=code.title(), name_zh=code, starts=starts, ends=ends, sort_order=order)
    t.staffing = [ShiftStaffing(role=Role.OPERATOR, min_count=op_min, max_count=op_max)]
    db.session.add(t)
    return t


@pytest.fixture
def shifts(ctx):
    clock.freeze(BEFORE)
    made = {
        "day": _template("day", time(8, 30), time(16, 30), 1),
        "evening": _template("evening", time(16, 30), time(23, 30), 2),
        "night": _template("night", time(23, 30), time(8, 30), 3),
    }
    db.session.commit()
    return made


@pytest.fixture
def staff(ctx, users, user_of):
    """Three more operators next to the conftest users."""
    out = {r: user_of(r) for r in ("operator", "dispatcher", "supervisor", "manager")}
    for name in ("op2", "op3", "op4"):
        out[name] = create_user(name, "pw-123456789", Role.OPERATOR, name.upper())
    out["lead2"] = create_user("lead2", "pw-123456789", Role.SUPERVISOR, "Lead Two")
    db.session.commit()
    return out


@pytest.fixture
def no_rest_rule(ctx):
    """A center without rule 1.5: back-to-back shifts need no approval (tests of other rules)."""
    ctx.config["ROSTER_MIN_REST_HOURS"] = 0


def _full_month(shifts, staff):
    """Every shift of November staffed: day op+op2, evening op3, night op4."""
    lead = staff["supervisor"]
    for d in services.month_days(NOV):
        services.set_cell(NOV, d, shifts["day"], [staff["operator"], staff["op2"]], lead, None)
        services.set_cell(NOV, d, shifts["evening"], [staff["op3"]], lead, None)
        services.set_cell(NOV, d, shifts["night"], [staff["op4"]], lead, None)
    db.session.commit()


# --- overnight math and the interface the handover uses -----------------------------------------


def test_night_shift_ends_next_day_and_shift_at_finds_it(shifts, staff):
    _full_month(shifts, staff)
    services.publish(NOV, staff["supervisor"], None)
    db.session.commit()
    night = services.slot(shifts["night"], date(2026, 11, 5))
    # 23:30 on the 5th to 08:30 on the 6th, Shanghai (UTC+8)
    assert night.starts_at == datetime(2026, 11, 5, 15, 30, tzinfo=timezone.utc)
    assert night.ends_at == datetime(2026, 11, 6, 0, 30, tzinfo=timezone.utc)
    at_2am = datetime(2026, 11, 5, 18, 0, tzinfo=timezone.utc)  # 02:00 on the 6th, local
    on = services.shift_at(at_2am)
    assert (on.template.code, on.day, [p.username for p in on.people]) == ("night", date(2026, 11, 5), ["op4"])
    nxt = services.next_shift(at_2am)
    assert (nxt.template.code, nxt.day) == ("day", date(2026, 11, 6))
    assert {p.username for p in nxt.people} == {"operator", "op2"}
    # the boundary belongs to the shift that starts
    assert services.shift_at(night.ends_at).template.code == "day"


def test_a_draft_roster_is_not_in_force(shifts, staff):
    _full_month(shifts, staff)
    on = services.shift_at(datetime(2026, 11, 5, 18, 0, tzinfo=timezone.utc))
    assert on.template.code == "night" and on.people == []


def test_no_shift_at_a_time_no_template_covers(ctx, staff):
    clock.freeze(BEFORE)
    _template("day", time(8, 30), time(16, 30), 1)
    db.session.commit()
    assert services.shift_at(datetime(2026, 11, 5, 12, 0, tzinfo=timezone.utc)) is None  # 20:00 local
    assert services.next_shift(datetime(2026, 11, 5, 12, 0, tzinfo=timezone.utc)).day == date(2026, 11, 6)


# --- coverage and publishing ---------------------------------------------------------------------


def test_coverage_lists_every_gap_and_the_hours_with_nobody(shifts, staff, no_rest_rule):
    _full_month(shifts, staff)
    lead = staff["supervisor"]
    services.set_cell(NOV, date(2026, 11, 10), shifts["night"], [], lead, None)
    services.set_cell(NOV, date(2026, 11, 11), shifts["day"], [staff["dispatcher"]], lead, None)
    services.set_cell(NOV, date(2026, 11, 12), shifts["evening"],
                      [staff["operator"], staff["op2"], staff["op3"], staff["op4"]], lead, None)
    db.session.commit()
    cover = services.coverage(NOV)
    assert cover.around_the_clock
    got = {(g.day.day, g.template.code, g.kind, g.role.value if g.role else None) for g in cover.gaps}
    assert got == {(10, "night", "empty", None), (11, "day", "below_min", "operator"), (12, "evening", "above_max", "operator")}
    # nobody from 23:30 on the 10th to 08:30 on the 11th
    assert cover.holes == [(datetime(2026, 11, 10, 15, 30, tzinfo=timezone.utc), datetime(2026, 11, 11, 0, 30, tzinfo=timezone.utc))]


def test_publish_with_gaps_needs_confirmation(shifts, staff):
    _full_month(shifts, staff)
    services.set_cell(NOV, date(2026, 11, 11), shifts["day"], [staff["dispatcher"]], staff["supervisor"], None)
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.publish(NOV, staff["supervisor"], None)
    assert exc.value.details["code"] == "gaps"
    roster, _ = services.publish(NOV, staff["supervisor"], None, confirm_gaps=True)
    assert roster.status == RosterStatus.PUBLISHED


def test_publish_with_nobody_on_duty_refused_unless_overridden_with_a_reason(shifts, staff):
    _full_month(shifts, staff)
    services.set_cell(NOV, date(2026, 11, 10), shifts["night"], [], staff["supervisor"], None)
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        services.publish(NOV, staff["supervisor"], None, confirm_gaps=True)  # confirming gaps is not enough
    assert exc.value.details["code"] == "nobody_on_duty"
    roster, cover = services.publish(NOV, staff["supervisor"], None, override_reason="night line forwarded to the gas company")
    db.session.commit()
    assert roster.status == RosterStatus.PUBLISHED and cover.holes
    change = db.session.query(RosterChange).filter_by(kind="override").one()
    assert change.reason == "night line forwarded to the gas company" and change.actor.username == "supervisor"


def test_a_person_cannot_be_on_overlapping_shifts(shifts, staff, no_rest_rule):
    services.set_cell(NOV, date(2026, 11, 5), shifts["night"], [staff["operator"]], staff["supervisor"], None)
    db.session.commit()
    # the day shift of the 6th starts when the night ends: no overlap (a double shift: see below)
    services.set_cell(NOV, date(2026, 11, 6), shifts["day"], [staff["operator"]], staff["supervisor"], None)
    overlapping = _template("late", time(6, 0), time(10, 0), 4)
    db.session.commit()
    with pytest.raises(ValidationFailed) as exc:
        services.set_cell(NOV, date(2026, 11, 6), overlapping, [staff["operator"]], staff["supervisor"], None)
    assert "people.0" in exc.value.fields


def test_stale_roster_version_is_a_conflict(shifts, staff):
    roster = services.set_cell(NOV, date(2026, 11, 5), shifts["day"], [staff["operator"]], staff["supervisor"], None)
    db.session.commit()
    seen = roster.version
    services.set_cell(NOV, date(2026, 11, 6), shifts["day"], [staff["operator"]], staff["supervisor"], seen)
    db.session.commit()
    with pytest.raises(Conflict):
        services.set_cell(NOV, date(2026, 11, 7), shifts["day"], [staff["op2"]], staff["supervisor"], seen)


# --- swap and leave ------------------------------------------------------------------------------


@pytest.fixture
def published(shifts, staff):
    _full_month(shifts, staff)
    services.publish(NOV, staff["supervisor"], None)
    db.session.commit()
    return shifts


def _people(shifts, code, day):
    return sorted(p.username for p in services.rostered(shifts[code].id, date(2026, 11, day)))


def test_swap_waits_for_approval_then_changes_the_roster_with_history(published, staff, no_rest_rule):
    req = requests.file_request(staff["op3"], RequestKind.SWAP, date(2026, 11, 5), published["evening"], "wedding",
                                partner=staff["op4"], partner_day=date(2026, 11, 6), partner_template=published["night"])
    db.session.commit()
    assert _people(published, "evening", 5) == ["op3"]  # nothing changes before approval
    requests.decide(req, staff["supervisor"], True, req.version, note="ok")
    db.session.commit()
    assert _people(published, "evening", 5) == ["op4"] and _people(published, "night", 6) == ["op3"]
    assert (req.status, req.decided_by.username) == (RequestStatus.APPROVED, "supervisor")
    changes = db.session.query(RosterChange).filter_by(request_id=req.id).all()
    assert {(c.kind, c.changes["off"], c.changes["on"]) for c in changes} == {("swap", "op3", "op4"), ("swap", "op4", "op3")}


def test_a_swap_that_would_leave_a_shift_empty_of_operators_is_refused(published, staff, no_rest_rule):
    """The only operator of the night swaps with a dispatcher: the night would have
    nobody to answer the line."""
    lead = staff["supervisor"]
    roster = services.roster_of(NOV)
    services.set_cell(NOV, date(2026, 11, 7), published["day"], [staff["operator"], staff["dispatcher"]], lead, roster.version)
    db.session.commit()
    req = requests.file_request(staff["op4"], RequestKind.SWAP, date(2026, 11, 6), published["night"], "exam",
                                partner=staff["dispatcher"], partner_day=date(2026, 11, 7), partner_template=published["day"])
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        requests.decide(req, lead, True, req.version)
    assert exc.value.details["code"] == "coverage"
    assert "night 2026-11-06 with 0 operator" in exc.value.message
    db.session.rollback()
    assert req.status == RequestStatus.PENDING and _people(published, "night", 6) == ["op4"]


def test_leave_without_a_substitute_would_leave_nobody_and_is_refused(published, staff, no_rest_rule):
    req = requests.file_request(staff["op4"], RequestKind.LEAVE, date(2026, 11, 8), published["night"], "ill")
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        requests.decide(req, staff["supervisor"], True, req.version)
    assert "with nobody on duty" in exc.value.message
    db.session.rollback()
    # a dispatcher as substitute: somebody is there, but still no operator
    with pytest.raises(Conflict) as exc:
        requests.decide(req, staff["supervisor"], True, req.version, substitute=staff["dispatcher"])
    assert exc.value.details["gaps"][0]["kind"] == "below_min"
    db.session.rollback()
    requests.decide(req, staff["supervisor"], True, req.version, substitute=staff["op2"])
    db.session.commit()
    assert _people(published, "night", 8) == ["op2"] and req.substitute.username == "op2"


def test_leave_with_a_substitute_on_an_overlapping_shift_is_refused(published, staff):
    mid = _template("mid", time(12, 0), time(20, 0), 4, op_min=0)
    db.session.commit()
    services.set_cell(NOV, date(2026, 11, 8), mid, [staff["manager"]], staff["supervisor"], None)
    req = requests.file_request(staff["op3"], RequestKind.LEAVE, date(2026, 11, 8), published["evening"], "ill")
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        requests.decide(req, staff["supervisor"], True, req.version, substitute=staff["manager"])
    assert exc.value.details["code"] == "overlap"
    db.session.rollback()


def test_a_substitute_who_would_then_work_a_double_shift_is_refused_until_approved(published, staff):
    """op4 works the night of the 8th (23:30): standing in for op3's evening (till 23:30)
    would be 连班. Refused naming op4 and both shifts; once another supervisor approved
    that double shift, the same decision goes through."""
    req = requests.file_request(staff["op3"], RequestKind.LEAVE, date(2026, 11, 8), published["evening"], "ill")
    db.session.commit()
    with pytest.raises(Conflict) as exc:
        requests.decide(req, staff["supervisor"], True, req.version, substitute=staff["op4"])
    assert exc.value.details["code"] == "double_shift"
    assert exc.value.details["double_shift"] == {
        "user": "op4", "user_name": "OP4", "first_day": "2026-11-08", "first_shift": "evening",
        "second_day": "2026-11-08", "second_shift": "night"}
    assert "OP4" in exc.value.message and "evening 2026-11-08" in exc.value.message and "night 2026-11-08" in exc.value.message
    db.session.rollback()
    _approve(staff, "op4", (8, published["evening"]), (8, published["night"]))
    requests.decide(req, staff["supervisor"], True, req.version, substitute=staff["op4"])
    db.session.commit()
    assert _people(published, "evening", 8) == ["op4"]


# --- double shifts (连班), water hotline rules 1.5 ---------------------------------------------------


def _approve(staff, who, first, second, asker="supervisor", decider="manager"):
    row = doubles.ask(staff[who], (date(2026, 11, first[0]), first[1]), (date(2026, 11, second[0]), second[1]),
                      "short-staffed", staff[asker])
    doubles.decide(row, staff[decider], True, row.version, "ok this once")
    db.session.commit()
    return row


def test_back_to_back_shifts_are_refused_naming_the_person_and_both_shifts(shifts, staff):
    lead, op = staff["supervisor"], staff["operator"]
    services.set_cell(NOV, date(2026, 11, 5), shifts["day"], [op], lead, None)
    db.session.commit()
    for code, day in (("evening", 5), ("night", 5), ("night", 4)):  # 0 h, 7 h rest; the night ends 08:30
        with pytest.raises(Conflict) as exc:
            services.set_cell(NOV, date(2026, 11, day), shifts[code], [op], lead, None)
        assert exc.value.details["code"] == "double_shift" and "Operator One" in exc.value.message
        db.session.rollback()
    assert "day 2026-11-05" in exc.value.message and "night 2026-11-04" in exc.value.message
    services.set_cell(NOV, date(2026, 11, 4), shifts["evening"], [op], lead, None)  # ends 23:30, 9 h before 08:30
    services.set_cell(NOV, date(2026, 11, 6), shifts["evening"], [op], lead, None)
    db.session.commit()


def test_a_double_shift_approved_by_another_supervisor_can_be_drawn_and_is_audited(shifts, staff):
    from hotline.audit.models import AuditEvent

    lead, op = staff["supervisor"], staff["operator"]
    services.set_cell(NOV, date(2026, 11, 5), shifts["day"], [op], lead, None)
    row = doubles.ask(op, (date(2026, 11, 5), shifts["evening"]), (date(2026, 11, 5), shifts["day"]), "storm", lead)
    db.session.commit()
    assert (row.first_template.code, row.second_template.code) == ("day", "evening")  # put in order
    with pytest.raises(Conflict):  # asked is not approved
        services.set_cell(NOV, date(2026, 11, 5), shifts["evening"], [op], lead, None)
    db.session.rollback()
    with pytest.raises(Conflict) as again:
        doubles.ask(op, (date(2026, 11, 5), shifts["day"]), (date(2026, 11, 5), shifts["evening"]), "again", lead)
    assert again.value.details["code"] == "double_shift_asked"
    db.session.rollback()
    doubles.decide(row, staff["lead2"], True, row.version, "storm night, approved")
    db.session.commit()
    services.set_cell(NOV, date(2026, 11, 5), shifts["evening"], [op], lead, None)
    db.session.commit()
    assert [p.username for p in services.rostered(shifts["evening"].id, date(2026, 11, 5), published_only=False)] == ["operator"]
    entry = db.session.query(AuditEvent).filter_by(action="roster.double_shift_decide").one()
    assert (entry.actor_id, entry.reason) == (staff["lead2"].id, "storm night, approved")
    assert entry.detail["user"] == "operator" and entry.detail["asked_by"] == "supervisor" and entry.detail["approve"]
    # only the pair approved: the night after the evening is another double shift
    with pytest.raises(Conflict):
        services.set_cell(NOV, date(2026, 11, 5), shifts["night"], [op], lead, None)


def test_nobody_approves_a_double_shift_they_asked_for_or_would_work(shifts, staff):
    from hotline.core.errors import Forbidden

    lead, lead2 = staff["supervisor"], staff["lead2"]
    mine = doubles.ask(lead2, (date(2026, 11, 5), shifts["day"]), (date(2026, 11, 5), shifts["evening"]), "x", lead)
    asked = doubles.ask(staff["op2"], (date(2026, 11, 5), shifts["day"]), (date(2026, 11, 5), shifts["evening"]), "x", lead)
    db.session.commit()
    for row, actor in ((mine, lead2), (mine, lead), (asked, lead)):
        with pytest.raises(Forbidden) as exc:
            doubles.decide(row, actor, True, row.version)
        assert exc.value.code == "own_request"
        db.session.rollback()
    doubles.decide(asked, lead2, False, asked.version, "find someone else")
    db.session.commit()
    services.set_cell(NOV, date(2026, 11, 5), shifts["day"], [staff["op2"]], lead, None)
    with pytest.raises(Conflict):  # refused stays refused
        services.set_cell(NOV, date(2026, 11, 5), shifts["evening"], [staff["op2"]], lead, None)
    with pytest.raises(ValidationFailed):  # not back to back: nothing to approve
        doubles.ask(staff["op3"], (date(2026, 11, 5), shifts["day"]), (date(2026, 11, 6), shifts["day"]), "x", lead)


# --- copying last month and rotations ------------------------------------------------------------

OCT = date(2026, 10, 1)


def test_copy_last_month_by_weekday_keeps_what_is_drawn_and_reports_it(shifts, staff):
    lead = staff["supervisor"]
    # October: op on Monday day shifts, op3 on the evening of Tuesday the 27th, op4 on the night of Monday the 26th
    for d in services.month_days(OCT):
        if d.weekday() == 0:
            services.set_cell(OCT, d, shifts["day"], [staff["operator"]], lead, None)
    services.set_cell(OCT, date(2026, 10, 27), shifts["evening"], [staff["op3"]], lead, None)
    services.set_cell(OCT, date(2026, 10, 26), shifts["night"], [staff["op4"]], lead, None)
    # November already has the 2nd (a Monday) drawn with op2, and op4 on the day shift of the 23rd
    services.set_cell(NOV, date(2026, 11, 2), shifts["day"], [staff["op2"]], lead, None)
    services.set_cell(NOV, date(2026, 11, 24), shifts["day"], [staff["op4"]], lead, None)
    db.session.commit()
    seen = services.roster_of(NOV).version
    plan = planning.copy_previous_month(NOV, lead, seen)
    db.session.commit()
    mondays = [d for d in services.month_days(NOV) if d.weekday() == 0]
    day_cells = services.cells(date(2026, 11, 1), date(2026, 11, 30))
    assert [p.username for p in day_cells[(date(2026, 11, 2), shifts["day"].id)]] == ["op2"]  # kept
    assert all([p.username for p in day_cells[(d, shifts["day"].id)]] == ["operator"] for d in mondays[1:])
    assert [p.username for p in day_cells[(date(2026, 11, 24), shifts["evening"].id)]] == ["op3"]  # Tuesday
    view = plan.view()
    codes = {(s["day"], s["shift"], s["code"]) for s in view["skipped"]}
    assert ("2026-11-02", "day", "cell_taken") in codes
    # op4's Monday night (the 23rd, from 26 Oct) would end at 08:30 on the 24th, when op4's day shift begins
    assert ("2026-11-23", "night", "double_shift") in codes
    skipped = next(s for s in view["skipped"] if s["code"] == "double_shift")
    assert skipped["double_shift"]["user"] == "op4" and "OP4" in skipped["message"]
    assert planning.source_day(date(2026, 11, 30)) == date(2026, 10, 26)  # a Monday from a Monday
    assert planning.source_day(date(2026, 3, 31)) == date(2026, 2, 24)
    with pytest.raises(Conflict):  # the version seen
        planning.copy_previous_month(NOV, lead, seen)


def test_a_rotation_covers_each_shift_every_day_and_reports_what_it_leaves(shifts, staff):
    lead = staff["supervisor"]
    services.set_cell(NOV, date(2026, 11, 2), shifts["day"], [staff["op2"], staff["op3"]], lead, None)
    db.session.commit()
    names = ["operator", "op2", "op3", "op4"]  # each starts one step further into the cycle
    plan = planning.apply_rotation(names, ["day-evening-night-休"], date(2026, 11, 1), date(2026, 11, 8), lead)
    db.session.commit()
    grid = services.cells(date(2026, 11, 1), date(2026, 11, 8))

    def on(day, code):
        return [p.username for p in grid.get((date(2026, 11, day), shifts[code].id), [])]

    assert (on(3, "day"), on(3, "evening"), on(3, "night")) == (["op3"], ["op4"], ["operator"])
    assert on(5, "day") == ["operator"] and on(2, "day") == ["op2", "op3", "op4"]  # four days on; drawn ones kept
    skipped = {(s["day"], s["user"], s["code"]) for s in plan.view()["skipped"]}
    # op2 was drawn on the day shift of the 2nd (the rotation wanted the night): kept;
    # op3's rotation night of the 1st would end at 08:30 on the 2nd, as op3's day shift begins: 连班
    assert skipped == {("2026-11-02", "op2", "busy_that_day"), ("2026-11-01", "op3", "double_shift")}
    assert on(1, "night") == [] and len(plan.added) == 8 * 3 - 2
    change = db.session.query(RosterChange).filter_by(kind="rotation").one()
    assert change.changes["pattern"] == ["day", "evening", "night", None]


def test_a_rotation_with_bad_input_says_which_field(shifts, staff):
    lead = staff["supervisor"]
    cases = [
        (["operator"], ["day", "lunch"], date(2026, 11, 1), date(2026, 11, 2), "pattern"),
        (["operator"], ["休 off"], date(2026, 11, 1), date(2026, 11, 2), "pattern"),
        (["operator"], ["day"], date(2026, 11, 5), date(2026, 11, 2), "end"),
        (["operator"], ["day"], date(2026, 11, 1), date(2027, 1, 5), "end"),
        (["operator", "operator"], ["day"], date(2026, 11, 1), date(2026, 11, 2), "people"),
        (["operator", "admin"], ["day"], date(2026, 11, 1), date(2026, 11, 2), "people.1"),
    ]
    for people, pattern, start, end, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            planning.apply_rotation(people, pattern, start, end, lead)
        assert field in exc.value.fields, (pattern, exc.value.fields)
        db.session.rollback()
    with pytest.raises(ValidationFailed) as exc:  # every field's problem at once
        planning.apply_rotation(["operator"], ["lunch"], date(2026, 11, 5), date(2026, 11, 2), lead)
    assert {"pattern", "end"} <= set(exc.value.fields)


# --- the API ---------------------------------------------------------------------------------------


def test_api_refuses_a_double_shift_with_its_code_and_takes_the_approval(api, shifts, staff):
    lead = api("supervisor")
    lead.post("/api/v1/rosters/2026-11/cells", json={"day": "2026-11-05", "shift": "day", "people": ["operator"]})
    r = lead.post("/api/v1/rosters/2026-11/cells", json={"day": "2026-11-05", "shift": "evening", "people": ["operator"]})
    assert r.status_code == 409 and r.json["code"] == "double_shift"
    ask = {k: r.json["double_shift"][k] for k in ("user", "first_day", "first_shift", "second_day", "second_shift")}
    asked = lead.post("/api/v1/double-shifts", json={**ask, "reason": "storm"})
    assert asked.status_code == 201 and asked.json["status"] == "pending"
    own = lead.post(f"/api/v1/double-shifts/{asked.json['id']}/decision", json={"approve": True, "version": asked.json["version"]})
    assert own.status_code == 403 and own.json["code"] == "own_request"
    manager = api("manager")
    assert [d["id"] for d in manager.get("/api/v1/double-shifts?status=pending").json["items"]] == [asked.json["id"]]
    ok = manager.post(f"/api/v1/double-shifts/{asked.json['id']}/decision", json={"approve": True, "version": asked.json["version"]})
    assert ok.status_code == 200 and ok.json["decided_by"]["username"] == "manager"
    r = lead.post("/api/v1/rosters/2026-11/cells", json={"day": "2026-11-05", "shift": "evening", "people": ["operator"]})
    assert r.status_code == 200


def test_api_copy_and_rotation_answer_422_on_bad_input_and_report_skips(api, shifts, staff):
    lead = api("supervisor")
    bad = lead.post("/api/v1/roster-rotations", json={"people": ["operator"], "pattern": ["day", "brunch"],
                                                        "start": "2026-11-01", "end": "2026-11-03"})
    assert bad.status_code == 422 and "brunch" in bad.json["fields"]["pattern"]
    assert lead.post("/api/v1/roster-rotations", json={"people": [], "pattern": ["day"], "start": "2026-11-01",
                                                          "end": "2026-11-03"}).status_code == 422
    ok = lead.post("/api/v1/roster-rotations", json={"people": ["operator", "op2"], "pattern": ["day 休"],
                                                       "start": "2026-11-01", "end": "2026-11-04"})
    assert ok.status_code == 200 and len(ok.json["added"]) == 4 and ok.json["skipped"] == []
    copied = lead.post("/api/v1/rosters/2026-12/copy-previous", json={})
    assert copied.status_code == 200 and copied.json["plan"]["added"]
    assert lead.post("/api/v1/rosters/2026-13/copy-previous", json={}).status_code == 422
def test_nobody_files_for_a_shift_not_theirs_or_already_started(published, staff):
    with pytest.raises(ValidationFailed):
        requests.file_request(staff["op3"], RequestKind.LEAVE, date(2026, 11, 5), published["night"], "x")
    clock.freeze(datetime(2026, 11, 5, 1, 0, tzinfo=timezone.utc))  # 09:00 on the 5th
    with pytest.raises(ValidationFailed):
        requests.file_request(staff["operator"], RequestKind.LEAVE, date(2026, 11, 5), published["day"], "late")


def test_a_decided_request_cannot_be_decided_again(published, staff):
    req = requests.file_request(staff["op3"], RequestKind.LEAVE, date(2026, 11, 9), published["evening"], "x")
    requests.decide(req, staff["supervisor"], False, req.version, note="no cover that day")
    db.session.commit()
    assert req.status == RequestStatus.REFUSED and req.decision_note == "no cover that day"
    with pytest.raises(Conflict):
        requests.decide(req, staff["supervisor"], True, None, substitute=staff["op2"])


def test_swap_with_an_unpublished_month_is_refused(shifts, staff):
    _full_month(shifts, staff)
    with pytest.raises(Conflict):
        requests.file_request(staff["op3"], RequestKind.LEAVE, date(2026, 11, 9), shifts["evening"], "x")


def test_nobody_decides_a_request_of_their_own(published, staff):
    """Four eyes: the requester, and the colleague a swap names, cannot decide it (403
    own_request); another supervisor can, and the decision is audited."""
    from hotline.audit.models import AuditEvent
    from hotline.core.errors import Forbidden

    req = requests.file_request(staff["op3"], RequestKind.SWAP, date(2026, 11, 5), published["evening"], "wedding",
                                partner=staff["op4"], partner_day=date(2026, 11, 6), partner_template=published["night"])
    db.session.commit()
    for party in ("op3", "op4"):
        with pytest.raises(Forbidden) as refused:
            requests.decide(req, staff[party], True, req.version)
        assert refused.value.code == "own_request" and refused.value.status == 403
        db.session.rollback()
    assert req.status == RequestStatus.PENDING
    requests.decide(req, staff["supervisor"], False, req.version, note="not this week")
    db.session.commit()
    entry = db.session.query(AuditEvent).filter_by(action="roster.request_decide").one()
    assert (entry.actor_id, entry.target_id, entry.reason) == (staff["supervisor"].id, str(req.id), "not this week")
    assert entry.detail["approve"] is False and entry.detail["requester"] == "op3" and entry.detail["partner"] == "op4"
