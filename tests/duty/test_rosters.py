"""Roster rules: overnight shifts, coverage, publishing, swap and leave requests."""
from datetime import date, datetime, time, timezone

import pytest

from hotline.core import clock
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.duty.rosters import requests, services
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


def test_swap_waits_for_approval_then_changes_the_roster_with_history(published, staff):
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


def test_a_swap_that_would_leave_a_shift_empty_of_operators_is_refused(published, staff):
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


def test_leave_without_a_substitute_would_leave_nobody_and_is_refused(published, staff):
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
    requests.decide(req, staff["supervisor"], True, req.version, substitute=staff["op4"])  # night starts at 23:30
    db.session.commit()
    assert _people(published, "evening", 8) == ["op4"]


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
