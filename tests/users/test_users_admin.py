"""User administration: the API (/api/v1/users), the pages (/settings/users), the CLI's
create-admin, the audit trail. Through the real routes, on the real database."""
import pytest
from fixtures.app import login
from sqlalchemy import select

from hotline.audit.models import AuditEvent
from hotline.core.extensions import db
from hotline.users.models import User

STRONG = "ferry lantern quietly 97"
EN = {"Accept-Language": "en"}  # the test center has no language of its own (tests/conftest.py)


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _audit(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


# --- the API ---------------------------------------------------------------------------------


def test_create_makes_up_a_temporary_password_shown_once(app, api, units):
    r = api("admin").post("/api/v1/users", json={"username": "li.na", "display_name": "Li Na", "role": "crew",
                                                 "unit": "north-crew-1", "locale": "zh_CN"})
    assert r.status_code == 201, r.json
    body = r.json
    assert r.headers["Location"].endswith("/api/v1/users/li.na")
    assert body["unit"] == {"code": "north-crew-1", "name": "North crew 1"}
    assert body["must_change_password"] is True and body["version"] == 1 and body["locale"] == "zh_CN"
    temporary = body["temporary_password"]
    assert len(temporary) >= 16
    assert "password_hash" not in r.get_data(as_text=True)
    with app.app_context():
        user = _user("li.na")
        assert user.check_password(temporary) and user.password_hash not in r.get_data(as_text=True)
        (entry,) = _audit("user.create")
        assert entry.target_id == str(user.id) and entry.actor_name == "Admin One"
        assert entry.detail["role"] == [None, "crew"] and entry.detail["unit"] == [None, "north-crew-1"]
        assert temporary not in str(entry.detail)
    # read back: never a password, and no made-up password any more
    got = api("admin").get("/api/v1/users/li.na").json
    assert "temporary_password" not in got and "password_hash" not in got


def test_create_with_the_admins_temporary_password(app, api, users):
    r = api("admin").post("/api/v1/users", json={"username": "wang", "display_name": "Wang", "role": "operator",
                                                 "password": STRONG})
    assert r.status_code == 201 and r.json["temporary_password"] is None
    with app.app_context():
        assert _user("wang").check_password(STRONG) and _user("wang").must_change_password


@pytest.mark.parametrize("body,field,code", [
    ({"username": "operator"}, "username", "user_exists"),
    ({"username": "bad name"}, "username", "wrong_form"),
    ({"role": "emperor"}, "role", "not_allowed_value"),
    ({"role": "crew"}, "unit", "crew_needs_unit"),
    ({"unit": "atlantis"}, "unit", "unknown_unit"),
    ({"locale": "fr"}, "locale", "not_allowed_value"),
    ({"password": "short"}, "password", "too_short_text"),
    ({"password": "password123456"}, "password", "password_weak"),
    ({"password": "newbie-lantern-97"}, "password", "password_has_username"),
    ({"password_hash": "x"}, "password_hash", "not_expected"),
])
def test_create_refuses_bad_input_with_codes(api, users, body, field, code):
    r = api("admin").post("/api/v1/users", json={"username": "newbie", "display_name": "N", "role": "operator", **body})
    assert r.status_code == 422, r.json
    assert r.json["codes"] == {field: code}


def test_list_filters_by_role_unit_active_and_name(app, api, users, units):
    a = api("admin")
    all_ = a.get("/api/v1/users").json
    assert all_["total"] == len(users) and "password_hash" not in str(all_)
    assert [u["username"] for u in a.get("/api/v1/users?role=crew").json["items"]] == ["crew"]
    assert [u["username"] for u in a.get("/api/v1/users?unit=north").json["items"]] == ["crew"]
    assert a.get("/api/v1/users?unit=south").json["items"] == []
    assert [u["username"] for u in a.get("/api/v1/users?q=SUPERVISOR").json["items"]] == ["supervisor"]
    assert [u["username"] for u in a.get("/api/v1/users?q=Manager%20One").json["items"]] == ["manager"]
    assert a.get("/api/v1/users?q=%25").json["items"] == []  # a literal %, not a wildcard
    a.post("/api/v1/users/board/deactivate", json={})
    assert [u["username"] for u in a.get("/api/v1/users?active=false").json["items"]] == ["board"]
    assert a.get("/api/v1/users?active=true").json["total"] == len(users) - 1
    paged = a.get("/api/v1/users?per_page=2&page=2").json
    assert (paged["total"], paged["page"], len(paged["items"])) == (len(users), 2, 2)
    assert a.get("/api/v1/users?active=perhaps").status_code == 422
    assert a.get("/api/v1/users?per_page=0").status_code == 422


def test_nobody_but_an_admin_sees_users(api, users):
    for role in ("operator", "dispatcher", "supervisor", "manager", "crew", "board"):
        r = api(role).get("/api/v1/users")
        assert r.status_code == 403 and r.json["error"], role
    assert api("admin").get("/api/v1/users/ghost").status_code == 404
    assert api("admin").get("/api/v1/users/" + "x" * 500).status_code == 404


def test_patch_changes_only_what_is_sent_and_409_when_stale(app, api, users, units):
    a = api("admin")
    r = a.patch("/api/v1/users/operator", json={"role": "crew", "unit": "north-crew-1", "version": 1})
    assert r.status_code == 200, r.json
    assert (r.json["role"], r.json["unit"]["code"], r.json["display_name"], r.json["version"]) == (
        "crew", "north-crew-1", "Operator One", 2)
    stale = a.patch("/api/v1/users/operator", json={"display_name": "Late", "version": 1})
    assert stale.status_code == 409 and stale.json["code"] == "stale" and stale.json["current_version"] == 2
    assert a.patch("/api/v1/users/operator", json={"display_name": "X"}).json["codes"] == {"version": "required"}
    r = a.patch("/api/v1/users/operator", json={"locale": "en", "version": 2})
    assert (r.json["locale"], r.json["role"]) == ("en", "crew")
    # a crew user keeps a unit
    r = a.patch("/api/v1/users/operator", json={"unit": None, "version": 3})
    assert r.status_code == 422 and r.json["codes"] == {"unit": "crew_needs_unit"}
    with app.app_context():
        (entry, second) = _audit("user.update")
        assert entry.detail == {"role": ["operator", "crew"], "unit": [None, "north-crew-1"]}
        assert second.detail == {"locale": [None, "en"]}


def test_patch_role_takes_effect_on_the_next_request(api, users):
    assert api("operator").get("/api/v1/tickets").status_code == 200
    api("admin").patch("/api/v1/users/operator", json={"role": "board", "version": 1})
    assert api("operator").get("/api/v1/tickets").status_code == 403


def test_deactivate_ends_sessions_and_tokens_reactivate_restores(app, api, users, session_client):
    client, _ = session_client("operator")
    assert client.get("/api/v1/tickets").status_code == 200
    r = api("admin").post("/api/v1/users/operator/deactivate", json={"version": 1})
    assert r.status_code == 200 and r.json["active"] is False
    assert client.get("/api/v1/tickets").status_code == 401
    assert client.get("/tickets").status_code == 302
    assert api("operator").get("/api/v1/tickets").status_code == 401
    assert login(app.test_client(), "operator")[0].status_code == 401
    again = api("admin").post("/api/v1/users/operator/deactivate", json={})  # nothing to do: no second entry
    assert again.status_code == 200
    r = api("admin").post("/api/v1/users/operator/reactivate", json={})
    assert r.status_code == 200 and r.json["active"] is True
    assert login(app.test_client(), "operator")[0].status_code == 302
    assert client.get("/api/v1/tickets").status_code == 401  # the old session stays ended
    with app.app_context():
        assert len(_audit("user.deactivate")) == 1 and len(_audit("user.reactivate")) == 1


def test_an_admin_cannot_lock_the_center_out(app, api, users):
    a = api("admin")
    r = a.post("/api/v1/users/admin/deactivate", json={})
    assert r.status_code == 409 and r.json["code"] == "not_yourself"
    r = a.patch("/api/v1/users/admin", json={"role": "operator", "version": 1})
    assert r.status_code == 409 and r.json["code"] == "not_yourself"
    # a second admin may not remove the last other one either
    a.post("/api/v1/users", json={"username": "admin2", "display_name": "Admin Two", "role": "admin",
                                  "password": STRONG})
    with app.app_context():
        db.session.get(User, users["admin"]).active = False  # the first admin leaves (as by another admin)
        db.session.commit()
        from hotline.users import admin as service

        with pytest.raises(Exception) as refused:
            service.deactivate(_user("admin2"), None)
        assert refused.value.code == "last_admin"
        db.session.rollback()


def test_reset_password_ends_sessions_and_forces_a_change(app, api, users, session_client):
    client, _ = session_client("dispatcher")
    r = api("admin").post("/api/v1/users/dispatcher/reset-password", json={})
    assert r.status_code == 200 and r.json["must_change_password"] is True
    temporary = r.json["temporary_password"]
    assert client.get("/api/v1/tickets").status_code == 401  # the old session cookie is dead
    assert client.get("/dispatch").status_code == 302
    assert login(app.test_client(), "dispatcher")[0].status_code == 401  # the old password is gone
    assert login(app.test_client(), "dispatcher", temporary)[0].status_code == 302
    given = api("admin").post("/api/v1/users/dispatcher/reset-password", json={"password": STRONG})
    assert given.json["temporary_password"] is None
    weak = api("admin").post("/api/v1/users/dispatcher/reset-password", json={"password": "dispatcher1"})
    assert weak.status_code == 422
    stale = api("admin").post("/api/v1/users/dispatcher/reset-password", json={"version": 1})
    assert stale.status_code == 409
    with app.app_context():
        entries = _audit("user.password_reset")
        assert len(entries) == 2 and all(e.detail is None for e in entries)


# --- the pages -------------------------------------------------------------------------------


def test_users_page_lists_and_filters_a_units_members(session_client, users, units):
    client, _ = session_client("admin")
    html = client.get("/settings/users").get_data(as_text=True)
    assert all(f'data-user="{name}"' in html for name in users)
    members = client.get("/settings/users?unit=north", headers=EN).get_data(as_text=True)
    assert 'data-user="crew"' in members and 'data-user="operator"' not in members
    assert "Members of North branch" in members
    r = client.get("/settings/users?active=maybe")
    assert r.status_code == 422 and 'data-user="crew"' in r.get_data(as_text=True)


def test_page_create_shows_the_password_once_then_edit_and_deactivate(app, session_client, users, units):
    client, token = session_client("admin")
    r = client.post("/settings/users", data={"username": "zhao", "display_name": "Zhao Min", "role": "crew",
                                             "unit": "north-crew-1", "locale": "", "csrf_token": token})
    assert r.status_code == 201
    assert r.headers["Cache-Control"] == "no-store"
    html = r.get_data(as_text=True)
    with app.app_context():
        user = _user("zhao")
        shown = html.split('id="temporary-password">')[1].split("<")[0]
        assert user.check_password(shown) and user.unit.code == "north-crew-1"
    assert shown not in client.get("/settings/users/zhao").get_data(as_text=True)

    bad = client.post("/settings/users", data={"username": "zhao", "display_name": "", "role": "crew",
                                               "csrf_token": token})
    assert bad.status_code == 422 and 'data-error-for="display_name"' in bad.get_data(as_text=True)

    r = client.post("/settings/users/zhao", data={"display_name": "Zhao M.", "role": "crew", "unit": "north-crew-1",
                                                  "locale": "en", "version": "1", "csrf_token": token})
    assert r.status_code == 302
    stale = client.post("/settings/users/zhao", data={"display_name": "Late", "role": "crew", "unit": "north-crew-1",
                                                      "version": "1", "csrf_token": token}, headers=EN)
    assert stale.status_code == 409 and "changed by someone else" in stale.get_data(as_text=True)
    assert client.post("/settings/users/zhao/deactivate", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert (_user("zhao").display_name, _user("zhao").locale, _user("zhao").active) == ("Zhao M.", "en", False)
    assert "Reactivate" in client.get("/settings/users/zhao", headers=EN).get_data(as_text=True)
    assert client.get("/settings/users/nobody").status_code == 404


def test_page_reset_ends_the_users_open_page(session_client, users):
    operator, _ = session_client("operator")
    admin, token = session_client("admin")
    r = admin.post("/settings/users/operator/reset-password", data={"csrf_token": token})
    assert r.status_code == 200 and 'id="temporary-password"' in r.get_data(as_text=True)
    assert r.headers["Cache-Control"] == "no-store"
    r = operator.get("/tickets")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    refused = admin.post("/settings/users/admin/deactivate", data={"csrf_token": token})
    assert refused.status_code == 409


def test_the_nav_links_users_for_admins_only(session_client, users):
    admin, _ = session_client("admin")
    assert 'href="/settings/users"' in admin.get("/settings").get_data(as_text=True)
    manager, _ = session_client("manager")
    assert 'href="/settings/users"' not in manager.get("/settings").get_data(as_text=True)


# --- the CLI and a fresh install -------------------------------------------------------------


def test_fresh_install_tells_how_to_create_the_first_admin(app, client, runner):
    assert "create-admin" in client.get("/login").get_data(as_text=True)
    weak = runner.invoke(args=["create-admin", "boss", "--password", "boss12345678"])
    assert weak.exit_code != 0 and "username" in weak.output
    weak = runner.invoke(args=["create-admin", "boss", "--password", "password1234"])
    assert weak.exit_code != 0 and "too easy to guess" in weak.output
    r = runner.invoke(args=["create-admin", "boss", "--name", "The Boss"], input=f"{STRONG}\n{STRONG}\n")
    assert r.exit_code == 0, r.output
    assert "created admin boss" in r.output
    assert "create-admin" not in client.get("/login").get_data(as_text=True)
    assert login(client, "boss", STRONG)[0].status_code == 302
    assert client.get("/settings/users").status_code == 200  # not sent to change a password they chose
    with app.app_context():
        (entry,) = _audit("user.create")
        assert entry.actor_id is None and entry.detail["role"] == [None, "admin"]


def test_create_user_with_a_unit(app, runner, units):
    r = runner.invoke(args=["create-user", "east1", "--role", "crew", "--unit", "north-crew-1", "--password", STRONG])
    assert r.exit_code == 0, r.output
    r = runner.invoke(args=["create-user", "east2", "--role", "crew", "--password", STRONG])
    assert r.exit_code != 0 and "unit" in r.output
