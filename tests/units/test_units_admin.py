"""The unit tree administered: the service's rules (the center the root, the kinds that may
sit under each other, no cycles, deactivation), the audit entries, the API (422s, 409 on a
stale version), the settings pages through the test client, and `flask units`."""
import re

import pytest
from fixtures.app import csrf_from
from sqlalchemy import select

from hotline.audit.models import AuditEvent
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db
from hotline.units import admin
from hotline.units.models import Area, Unit, UnitKind
from hotline.units.schemas import UnitIn, UnitUpdate
from hotline.units.services import find_unit


def _unit(code: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def _entries(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _problem(exc_info) -> tuple[str, str]:
    (path, problem), = exc_info.value.problems.items()
    return path, problem.code


@pytest.fixture
def tree(app, users):
    """The `units` fixture's north (with its crew) and south branches moved under a new center;
    two areas; an office under the center."""
    with app.app_context():
        db.session.add_all([Area(name="Hills"), Area(name="Riverside")])
        admin.create_unit(UnitIn(code="center", name="Center", kind=UnitKind.CENTER, phone="96116",
                                 takes_work_orders=False))
        for code in ("north", "south"):
            unit = _unit(code)
            admin.update_unit(unit, UnitUpdate(version=unit.version, parent="center"))
        admin.create_unit(UnitIn(code="press-office", name="Press office", kind=UnitKind.SPOKESPERSON, parent="center"))
        db.session.commit()
        return {u.code: u.id for u in db.session.scalars(select(Unit))}


# --- the service ------------------------------------------------------------------------------


def test_tree_order_and_depth(ctx, tree):
    assert [(u.code, d) for u, d in admin.tree()] == [
        ("center", 0), ("north", 1), ("north-crew-1", 2), ("press-office", 1), ("south", 1),
    ]
    assert admin.descendant_ids(_unit("center")) == set(tree.values()) - {tree["center"]}


def test_create_with_phones_areas_and_an_audit_entry(ctx, tree):
    unit = admin.create_unit(UnitIn(
        code="south-crew-1", name="South crew 1", kind=UnitKind.CREW, parent="south", phone="027-84402211",
        on_call_phone="13800138000", areas=["Riverside", "Hills", "Hills"], takes_work_orders=True,
    ))
    db.session.commit()
    assert (unit.parent.code, unit.phone, unit.on_call_phone, unit.version) == ("south", "027-84402211", "13800138000", 1)
    assert [a.name for a in unit.areas] == ["Hills", "Riverside"]
    entry = _entries("unit.create")[-1]
    assert (entry.target_type, entry.target_id) == ("unit", str(unit.id))
    assert entry.detail["parent"] == [None, "south"] and entry.detail["areas"] == [None, ["Hills", "Riverside"]]


@pytest.mark.parametrize("fields, problem", [
    ({"code": "crew-x", "kind": UnitKind.CREW}, ("parent", "parent_required")),
    ({"code": "center-2", "kind": UnitKind.CENTER}, ("kind", "one_center")),
    ({"code": "crew-x", "kind": UnitKind.CREW, "parent": "center"}, ("parent", "parent_kind")),
    ({"code": "branch-x", "kind": UnitKind.BRANCH, "parent": "north"}, ("parent", "parent_kind")),
    ({"code": "crew-x", "kind": UnitKind.CREW, "parent": "north-crew-1"}, ("parent", "parent_kind")),
    ({"code": "crew-x", "kind": UnitKind.CREW, "parent": "nowhere"}, ("parent", "unknown_unit")),
    ({"code": "north", "kind": UnitKind.CREW, "parent": "north"}, ("code", "code_taken")),
    ({"code": "crew-x", "kind": UnitKind.CREW, "parent": "north", "areas": ["Atlantis"]}, ("areas", "unknown_area")),
])
def test_create_refuses(ctx, tree, fields, problem):
    with pytest.raises(ValidationFailed) as exc:
        admin.create_unit(UnitIn(name="X", **fields))
    assert _problem(exc) == problem


def test_nothing_is_added_under_a_deactivated_unit(ctx, tree):
    south = _unit("south")
    admin.deactivate_unit(south, south.version)
    with pytest.raises(ValidationFailed) as exc:
        admin.create_unit(UnitIn(code="crew-x", name="X", kind=UnitKind.CREW, parent="south"))
    assert _problem(exc) == ("parent", "parent_inactive")


def test_move_a_crew_to_another_branch_is_audited(ctx, tree):
    crew = _unit("north-crew-1")
    admin.update_unit(crew, UnitUpdate(version=crew.version, parent="south"))
    db.session.commit()
    assert crew.parent.code == "south" and crew.version == 2
    assert _entries("unit.move")[-1].detail == {"parent": ["north", "south"]}
    assert [(u.code, d) for u, d in admin.tree()][-2:] == [("south", 1), ("north-crew-1", 2)]


@pytest.mark.parametrize("code, parent, problem", [
    ("north", "north", "unit_cycle"),  # under itself
    ("north", "north-crew-1", "unit_cycle"),  # under its own crew
    ("center", "north", "center_is_root"),
    ("north", None, "parent_required"),
    ("north-crew-1", "press-office", "parent_kind"),
])
def test_move_refuses(ctx, tree, code, parent, problem):
    unit = _unit(code)
    with pytest.raises(ValidationFailed) as exc:
        admin.update_unit(unit, UnitUpdate(version=unit.version, parent=parent))
    assert _problem(exc) == ("parent", problem)


def test_parent_choices_exclude_the_unit_and_those_below_it(ctx, tree):
    north = _unit("north")
    assert [u.code for u, _ in admin.parent_choices(north)] == ["center"]
    crew = _unit("north-crew-1")
    assert [u.code for u, _ in admin.parent_choices(crew)] == ["north", "south"]


def test_edit_areas_and_work_orders_bumps_the_version(ctx, tree):
    north = _unit("north")
    admin.update_unit(north, UnitUpdate(version=1 + 1, areas=["Hills"]))  # moved once by the fixture
    db.session.commit()
    assert north.version == 3 and [a.name for a in north.areas] == ["Hills"]
    admin.update_unit(north, UnitUpdate(version=3, takes_work_orders=False, on_call_phone="027-1234567"))
    db.session.commit()
    assert north.version == 4
    assert _entries("unit.update")[-1].detail == {
        "on_call_phone": [None, "027-1234567"], "takes_work_orders": [True, False],
    }
    with pytest.raises(ValidationFailed) as exc:
        find_unit("north")
    assert _problem(exc) == ("unit", "unit_takes_no_work")


def test_stale_version_is_a_conflict(ctx, tree):
    crew = _unit("north-crew-1")
    with pytest.raises(Conflict) as exc:
        admin.update_unit(crew, UnitUpdate(version=crew.version - 1, name="Late"))
    assert exc.value.details["current_version"] == crew.version


def test_deactivation_rules(ctx, tree):
    north, crew = _unit("north"), _unit("north-crew-1")
    with pytest.raises(Conflict) as exc:
        admin.deactivate_unit(north, north.version)
    assert exc.value.code == "unit_has_active_children" and "north-crew-1" in exc.value.message
    with pytest.raises(Conflict) as exc:
        admin.deactivate_unit(_unit("center"), _unit("center").version)
    assert exc.value.code == "center_stays_active"

    admin.deactivate_unit(crew, crew.version)
    admin.deactivate_unit(north, north.version)
    db.session.commit()
    assert not north.active and not crew.active
    with pytest.raises(ValidationFailed):
        find_unit("north-crew-1")  # a deactivated unit gets no new work
    with pytest.raises(Conflict) as exc:
        admin.reactivate_unit(crew, crew.version)
    assert exc.value.code == "parent_inactive"
    with pytest.raises(Conflict) as exc:
        admin.deactivate_unit(crew, crew.version)
    assert exc.value.code == "unit_inactive_already"

    admin.reactivate_unit(north, north.version)
    admin.reactivate_unit(crew, crew.version)
    db.session.commit()
    assert find_unit("north-crew-1") == crew
    assert [e.target_id for e in _entries("unit.deactivate")] == [str(crew.id), str(north.id)]
    assert [e.target_id for e in _entries("unit.reactivate")] == [str(north.id), str(crew.id)]
    assert _entries("unit.reactivate")[0].detail == {"active": [False, True]}
    assert [u.code for u, _ in admin.tree(include_inactive=False)] == [u.code for u, _ in admin.tree()]


# --- the API ---------------------------------------------------------------------------------


def test_api_list_is_the_tree_for_the_desk(api, tree):
    items = api("dispatcher").get("/api/v1/units").json["items"]
    assert [(i["code"], i["depth"], i["parent"]) for i in items] == [
        ("center", 0, None), ("north", 1, "center"), ("north-crew-1", 2, "north"), ("press-office", 1, "center"),
        ("south", 1, "center"),
    ]
    assert items[0]["takes_work_orders"] is False and items[0]["phone"] == "96116"
    admin_ = api("admin")
    south = admin_.get(f"/api/v1/units/{tree['south']}").json
    r = admin_.post(f"/api/v1/units/{tree['south']}/deactivate", json={"version": south["version"]})
    assert r.status_code == 200 and r.json["active"] is False
    assert "south" not in [i["code"] for i in api("board").get("/api/v1/units").json["items"]]
    assert "south" in [i["code"] for i in admin_.get("/api/v1/units?inactive=true").json["items"]]
    assert api("crew").get("/api/v1/units").status_code == 403


def test_api_create_edit_move(app, api, tree):
    admin_ = api("admin")
    r = admin_.post("/api/v1/units", json={"code": "north-crew-2", "name": "North crew 2", "kind": "crew",
                                          "parent": "north", "areas": ["Hills"], "on_call_phone": "027-85501100"})
    assert r.status_code == 201, r.json
    made = r.json
    assert (made["parent"], made["depth"], made["areas"], made["version"]) == ("north", 2, ["Hills"], 1)
    r = admin_.patch(f"/api/v1/units/{made['id']}", json={"version": 1, "parent": "south", "name": "South crew 2",
                                                          "code": "south-crew-2"})
    assert r.status_code == 200, r.json
    assert (r.json["parent"], r.json["code"], r.json["version"]) == ("south", "south-crew-2", 2)
    r = admin_.patch(f"/api/v1/units/{made['id']}", json={"version": 1, "name": "Stale"})
    assert r.status_code == 409 and r.json["code"] == "stale" and r.json["current_version"] == 2
    r = admin_.patch(f"/api/v1/units/{tree['north']}", json={"version": 2, "parent": "north-crew-1"})
    assert r.status_code == 422 and r.json["codes"] == {"parent": "unit_cycle"}
    r = admin_.post(f"/api/v1/units/{tree['north']}/deactivate", json={"version": 2})
    assert r.status_code == 409 and r.json["code"] == "unit_has_active_children"
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-3:] == ["unit.create", "unit.move", "unit.update"]


@pytest.mark.parametrize("body, field", [
    ({"name": "X", "kind": "crew", "parent": "north"}, "code"),
    ({"code": "Crew X", "name": "X", "kind": "crew", "parent": "north"}, "code"),
    ({"code": "crew-x", "name": "", "kind": "crew", "parent": "north"}, "name"),
    ({"code": "crew-x", "name": "X", "kind": "team", "parent": "north"}, "kind"),
    ({"code": "crew-x", "name": "X", "kind": "crew", "parent": "north", "phone": "call me"}, "phone"),
    ({"code": "crew-x", "name": "X", "kind": "crew", "parent": "north", "on_call_phone": "12"}, "on_call_phone"),
    ({"code": "crew-x", "name": "X", "kind": "crew", "parent": "north", "areas": "Hills"}, "areas"),
    ({"code": "crew-x", "name": "X", "kind": "crew", "parent": "north", "takes_work_orders": "maybe"}, "takes_work_orders"),
    ({"code": "crew-x", "name": "X", "kind": "crew", "parent": "north", "active": False}, "active"),
    ({"code": "crew-x", "name": "X", "kind": "crew"}, "parent"),
])
def test_api_create_422(api, tree, body, field):
    r = api("admin").post("/api/v1/units", json=body)
    assert r.status_code == 422 and field in r.json["fields"], r.json


@pytest.mark.parametrize("body, field", [
    ({"name": "X"}, "version"),
    ({"version": "one"}, "version"),
    ({"version": 2, "name": None}, "name"),
    ({"version": 2, "areas": ["Atlantis"]}, "areas"),
    ({"version": 2, "code": "south"}, "code"),
])
def test_api_update_422(api, tree, body, field):
    r = api("admin").patch(f"/api/v1/units/{tree['north']}", json=body)
    assert r.status_code == 422 and field in r.json["fields"], r.json


@pytest.mark.parametrize("path", ["/api/v1/units/999999", f"/api/v1/units/{2**64}", "/api/v1/units/0"])
def test_api_unknown_unit_404(api, tree, path):
    assert api("admin").get(path).status_code == 404
    assert api("admin").patch(path, json={"version": 1}).status_code == 404


def test_work_refused_for_a_unit_taking_none(api, tree):
    r = api("admin").post("/api/v1/routing-rules", json={"category": "leak", "unit": "center"})
    assert r.status_code == 422 and r.json["codes"] == {"unit": "unit_takes_no_work"}


# --- the pages --------------------------------------------------------------------------------


def _alerts(html: str) -> list[str]:
    """The messages shown in a page's forms (in the center's language, Chinese)."""
    return [m.strip() for m in re.findall(r'role="alert">([^<]+)<', html) if m.strip()]


def test_tree_page_and_adding_a_crew(session_client, tree):
    client, _ = session_client("admin")
    html = client.get("/settings/units").get_data(as_text=True)
    assert 'class="depth-2" data-code="north-crew-1"' in html and 'class="depth-0" data-code="center"' in html
    assert 'href="/settings/units"' in html  # the top bar's link
    form = {"code": "north-crew-2", "name": "North crew 2", "kind": "crew", "parent": "north", "phone": "",
            "on_call_phone": "027-85501100", "areas": ["Hills", "Riverside"], "takes_work_orders": "y",
            "csrf_token": csrf_from(html)}
    r = client.post("/settings/units", data=form)
    assert r.status_code == 302, _alerts(r.get_data(as_text=True))
    html = client.get("/settings/units").get_data(as_text=True)
    assert 'class="depth-2" data-code="north-crew-2"' in html and "Hills, Riverside" in html

    r = client.post("/settings/units", data={**form, "code": "crew-x", "parent": ""})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "此类单位（班组）须有上级单位。" in " ".join(_alerts(html))
    assert 'value="crew-x"' in html  # what was typed stays in the form


def test_edit_page_moves_and_refuses_a_stale_form(app, session_client, tree):
    client, _ = session_client("admin")
    html = client.get(f"/settings/units/{tree['north']}").get_data(as_text=True)
    parent_options = re.findall(r'<option value="([^"]*)"', html.split('name="parent"')[1].split("</select>")[0])
    assert parent_options == ["", "center"]  # neither itself nor its crew
    crew_page = client.get(f"/settings/units/{tree['north-crew-1']}").get_data(as_text=True)
    form = {"code": "north-crew-1", "name": "Crew one", "parent": "south", "phone": "", "on_call_phone": "",
            "areas": ["Hills"], "takes_work_orders": "y", "version": "1", "csrf_token": csrf_from(crew_page)}
    r = client.post(f"/settings/units/{tree['north-crew-1']}", data=form)
    assert r.status_code == 302, _alerts(r.get_data(as_text=True))
    with app.app_context():
        crew = db.session.get(Unit, tree["north-crew-1"])
        assert (crew.parent.code, crew.name, [a.name for a in crew.areas]) == ("south", "Crew one", ["Hills"])
    r = client.post(f"/settings/units/{tree['north-crew-1']}", data={**form, "name": "Again"})
    assert r.status_code == 409 and "已被他人修改" in " ".join(_alerts(r.get_data(as_text=True)))


def test_deactivate_and_reactivate_buttons(app, session_client, tree):
    client, _ = session_client("admin")
    html = client.get(f"/settings/units/{tree['south']}").get_data(as_text=True)
    token = csrf_from(html)
    r = client.post(f"/settings/units/{tree['north']}/deactivate", data={"version": "2", "csrf_token": token})
    assert r.status_code == 409 and "下仍有在用的单位（north-crew-1）" in " ".join(_alerts(r.get_data(as_text=True)))
    r = client.post(f"/settings/units/{tree['south']}/deactivate", data={"version": "2", "csrf_token": token})
    assert r.status_code == 302
    html = client.get(f"/settings/units/{tree['south']}").get_data(as_text=True)
    assert f"settings/units/{tree['south']}/reactivate" in html
    r = client.post(f"/settings/units/{tree['south']}/reactivate", data={"version": "x", "csrf_token": token})
    assert r.status_code == 422 and _alerts(r.get_data(as_text=True))
    r = client.post(f"/settings/units/{tree['south']}/reactivate", data={"version": "3", "csrf_token": token})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Unit, tree["south"]).active


def test_pages_have_no_inline_script(session_client, tree):
    client, _ = session_client("admin")
    for path in ("/settings/units", f"/settings/units/{tree['north']}"):
        html = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+=", html)


def test_only_admins_see_the_link(session_client, tree):
    client, _ = session_client("supervisor")
    assert 'href="/settings/units"' not in client.get("/settings/sla/policies").get_data(as_text=True)
    assert client.get("/settings/units").status_code == 403


# --- the CLI ----------------------------------------------------------------------------------


def test_cli_create_and_list(app, runner):
    r = runner.invoke(args=["units", "create", "hq", "--name", "HQ", "--kind", "center", "--phone", "96116",
                            "--no-work-orders"])
    assert r.exit_code == 0 and "created center hq" in r.output, r.output
    r = runner.invoke(args=["units", "create", "east", "--name", "East branch", "--kind", "branch", "--parent", "hq"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(args=["units", "create", "east-1", "--name", "East crew", "--kind", "crew", "--parent", "east"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(args=["units", "create", "stray", "--name", "Stray", "--kind", "crew"])
    assert r.exit_code != 0 and "parent" in r.output
    r = runner.invoke(args=["units", "list"])
    lines = r.output.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["hq", "  east", "    east-1"]
    assert "no work orders" in lines[0]
    with app.app_context():
        assert [e.action for e in _entries("unit.create")] == ["unit.create"] * 3
