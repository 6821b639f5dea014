"""The duty settings pages: shift templates with head counts per role, and seats.
Admins edit; center staff read (as the API lets them); a form with errors comes back
422 with the message beside its field and what was typed; a stale version is 409; a
head-count change shows in the coverage of an already published roster."""
import re
from datetime import date, datetime, time, timezone

import pytest
from fixtures.app import csrf_from, login
from sqlalchemy import select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.duty.rosters import services as rosters
from hotline.duty.rosters.models import ShiftStaffing, ShiftTemplate
from hotline.duty.seats import services as seats
from hotline.duty.seats.models import Seat
from hotline.users.models import Role, User

NOV = date(2026, 11, 1)
BEFORE = datetime(2026, 11, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai


@pytest.fixture
def duty(app, users):
    """Day, evening and night around the clock; two seats."""
    clock.freeze(BEFORE)
    with app.app_context():
        made = {}
        for order, (code, starts, ends) in enumerate(
            [("day", time(8, 30), time(16, 30)), ("evening", time(16, 30), time(23, 30)), ("night", time(23, 30), time(8, 30))], 1
        ):
            t = ShiftTemplate(code=code, name_en=code.title(), name_zh=f"{code}班", starts=starts, ends=ends, sort_order=order)
            t.staffing = [ShiftStaffing(role=Role.OPERATOR, min_count=1, max_count=3)]
            db.session.add(t)
            made[code] = t
        db.session.add_all([Seat(code="A01", name="Window", sort_order=1), Seat(code="A02", name="A02", sort_order=2)])
        db.session.commit()
        out = {code: (t.id, t.version) for code, t in made.items()}
    yield out
    clock.reset()


def signed_in(app, role):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    r, _ = login(client, role)
    assert r.status_code == 302
    return client


def token_of(client, path) -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def template(app, code) -> ShiftTemplate:
    with app.app_context():
        t = db.session.scalar(select(ShiftTemplate).where(ShiftTemplate.code == code))
        return {"id": t.id, "version": t.version, "active": t.active, "starts": t.starts, "ends": t.ends,
                "name_zh": t.name_zh, "staffing": {s.role.value: (s.min_count, s.max_count) for s in t.staffing}}


def day_form(duty, token, **changes) -> dict:
    """The edit form of the day shift as the page would post it, with changes."""
    form = {
        "csrf_token": token, "id": str(duty["day"][0]), "version": str(duty["day"][1]), "code": "day",
        "name_en": "Day", "name_zh": "day班", "starts": "08:30", "ends": "16:30", "sort_order": "1", "active": "y",
        "min_operator": "1", "max_operator": "3",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def error_beside(html: str, field: str, prefix: str) -> str:
    match = re.search(rf'id="err-{prefix}{field}"[^>]*>([^<]*)<', html)
    assert match, f"no error container for {prefix}{field}"
    return match.group(1)


# --- who sees what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/settings/duty/shifts", "/settings/duty/seats"])
def test_pages_follow_the_api_read_set_and_only_admins_get_forms(app, duty, path):
    for role in ("operator", "dispatcher", "supervisor", "manager", "admin"):
        r = signed_in(app, role).get(path)
        assert r.status_code == 200, role
        html = r.get_data(as_text=True)
        assert ('name="csrf_token"' in html.split("<main")[1]) == (role == "admin"), role
        assert ("Read only: admins change these settings." in html) == (role != "admin"), role
    for role in ("crew", "board"):
        assert signed_in(app, role).get(path).status_code == 403, role
    assert app.test_client().get(path).status_code == 302


def test_the_shift_list_shows_times_overnight_head_counts_and_the_clock(app, duty):
    html = signed_in(app, "supervisor").get("/settings/duty/shifts").get_data(as_text=True)
    night = html.split('data-shift="night"')[1].split('role="row"')[0]
    assert "23:30–08:30" in night and "overnight" in night
    assert 'data-role="operator"' in night and "1–3" in night
    assert "overnight" not in html.split('data-shift="day"')[1].split('data-shift="evening"')[0]
    assert 'id="around-the-clock"' in html and "cover all 24 hours" in html


def test_the_seat_list_shows_who_sits_there(app, duty, users):
    with app.app_context():
        operator = db.session.get(User, users["operator"])
        day = db.session.get(ShiftTemplate, duty["day"][0])
        lead = db.session.get(User, users["supervisor"])
        rosters.set_cell(NOV, date(2026, 11, 1), day, [operator], lead, None)
        rosters.publish(NOV, lead, None, confirm_gaps=True, override_reason="a test month")
        seats.sign_in(operator, "A01", day, date(2026, 11, 1))
        db.session.commit()
    html = signed_in(app, "manager").get("/settings/duty/seats").get_data(as_text=True)
    assert "Now: Operator One" in html.split('data-seat="A01"')[1].split("</li>")[0]


# --- shift templates: saving -----------------------------------------------------------------------


def test_admin_creates_a_shift_with_head_counts(app, duty):
    client = signed_in(app, "admin")
    token = token_of(client, "/settings/duty/shifts")
    r = client.post("/settings/duty/shifts", data={
        "csrf_token": token, "code": "late", "name_en": "Late", "name_zh": "晚班", "starts": "20:00", "ends": "2：00",
        "sort_order": "4", "active": "y", "min_operator": "2", "max_operator": "", "min_dispatcher": "", "max_dispatcher": "1",
        "min_supervisor": "", "max_supervisor": "",
    })
    assert r.status_code == 302, r.get_data(as_text=True)
    late = template(app, "late")
    assert late["starts"] == time(20, 0) and late["ends"] == time(2, 0) and late["active"]
    assert late["staffing"] == {"operator": (2, None), "dispatcher": (0, 1)}
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Shift late saved." in page and 'data-shift="late"' in page


def test_admin_raises_a_minimum_and_the_published_roster_shows_the_gap(app, duty, users):
    with app.app_context():
        lead = db.session.get(User, users["supervisor"])
        operator = db.session.get(User, users["operator"])
        for code in ("day", "evening", "night"):
            t = db.session.get(ShiftTemplate, duty[code][0])
            for d in rosters.month_days(NOV):
                rosters.set_cell(NOV, d, t, [operator] if code == "day" else [], lead, None)
        rosters.publish(NOV, lead, None, confirm_gaps=True, override_reason="evenings and nights are elsewhere")
        db.session.commit()
    lead, client = signed_in(app, "supervisor"), signed_in(app, "admin")  # admins do not read rosters
    assert lead.get("/api/v1/rosters/2026-11").json["status"] == "published"
    before = lead.get("/api/v1/rosters/2026-11").json["coverage"]["gaps"]
    assert not [g for g in before if g["shift"] == "day"]

    r = client.post("/settings/duty/shifts", data=day_form(duty, token_of(client, "/settings/duty/shifts"), min_operator="2"))
    assert r.status_code == 302
    assert template(app, "day")["staffing"]["operator"] == (2, 3)
    assert template(app, "day")["version"] == duty["day"][1] + 1  # a head count alone bumps the version

    after = [g for g in lead.get("/api/v1/rosters/2026-11").json["coverage"]["gaps"] if g["shift"] == "day"]
    assert len(after) == 30
    assert after[0] == {"day": "2026-11-01", "shift": "day", "kind": "below_min", "role": "operator", "count": 1, "limit": 2}
    html = client.get("/settings/duty/shifts").get_data(as_text=True)
    assert "2–3" in html.split('data-shift="day"')[1].split('data-shift="evening"')[0]


def test_removing_a_role_and_deactivating_keep_the_shift(app, duty):
    client = signed_in(app, "admin")
    r = client.post("/settings/duty/shifts", data=day_form(
        duty, token_of(client, "/settings/duty/shifts"), active=None, min_operator="", max_operator="", name_zh="白班"))
    assert r.status_code == 302
    day = template(app, "day")
    assert (day["active"], day["staffing"], day["name_zh"]) == (False, {}, "白班")
    with app.app_context():
        assert "day" not in [t.code for t in rosters.active_templates()]
    html = client.get("/settings/duty/shifts").get_data(as_text=True)
    row = html.split('data-shift="day"')[1].split('data-shift="evening"')[0]
    assert "Inactive" in row
    # without the day shift the clock is no longer covered, and the page says so
    assert "do not cover all 24 hours" in html


# --- shift templates: errors -----------------------------------------------------------------------


@pytest.mark.parametrize("changes,field,message", [
    ({"min_operator": "3", "max_operator": "2"}, "max_operator", "Max is below min."),
    ({"ends": "08:30"}, "ends", "give different times"),
    ({"starts": "25:99"}, "starts", "Not a valid time"),
    ({"starts": ""}, "starts", "Not a valid time"),
    ({"name_zh": ""}, "name_zh", "Required."),
    ({"min_dispatcher": "two"}, "min_dispatcher", "Not a whole number."),
    ({"max_supervisor": "51"}, "max_supervisor", "At most 50."),
    ({"min_manager": "-1"}, "min_manager", "At least 0."),
    ({"sort_order": "x"}, "sort_order", "Not a whole number."),
])
def test_a_bad_edit_comes_back_422_beside_its_field_with_the_input_kept(app, duty, changes, field, message):
    client = signed_in(app, "admin")
    r = client.post("/settings/duty/shifts", data=day_form(duty, token_of(client, "/settings/duty/shifts"), **changes))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    prefix = f"t{duty['day'][0]}-"
    assert message in error_beside(html, field, prefix)
    form = html.split(f'id="shift-{duty["day"][0]}"')[1].split('role="row"')[0]
    assert "<details class=\"row-edit\" open>" in form
    for name, value in changes.items():
        if value:
            assert f'name="{name}" value="{value}"' in form, name
    assert template(app, "day")["version"] == duty["day"][1]  # nothing saved


def test_a_new_shift_with_a_taken_code_is_refused_not_overwritten(app, duty):
    client = signed_in(app, "admin")
    r = client.post("/settings/duty/shifts", data={
        "csrf_token": token_of(client, "/settings/duty/shifts"), "code": "night", "name_en": "Other", "name_zh": "别的",
        "starts": "01:00", "ends": "02:00", "active": "y",
    })
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "This code is taken." in error_beside(html, "code", "new-")
    assert 'value="Other"' in html.split('id="new-shift"')[1]
    assert template(app, "night")["name_zh"] == "night班"


def test_a_stale_version_is_409_and_says_reload(app, duty):
    admin = signed_in(app, "admin")
    token = token_of(admin, "/settings/duty/shifts")
    assert admin.post("/settings/duty/shifts", data=day_form(duty, token, max_operator="4")).status_code == 302
    r = admin.post("/settings/duty/shifts", data=day_form(duty, token, min_operator="2"))  # the version seen before
    assert r.status_code == 409
    assert "Shift day was changed by someone else" in error_beside(r.get_data(as_text=True), "general", f"t{duty['day'][0]}-")
    assert template(app, "day")["staffing"]["operator"] == (1, 4)


def test_the_code_of_a_shift_cannot_change_through_the_form(app, duty):
    client = signed_in(app, "admin")
    r = client.post("/settings/duty/shifts", data=day_form(duty, token_of(client, "/settings/duty/shifts"), code="dayx"))
    assert r.status_code == 422
    assert "The code of a shift cannot change." in error_beside(r.get_data(as_text=True), "code", f"t{duty['day'][0]}-")


def test_an_unknown_shift_id_is_404_not_500(app, duty):
    client = signed_in(app, "admin")
    r = client.post("/settings/duty/shifts", data=day_form(duty, token_of(client, "/settings/duty/shifts"), id="99999"))
    assert r.status_code == 404


def test_only_admins_may_post(app, duty):
    for role in ("supervisor", "manager", "operator"):
        client = signed_in(app, role)
        token = token_of(client, "/settings/duty/shifts")
        assert client.post("/settings/duty/shifts", data=day_form(duty, token, min_operator="2")).status_code == 403
        assert client.post("/settings/duty/seats", data={"csrf_token": token, "code": "B1", "name": "B1"}).status_code == 403
    assert template(app, "day")["staffing"]["operator"] == (1, 3)


# --- seats -----------------------------------------------------------------------------------------


def seat(app, code):
    with app.app_context():
        s = db.session.scalar(select(Seat).where(Seat.code == code))
        return s and (s.name, s.sort_order, s.active)


def test_admin_creates_renames_and_deactivates_a_seat(app, duty):
    client = signed_in(app, "admin")
    token = token_of(client, "/settings/duty/seats")
    r = client.post("/settings/duty/seats", data={"csrf_token": token, "code": "B01", "name": "Back row", "sort_order": "9", "active": "y"})
    assert r.status_code == 302
    assert seat(app, "B01") == ("Back row", 9, True)
    with app.app_context():
        seat_id = db.session.scalar(select(Seat.id).where(Seat.code == "B01"))
    r = client.post("/settings/duty/seats", data={"csrf_token": token, "id": str(seat_id), "code": "B01", "name": "Window 2", "sort_order": "9", "version": "1"})
    assert r.status_code == 302
    assert seat(app, "B01") == ("Window 2", 9, False)
    with app.app_context():
        assert "B01" not in [s.code for s in seats.active_seats()]
    html = client.get("/settings/duty/seats").get_data(as_text=True)
    assert 'value="Window 2"' in html.split('data-seat="B01"')[1].split("</form>")[0]
    assert "Seat B01 saved." in html
    # Someone who still had version 1 on screen does not overwrite it.
    r = client.post("/settings/duty/seats", data={"csrf_token": token, "id": str(seat_id), "code": "B01", "name": "Door", "sort_order": "9", "version": "1"})
    assert r.status_code == 409 and "Seat B01 was changed by someone else" in r.get_data(as_text=True)
    assert seat(app, "B01") == ("Window 2", 9, False)


@pytest.mark.parametrize("form,field,message", [
    ({"code": "A01", "name": "Again"}, "code", "This code is taken."),
    ({"code": "", "name": "No code"}, "code", "Required."),
    ({"code": "B02", "name": ""}, "name", "Required."),
    ({"code": "B02", "name": "B02", "sort_order": "soon"}, "sort_order", "Not a whole number."),
])
def test_a_bad_new_seat_comes_back_422(app, duty, form, field, message):
    client = signed_in(app, "admin")
    r = client.post("/settings/duty/seats", data={"csrf_token": token_of(client, "/settings/duty/seats"), "active": "y", **form})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert message in error_beside(html, field, "new-")
    if form["name"]:
        assert f'value="{form["name"]}"' in html.split('id="new-seat"')[1]
    assert seat(app, "A01") == ("Window", 1, True)
    assert seat(app, "B02") is None


def test_renaming_a_seat_to_nothing_is_refused_beside_its_name(app, duty):
    client = signed_in(app, "admin")
    with app.app_context():
        seat_id = db.session.scalar(select(Seat.id).where(Seat.code == "A01"))
    r = client.post("/settings/duty/seats", data={"csrf_token": token_of(client, "/settings/duty/seats"), "id": str(seat_id), "code": "A01", "name": " ", "active": "y", "version": "1"})
    assert r.status_code == 422
    assert "Required." in error_beside(r.get_data(as_text=True), "name", f"s{seat_id}-")
    assert seat(app, "A01") == ("Window", 1, True)


def test_zh_pages_render(app, duty):
    client = signed_in(app, "admin")
    token = token_of(client, "/settings")
    client.post("/settings", data={"locale": "zh_CN", "csrf_token": token})
    for path in ("/settings/duty/shifts", "/settings/duty/seats"):
        r = client.get(path)
        assert r.status_code == 200
        assert 'lang="zh-CN"' in r.get_data(as_text=True)
