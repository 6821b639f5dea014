"""Routing rules and categories edited by admins, on the settings pages and in the API:
rules name an active category and a unit that takes work, one rule per category and
area, stale edits answer 409, every change is audited, and the preview gives the very
unit the real routing gives a new ticket."""
import pytest
from sqlalchemy import select

from hotline.audit.models import AuditEvent
from hotline.core.extensions import db
from dispatch.routing.models import RoutingRule
from hotline.units.models import Unit


def _ticket(api, category: str, area: str | None = None) -> dict:
    body = {"category": category, "matter": "Water in the street", "caller": {"phone": "13900139000"}}
    if area:
        body["area"] = area
    r = api("operator").post("/api/v1/tickets", json=body)
    assert r.status_code == 201, r.json
    return r.json


def _rule(api, **body) -> dict:
    r = api("admin").post("/api/v1/routing-rules", json=body)
    assert r.status_code == 201, r.json
    return r.json


def _audit(app, prefix: str) -> list[AuditEvent]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def en(session_client):
    """en(role) -> a client signed in through the form that reads English."""

    def make(role="admin"):
        client, token = session_client(role)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client, token

    return make


# --- the API -----------------------------------------------------------------------------------


def test_rule_crud_in_the_api_is_audited(app, api, users):
    admin = api("admin")
    rule = _rule(api, category="leak", unit="south")
    assert rule == {"id": rule["id"], "category": "leak", "area": None, "unit": "south", "active": True, "version": 1}
    r = admin.patch(f"/api/v1/routing-rules/{rule['id']}", json={"area": "North", "unit": "north", "version": 1})
    assert r.status_code == 200 and (r.json["area"], r.json["unit"], r.json["version"]) == ("North", "north", 2)
    assert admin.get("/api/v1/routing-rules").json["items"] == [r.json]
    r = admin.patch(f"/api/v1/routing-rules/{rule['id']}", json={"active": False, "version": 1})
    assert r.status_code == 409 and r.json["current_version"] == 2
    assert admin.delete(f"/api/v1/routing-rules/{rule['id']}?version=1").status_code == 409
    assert admin.delete(f"/api/v1/routing-rules/{rule['id']}?version=2").status_code == 204
    assert admin.delete(f"/api/v1/routing-rules/{rule['id']}").status_code == 404
    assert admin.patch(f"/api/v1/routing-rules/{rule['id']}", json={"version": 1}).status_code == 404
    assert admin.get("/api/v1/routing-rules").json["items"] == []

    entries = _audit(app, "routing.")
    assert [e.action for e in entries] == ["routing.create", "routing.update", "routing.delete"]
    assert all(e.actor_id == users["admin"] and e.target_type == "routing_rule" for e in entries)
    assert entries[0].detail == {"active": [None, True], "category": [None, "leak"], "unit": [None, "south"]}
    assert entries[1].detail == {"area": [None, "North"], "unit": ["south", "north"]}
    assert entries[2].detail["unit"] == ["north", None]


def test_a_patch_that_changes_nothing_records_nothing(app, api):
    rule = _rule(api, category="leak", unit="south")
    r = api("admin").patch(f"/api/v1/routing-rules/{rule['id']}", json={"unit": "south", "version": 1})
    assert r.status_code == 200 and r.json["version"] == 1
    assert [e.action for e in _audit(app, "routing.")] == ["routing.create"]


@pytest.mark.parametrize("body,field,code", [
    ({"category": "nope", "unit": "north"}, "category", "unknown_category"),
    ({"category": "leak", "unit": "mars"}, "unit", "unknown_unit"),
    ({"category": "leak"}, "unit", "required"),
    ({"category": "leak", "unit": "north", "area": "x" * 81}, "area", "too_long_text"),
    ({"category": "leak", "unit": "north", "priority": "urgent"}, "priority", "not_expected"),
])
def test_bad_rules_are_422_with_codes(api, units, body, field, code):
    r = api("admin").post("/api/v1/routing-rules", json=body)
    assert r.status_code == 422 and r.json["codes"][field] == code, r.json


def test_one_rule_per_category_and_area(app, api, units):
    any_area = _rule(api, category="leak", unit="south")
    north = _rule(api, category="leak", area="North", unit="north")
    for body in ({"category": "leak", "unit": "north"},  # a second 'any area' (NULL: the key lets it by)
                 {"category": "leak", "area": "", "unit": "north"},
                 {"category": "leak", "area": "North", "unit": "south"}):
        r = api("admin").post("/api/v1/routing-rules", json=body)
        assert r.status_code == 422 and r.json["codes"] == {"area": "rule_exists"}, r.json
    r = api("admin").patch(f"/api/v1/routing-rules/{north['id']}", json={"area": None, "version": 1})
    assert r.status_code == 422 and r.json["codes"] == {"area": "rule_exists"}
    assert _rule(api, category="repair", unit="north")["category"] == "repair"  # another category: fine
    assert any_area["area"] is None


def test_a_rule_names_an_active_category_and_a_unit_that_takes_work(app, api, units):
    with app.app_context():
        db.session.get(Unit, units["south"]).active = False
        db.session.commit()
    r = api("admin").post("/api/v1/routing-rules", json={"category": "leak", "unit": "south"})
    assert r.status_code == 422 and r.json["codes"] == {"unit": "unit_takes_no_work"}
    category = api("admin").post("/api/v1/categories", json={"code": "flood", "name_en": "Flood", "name_zh": "水浸",
                                                              "active": False}).json
    r = api("admin").post("/api/v1/routing-rules", json={"category": "flood", "unit": "north"})
    assert r.status_code == 422 and r.json["codes"] == {"category": "category_inactive"}
    # An inactive rule may name them (a rule is switched off when its unit closes).
    off = api("admin").post("/api/v1/routing-rules", json={"category": "flood", "unit": "south", "active": False})
    assert off.status_code == 201
    r = api("admin").patch(f"/api/v1/routing-rules/{off.json['id']}", json={"active": True, "version": 1})
    assert r.status_code == 422 and r.json["codes"] == {"category": "category_inactive"}
    assert category["active"] is False


# --- the preview is the routing ------------------------------------------------------------------


def _preview_unit(api, category, area=None):
    r = api("admin").get(f"/api/v1/routing-preview?category={category}" + (f"&area={area}" if area else ""))
    assert r.status_code == 200, r.json
    return r.json


@pytest.mark.parametrize("category,area", [
    ("leak", "North"), ("leak", "East"), ("leak", None), ("repair", "North"), ("repair", "East"),
    ("complaint", None),
])
def test_preview_agrees_with_real_routing(app, api, units, category, area):
    _rule(api, category="leak", unit="south")
    _rule(api, category="leak", area="North", unit="north-crew-1")
    _rule(api, category="repair", area="North", unit="north")
    off = _rule(api, category="repair", area="East", unit="south", active=False)
    assert off["active"] is False
    preview = _preview_unit(api, category, area)
    ticket = _ticket(api, category, area)
    assert ticket["unit"] == (preview["unit"]["code"] if preview["unit"] else None)
    assert (ticket["status"] == "dispatched") == (preview["rule"] is not None)


def test_preview_follows_a_unit_that_stops_taking_work(app, api, units):
    _rule(api, category="leak", unit="south")
    crew_rule = _rule(api, category="leak", area="North", unit="north-crew-1")
    assert _preview_unit(api, "leak", "North")["rule"]["id"] == crew_rule["id"]
    with app.app_context():
        db.session.get(Unit, units["crew"]).active = False
        db.session.commit()
    preview = _preview_unit(api, "leak", "North")
    assert preview["unit"]["code"] == "south" and preview["rule"]["area"] is None  # the any-area rule
    assert _ticket(api, "leak", "North")["unit"] == "south"


def test_preview_of_an_unknown_category_is_422(api, units):
    r = api("admin").get("/api/v1/routing-preview?category=nope")
    assert r.status_code == 422 and r.json["codes"] == {"category": "unknown_category"}
    assert api("admin").get("/api/v1/routing-preview").status_code == 422
    assert api("supervisor").get("/api/v1/routing-preview?category=leak").status_code == 403


# --- the page ------------------------------------------------------------------------------------


def _form(token, **fields):
    return {"csrf_token": token, "active": "y", **fields}


def test_the_page_adds_edits_and_deletes_rules(app, en, units):
    client, token = en()
    r = client.post("/settings/routing", data=_form(token, category="leak", area="", unit="south"))
    assert r.status_code == 302
    r = client.post("/settings/routing", data=_form(token, category="leak", area="North", unit="north"))
    assert r.status_code == 302
    html = client.get("/settings/routing").get_data(as_text=True)
    assert "Leak" in html and "any area" in html and "North branch" in html and html.count("data-rule=") == 2
    with app.app_context():
        from dispatch.routing.models import RoutingRule

        north = db.session.scalar(select(RoutingRule).where(RoutingRule.area == "North"))
        north_id, north_version = north.id, north.version
    edit = client.get(f"/settings/routing?edit={north_id}").get_data(as_text=True)
    assert "Edit rule" in edit and f'name="id" value="{north_id}"' in edit
    # Deactivate: the box unticked.
    r = client.post("/settings/routing", data={"csrf_token": token, "id": north_id, "version": north_version,
                                               "category": "leak", "area": "North", "unit": "north"})
    assert r.status_code == 302
    # The same form again carries the old version: someone else changed it meanwhile.
    r = client.post("/settings/routing", data=_form(token, id=north_id, version=north_version, category="leak",
                                                    area="North", unit="north"))
    assert r.status_code == 409 and "was changed by someone else" in r.get_data(as_text=True)
    r = client.post(f"/settings/routing/{north_id}/delete", data={"csrf_token": token, "version": north_version + 1})
    assert r.status_code == 302
    assert client.get("/settings/routing").get_data(as_text=True).count("data-rule=") == 1
    assert [e.action for e in _audit(app, "routing.")] == ["routing.create", "routing.create", "routing.update",
                                                           "routing.delete"]


def test_page_errors_are_shown_in_the_form(app, en, units):
    client, token = en()
    client.post("/settings/routing", data=_form(token, category="leak", area="North", unit="north"))
    r = client.post("/settings/routing", data=_form(token, category="leak", area="North", unit="south"))
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "There is a rule for this category and area already." in html
    assert 'value="North"' in html  # what was typed comes back
    r = client.post("/settings/routing", data=_form(token, category="", area="", unit=""))
    assert r.status_code == 422 and "Required." in r.get_data(as_text=True)
    r = client.post("/settings/routing", data=_form(token, id="99999999999999999999999", version="1", category="leak",
                                                    unit="north"))
    assert r.status_code == 404
    r = client.post("/settings/routing/999999/delete", data={"csrf_token": token})
    assert r.status_code == 404 and "No routing rule 999999" in r.get_data(as_text=True)
    assert client.get("/settings/routing?edit=abc").status_code == 200


def test_the_page_previews_with_the_routing(app, api, en, units):
    _rule(api, category="leak", unit="south")
    _rule(api, category="leak", area="North", unit="north")
    client, _ = en()
    html = client.get("/settings/routing?category=leak&area=North").get_data(as_text=True)
    assert 'id="preview-result"' in html and "North branch" in html.split('id="preview-result"')[1]
    assert "By the rule for North." in html
    html = client.get("/settings/routing?category=leak&area=East").get_data(as_text=True)
    assert "South branch" in html.split('id="preview-result"')[1] and "By the rule for any area." in html
    html = client.get("/settings/routing?category=repair").get_data(as_text=True)
    assert "No rule: stays at the center." in html
    assert _ticket(api, "repair")["status"] == "new"
    html = client.get("/settings/routing?category=nope").get_data(as_text=True)
    assert "Unknown category" in html and 'id="preview-result"' not in html
    assert '<option value="North">' in html  # the areas offered


def test_only_admins_see_the_routing_page(session_client):
    for role in ("supervisor", "manager", "dispatcher"):
        client, _ = session_client(role)
        assert client.get("/settings/routing").status_code == 403
    client, _ = session_client("admin")
    assert 'href="/settings/routing"' in client.get("/settings/categories").get_data(as_text=True)


# --- categories ----------------------------------------------------------------------------------


def test_categories_in_the_api(app, api, users):
    admin = api("admin")
    r = admin.post("/api/v1/categories", json={"code": "flood", "name_en": "Flood", "name_zh": "水浸", "sort_order": 15})
    assert r.status_code == 201 and r.json["version"] == 1 and r.json["active"] is True
    assert admin.post("/api/v1/categories", json={"code": "flood", "name_en": "F", "name_zh": "F"}).json["codes"] == {
        "code": "code_taken"}
    assert admin.post("/api/v1/categories", json={"code": "Flood!", "name_en": "F", "name_zh": "F"}).status_code == 422
    r = admin.patch("/api/v1/categories/flood", json={"name_zh": "内涝", "active": False, "version": 1})
    assert r.status_code == 200 and (r.json["name_zh"], r.json["active"], r.json["version"]) == ("内涝", False, 2)
    r = admin.patch("/api/v1/categories/flood", json={"sort_order": 1, "version": 1})
    assert r.status_code == 409 and r.json["current_version"] == 2
    assert admin.patch("/api/v1/categories/flood", json={"code": "x", "version": 2}).json["codes"] == {"code": "not_expected"}
    assert admin.patch("/api/v1/categories/nope", json={"version": 1}).status_code == 404
    assert "flood" not in [c["code"] for c in api("operator").get("/api/v1/categories").json["items"]]
    assert "flood" in [c["code"] for c in admin.get("/api/v1/categories?all=true").json["items"]]
    assert api("operator").post("/api/v1/categories", json={"code": "x", "name_en": "X", "name_zh": "X"}).status_code == 403
    entries = _audit(app, "category.")
    assert [e.action for e in entries] == ["category.create", "category.update"]
    assert entries[1].detail == {"active": [True, False], "name_zh": ["水浸", "内涝"]}
    assert entries[1].target_type == "category" and entries[1].actor_id == users["admin"]


def test_the_categories_page_is_audited_and_checks_the_version(app, en):
    client, token = en()
    with app.app_context():
        from hotline.tickets.models import Category

        leak = db.session.scalar(select(Category).where(Category.code == "leak"))
        old_name = leak.name_en
        form = {"csrf_token": token, "id": leak.id, "version": leak.version, "code": "leak", "name_en": "Water leak",
                "name_zh": leak.name_zh, "default_priority": leak.default_priority.value, "sort_order": leak.sort_order,
                "active": "y"}
    assert client.post("/settings/categories", data=form).status_code == 302
    r = client.post("/settings/categories", data={**form, "name_en": "Leak again"})
    assert r.status_code == 409 and "was changed by someone else" in r.get_data(as_text=True)
    entries = _audit(app, "category.")
    assert [e.action for e in entries] == ["category.update"] and entries[0].detail == {"name_en": [old_name, "Water leak"]}


@pytest.mark.parametrize("area", ["North", None])
def test_two_admins_adding_the_same_rule_at_once_get_one_rule_and_a_422(app, units, area):
    """Both transactions look before either has written: the first wins, the second is
    refused as a duplicate (on PostgreSQL by the database's unique keys, a NULL area's
    included; on SQLite the second waits for the write lock and then sees the first)."""
    import threading

    from dispatch.routing.services import create_rule
    from dispatch.schemas import RoutingRuleIn
    from hotline.core.errors import ValidationFailed

    first_written, outcomes = threading.Event(), {}

    def admin(name: str, hold: bool) -> None:
        with app.app_context():
            try:
                create_rule(RoutingRuleIn(category="leak", area=area, unit="north"))
                if hold:
                    first_written.set()
                    threading.Event().wait(0.5)  # the other one is writing meanwhile
                db.session.commit()
                outcomes[name] = "created"
            except ValidationFailed as exc:
                db.session.rollback()
                outcomes[name] = {path: p.code for path, p in exc.problems.items()}
            finally:
                first_written.set()

    one = threading.Thread(target=admin, args=("one", True))
    one.start()
    first_written.wait(5)
    two = threading.Thread(target=admin, args=("two", False))
    two.start()
    one.join(10), two.join(10)
    assert outcomes == {"one": "created", "two": {"area": "rule_exists"}}
    with app.app_context():
        rules = db.session.scalars(select(RoutingRule).where(RoutingRule.area.is_(None) if area is None
                                                              else RoutingRule.area == area)).all()
        assert len([r for r in rules if r.category.code == "leak"]) == 1
