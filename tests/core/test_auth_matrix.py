"""Who may call what: every role, anonymous, a revoked and a garbage token, against
every endpoint of the app. The list of endpoints comes from `app.url_map`, so a new
endpoint without a row here FAILS `test_every_route_is_in_the_matrix`.

The allowed roles are written out by hand (not imported from permissions.py): a
change of who may do what must change this table too."""
from datetime import datetime, timezone

import pytest
from fixtures.app import PASSWORD, csrf_from

from hotline.core import clock
from hotline.core.extensions import db
from hotline.tickets import services
from hotline.tickets.models import Channel
from hotline.tickets.schemas import TicketCreate
from hotline.users.models import Role, User
from hotline.users.services import create_token, revoke_token

O, D, S, A, C, B = "operator", "dispatcher", "supervisor", "admin", "crew", "board"
M = "manager"

# Routes that are open by design: signing in/out, liveness, assets, the API description.
PUBLIC = {
    "users.login": "the sign-in form",
    "users.logout": "signing out (login_required: needs a session, no role)",
    "health.healthz": "liveness for the load balancer",
    "static": "assets",
    "api.openapi_json": "the API description",
    "dispatch.kiosk": "a wall screen signs in with a board token (a sign-in route)",
}

# (method, endpoint) -> (allowed roles, status an allowed role gets; None = "not 401/403",
# for endpoints whose happy path needs a state other suites set up).
API = {
    ("POST", "api.create_ticket"): ({O, S, M}, 201),
    ("GET", "api.list_tickets"): ({O, D, S, M, C}, 200),
    ("GET", "api.get_ticket"): ({O, D, S, M, C}, 200),
    ("POST", "api.add_note"): ({O, D, S, M, C}, 201),
    ("POST", "api.cancel_ticket"): ({O, S, M}, 200),
    ("GET", "api.caller_tickets"): ({O, S, M}, 200),
    ("GET", "api.list_categories"): ({O, D, S, M, C, A}, 200),
    # categories and routing rules (tests/dispatch/test_routing_admin.py): admins edit
    ("POST", "api.create_category"): ({A}, 201),
    ("PATCH", "api.update_category"): ({A}, 200),
    ("POST", "api.create_routing_rule"): ({A}, 201),
    ("PATCH", "api.update_routing_rule"): ({A}, None),  # 404: no such rule
    ("DELETE", "api.delete_routing_rule"): ({A}, None),  # 404: no such rule
    ("GET", "api.routing_preview"): ({A}, 200),
    # the audit log (tests/audit/test_audit_pages.py): admins and managers
    ("GET", "api.audit_log"): ({A, M}, 200),
    ("POST", "api.reveal_caller"): ({S, M}, 200),  # audited (caller.reveal)
    # dispatch side (owned by the dispatch work; its flows are tested in test_dispatch_flow.py)
    ("POST", "api.dispatch_ticket"): ({D, S, M}, None),
    ("POST", "api.transfer_ticket"): ({D, S, M}, None),
    ("POST", "api.return_ticket"): ({C, S, M}, None),
    ("POST", "api.step_ticket"): ({C, D, S, M}, None),
    ("GET", "api.board"): ({O, D, S, M, B}, 200),
    # the dispatch desk (tests/dispatch/test_desk_api.py): details, several at once, saved views
    ("GET", "api.desk_tickets"): ({D, S, M}, 200),
    ("GET", "api.desk_board"): ({D, S, M}, 200),  # the desk's snapshot, filtered
    ("POST", "api.desk_dispatch"): ({D, S, M}, 200),  # per item: the stale version is that item's 409
    ("GET", "api.desk_views"): ({D, S, M}, 200),
    ("POST", "api.save_desk_view"): ({D, S, M}, None),  # 201 the first time, 200 saved over
    ("DELETE", "api.delete_desk_view"): ({D, S, M}, None),  # 404: not one's own
    ("GET", "api.work_orders"): ({C, D, S, M}, 200),
    ("GET", "api.units"): ({O, D, S, M, B, A}, 200),
    # the unit tree (tests/units/test_units_admin.py): the desk and the board read it, admins change it
    ("GET", "api.get_unit"): ({O, D, S, M, B, A}, 200),
    ("POST", "api.create_unit"): ({A}, 201),
    ("PATCH", "api.update_unit"): ({A}, 200),
    ("POST", "api.deactivate_unit"): ({A}, 409),  # the north branch still has an active crew
    ("POST", "api.reactivate_unit"): ({A}, 409),  # active already
    ("GET", "api.routing_rules"): ({A}, 200),
    # SLA settings (tests/test_sla_settings.py): admins edit, supervisors and managers read
    ("GET", "api.sla_policies"): ({S, M, A}, 200),
    ("POST", "api.create_sla_policy"): ({A}, 201),
    ("PUT", "api.update_sla_policy"): ({A}, 200),
    ("GET", "api.sla_calendars"): ({S, M, A}, 200),
    ("POST", "api.create_sla_calendar"): ({A}, 201),
    ("PUT", "api.update_sla_calendar"): ({A}, 200),
    ("POST", "api.put_sla_calendar_day"): ({A}, 201),
    ("DELETE", "api.remove_sla_calendar_day"): ({A}, None),  # 404: no exception on that day
    ("GET", "api.preview_sla_calendar"): ({S, M, A}, 200),
    ("GET", "api.areas"): ({S, M, A}, 200),
    ("POST", "api.create_area"): ({A}, 201),
    ("PUT", "api.update_area"): ({A}, None),  # 404: no area yet
    # handover and duty log (rules and flows in test_handover.py, test_dutylog.py);
    # a handover that does not exist: 404 for those who may, 403/401 for the rest
    ("GET", "api.list_handovers"): ({O, D, S, M}, 200),
    ("POST", "api.open_handover"): ({O, D, S, M}, 201),
    ("GET", "api.get_handover"): ({O, D, S, M}, None),
    ("PATCH", "api.update_handover"): ({O, D, S, M}, None),
    ("POST", "api.refresh_handover"): ({O, D, S, M}, None),
    ("POST", "api.review_handover_item"): ({O, D, S, M}, None),
    ("POST", "api.acknowledge_all_handover_items"): ({O, D, S, M}, None),
    ("POST", "api.sign_handover"): ({O, D, S, M}, None),
    ("POST", "api.override_handover"): ({S, M}, None),
    ("POST", "api.add_handover_addendum"): ({O, D, S, M}, None),
    ("GET", "api.verify_handover"): ({O, D, S, M}, None),
    ("GET", "api.list_standing_items"): ({O, D, S, M}, 200),
    ("POST", "api.add_standing_item"): ({O, D, S, M}, 201),
    ("POST", "api.close_standing_item"): ({O, D, S, M}, None),
    ("GET", "api.get_checklist"): ({O, D, S, M, A}, 200),
    ("PUT", "api.save_checklist"): ({S, M, A}, None),
    ("GET", "api.duty_log_day"): ({O, D, S, M}, 200),
    ("POST", "api.add_duty_log_entry"): ({O, D, S, M}, 201),
    ("POST", "api.review_duty_log"): ({S, M}, None),  # the second reviewer of a day: 409
    ("GET", "api.search_duty_log"): ({O, D, S, M}, 200),
    # callbacks 回访 (tests/test_callbacks_api.py); an attempt on an unknown callback: 404
    ("GET", "api.list_callbacks"): ({O, S, M}, 200),
    ("POST", "api.record_attempt"): ({O, S, M}, None),
    ("GET", "api.callback_rates"): ({S, M}, 200),
    # SLA supervision (tests/test_sla_api.py); acknowledging or deciding an unknown id: 404
    ("GET", "api.sla_alerts"): ({S, M}, 200),
    ("POST", "api.acknowledge_sla_alert"): ({S, M}, None),
    ("POST", "api.acknowledge_sla_alerts"): ({S, M}, None),  # an unknown id: 422
    ("GET", "api.sla_escalations"): ({C, D, S, M}, 200),
    ("POST", "api.acknowledge_sla_escalation"): ({C, D, S, M}, None),
    ("GET", "api.sla_extensions"): ({S, M}, 200),
    ("POST", "api.decide_sla_extension"): ({S, M}, None),
    ("GET", "api.sla_on_time"): ({S, M}, 200),
    # rosters and seats (tests/test_rosters.py, tests/test_seats.py)
    ("GET", "api.list_shift_templates"): ({O, D, S, M, A}, 200),
    ("POST", "api.save_shift_template"): ({A}, 201),
    ("GET", "api.get_roster"): ({O, D, S, M}, 200),
    ("POST", "api.set_roster_cell"): ({S, M}, None),
    ("POST", "api.publish_roster"): ({S, M}, None),
    ("GET", "api.list_shift_requests"): ({O, D, S, M}, 200),
    ("POST", "api.file_shift_request"): ({O, D, S, M}, None),
    ("POST", "api.decide_shift_request"): ({S, M}, None),
    ("POST", "api.withdraw_shift_request"): ({O, D, S, M}, None),
    ("POST", "api.copy_previous_month"): ({S, M}, 200),
    ("POST", "api.apply_rotation"): ({S, M}, None),  # 422: no such shift in this suite
    ("GET", "api.list_double_shifts"): ({S, M}, 200),
    ("POST", "api.ask_double_shift"): ({S, M}, None),  # 422: no such shift in this suite
    ("POST", "api.decide_double_shift"): ({S, M}, None),  # 404: no such request
    ("GET", "api.current_shift"): ({O, D, S, M}, 200),
    ("GET", "api.shift_detail"): ({O, D, S, M}, None),
    ("GET", "api.list_seats"): ({O, D, S, M, A}, 200),
    ("POST", "api.save_seat"): ({A}, 201),
    ("GET", "api.my_seat"): ({O, D, S}, 200),
    ("POST", "api.seat_sign_in"): ({O, D, S}, None),
    ("POST", "api.seat_state"): ({O, D, S}, None),
    ("POST", "api.seat_sign_out"): ({O, D, S}, None),
    ("GET", "api.on_duty"): ({O, D, S, M, B}, 200),
    ("GET", "api.away_log"): ({S, M}, 200),
    # SLA on a ticket (tests/test_ticket_sla_api.py); reply and reclassify need the version
    ("GET", "api.ticket_sla"): ({O, D, S, M, C}, 200),
    ("POST", "api.pause_clocks"): ({C, D, S, M}, 200),
    ("POST", "api.resume_clocks"): ({C, D, S, M}, None),
    ("POST", "api.request_extension"): ({C, D, S, M}, 201),
    ("POST", "api.reply_to_caller"): ({O, D, S, M}, None),
    ("PATCH", "api.reclassify_ticket"): ({O, D, S, M}, None),
    # user administration (tests/users/test_users_admin.py): nobody but an admin sees the users
    ("GET", "api.list_users"): ({A}, 200),
    ("POST", "api.create_user"): ({A}, 201),
    ("GET", "api.get_user"): ({A}, 200),
    ("PATCH", "api.update_user"): ({A}, 200),
    ("POST", "api.deactivate_user"): ({A}, 200),
    ("POST", "api.reactivate_user"): ({A}, 200),
    ("POST", "api.reset_user_password"): ({A}, 200),
    # tokens (tests/users/test_tokens.py): admins only; revoking an unknown token: 404
    ("GET", "api.list_tokens"): ({A}, 200),
    ("POST", "api.create_api_token"): ({A}, 201),
    ("POST", "api.revoke_api_token"): ({A}, None),
}

PAGES = {
    ("GET", "users.home"): ({O, D, S, M, A, C, B}, 302),
    ("GET", "users.settings"): ({O, D, S, M, A, C, B}, 200),
    ("POST", "users.settings"): ({O, D, S, M, A, C, B}, 302),
    ("POST", "users.language"): ({O, D, S, M, A, C, B}, 303),  # the top bar's 中文/EN, back to the page
    ("GET", "tickets.console"): ({O, S, M}, 200),
    ("GET", "tickets.ticket_list"): ({O, D, S, M, C}, 200),
    ("GET", "tickets.ticket_page"): ({O, D, S, M, C}, 200),
    ("POST", "tickets.add_note"): ({O, D, S, M, C}, 302),
    ("POST", "tickets.cancel"): ({O, S, M}, 302),
    ("GET", "settings.categories"): ({A}, 200),
    ("GET", "settings.sla_policies"): ({S, M, A}, 200),
    ("POST", "settings.save_sla_policy"): ({A}, 302),
    ("GET", "settings.sla_calendars"): ({S, M, A}, 200),
    ("POST", "settings.save_sla_calendar"): ({A}, 302),
    ("GET", "settings.sla_areas"): ({S, M, A}, 200),
    ("POST", "settings.save_sla_area"): ({A}, 302),
    ("GET", "settings.duty_shifts"): ({O, D, S, M, A}, 200),  # as GET /api/v1/shift-templates
    ("POST", "settings.save_duty_shift"): ({A}, 302),
    ("GET", "settings.duty_seats"): ({O, D, S, M, A}, 200),
    ("POST", "settings.save_duty_seat"): ({A}, 302),
    ("POST", "settings.categories"): ({A}, 302),
    ("GET", "settings.units"): ({A}, 200),
    ("POST", "settings.units"): ({A}, 302),
    ("GET", "settings.unit"): ({A}, 200),
    ("POST", "settings.unit"): ({A}, 302),
    ("POST", "settings.deactivate_unit"): ({A}, 409),  # the north branch has an active crew
    ("POST", "settings.reactivate_unit"): ({A}, 409),  # active already
    ("GET", "settings.routing_rules"): ({A}, 200),
    ("POST", "settings.save_routing_rule"): ({A}, 302),
    ("POST", "settings.delete_routing_rule"): ({A}, 404),  # no such rule: past the role check
    ("GET", "audit.log_page"): ({M, A}, 200),
    ("GET", "audit.export_csv"): ({M, A}, 200),
    ("GET", "dispatch.board"): ({O, D, S, M, B}, 200),
    ("GET", "dispatch.desk"): ({D, S, M}, 200),
    ("GET", "dispatch.crew"): ({C, D, S, M}, 200),
    ("GET", "dispatch.work_order_print"): ({C, D, S, M}, 200),  # a crew its own unit's only (tests/dispatch/test_work_order_print.py)
    ("GET", "handover.index"): ({O, D, S, M}, 200),
    ("GET", "handover.page"): ({O, D, S, M}, 404),  # no such handover: past the role check
    ("GET", "handover.print_view"): ({O, D, S, M}, 404),
    ("GET", "handover.checklist"): ({S, M, A}, 200),
    ("GET", "dutylog.index"): ({O, D, S, M}, 200),
    ("GET", "dutylog.search"): ({O, D, S, M}, 200),
    ("GET", "callbacks.queue"): ({O, S, M}, 200),
    ("GET", "callbacks.rates_page"): ({S, M}, 200),
    ("GET", "sla.supervise"): ({S, M}, 200),
    ("GET", "sla.alerts_csv"): ({S, M}, 200),
    ("GET", "rosters.roster"): ({O, D, S, M}, 200),
    ("GET", "seats.seat"): ({O, D, S}, 200),
    ("GET", "seats.away_log"): ({S, M}, 200),
    ("POST", "ticket_sla.pause_clocks"): ({C, D, S, M}, 302),
    ("POST", "ticket_sla.resume_clocks"): ({C, D, S, M}, 409),  # allowed, but nothing is paused yet
    ("POST", "ticket_sla.request_extension"): ({C, D, S, M}, 302),
    ("POST", "ticket_sla.reply"): ({O, D, S, M}, 302),
    ("POST", "ticket_sla.reclassify"): ({O, D, S, M}, 302),
    ("GET", "account.password"): ({O, D, S, M, A, C, B}, 200),
    ("POST", "account.password"): ({O, D, S, M, A, C, B}, 302),
    ("GET", "settings.users"): ({A}, 200),
    ("POST", "settings.create_user"): ({A}, 201),  # the new user's page, with the password made up
    ("GET", "settings.user"): ({A}, 200),
    ("POST", "settings.save_user"): ({A}, 302),
    ("POST", "settings.deactivate_user"): ({A}, 302),
    ("POST", "settings.reactivate_user"): ({A}, 302),
    ("POST", "settings.reset_user_password"): ({A}, 200),  # the user's page, with the password made up
    ("GET", "settings.tokens"): ({A}, 200),
    ("POST", "settings.create_token"): ({A}, 200),  # the page with the new secret, shown once
    ("POST", "settings.revoke_token_page"): ({A}, 302),
}


def _routes(app):
    """(method, endpoint, rule) for every route of the app."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.endpoint, rule.rule


def _roles():
    return [r.value for r in Role]


def test_every_route_is_in_the_matrix(app):
    missing = [
        (m, e, r)
        for m, e, r in _routes(app)
        if e not in PUBLIC and (m, e) not in API and (m, e) not in PAGES
    ]
    assert not missing, f"routes without a row in the auth matrix: {missing}"


def test_every_non_public_route_has_a_role_check_matching_the_table(app):
    for method, endpoint, rule in _routes(app):
        if endpoint in PUBLIC:
            continue
        view = app.view_functions[endpoint]
        allowed = getattr(view, "allowed_roles", None)
        assert allowed is not None, f"{rule} ({endpoint}) has no require() role check"
        expected = (API.get((method, endpoint)) or PAGES[(method, endpoint)])[0]
        assert {r.value for r in allowed} == expected & set(_roles()), endpoint


def test_every_role_appears_somewhere(app):
    used = set().union(*(roles for roles, _ in API.values()), *(roles for roles, _ in PAGES.values()))
    assert set(_roles()) <= used, "a role that can do nothing at all"


# --- the API, by bearer token -------------------------------------------------------------------


@pytest.fixture
def world(app, users, tokens):
    """Tokens for every identity; a ticket factory whose tickets the crew may see."""
    clock.freeze(datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc))
    with app.app_context():
        token, revoked_secret = create_token(db.session.get(User, users["operator"]), "revoked")
        revoke_token(token.id)
        db.session.commit()
    identities = {role: {"Authorization": f"Bearer {secret}"} for role, secret in tokens.items()}
    identities["anonymous"] = {}
    identities["revoked"] = {"Authorization": f"Bearer {revoked_secret}"}
    identities["garbage"] = {"Authorization": "Bearer hl_this-is-not-a-token"}

    def ticket(unit="north") -> str:
        with app.app_context():
            t = services.create_ticket(
                TicketCreate(category="repair", matter="Meter broken", unit=unit,
                             caller={"phone": "13800138000", "name": "Wang"}),
                db.session.get(User, users["operator"]),
                Channel.PHONE,
            )
            db.session.commit()
            return t.number

    return identities, ticket


def _api_call(endpoint, ticket):
    """(path, json body) that an allowed role can carry out successfully."""
    n = ticket() if "<number>" in _RULES[endpoint] else None
    return {
        "api.create_ticket": ("/api/v1/tickets", {"category": "repair", "matter": "x", "caller": {"phone": "13800138000"}}),
        "api.list_tickets": ("/api/v1/tickets?q=meter", None),
        "api.get_ticket": (f"/api/v1/tickets/{n}", None),
        "api.add_note": (f"/api/v1/tickets/{n}/notes", {"body": "rang again"}),
        "api.cancel_ticket": (f"/api/v1/tickets/{n}/cancel", {"reason": "duplicate"}),
        "api.caller_tickets": ("/api/v1/callers/13800138000/tickets", None),
        "api.reveal_caller": (f"/api/v1/tickets/{n}/caller/reveal", {"reason": "the caller's complaint needs a call"}),
        "api.list_categories": ("/api/v1/categories", None),
        "api.dispatch_ticket": (f"/api/v1/tickets/{n}/dispatch", {"unit": "north"}),
        "api.transfer_ticket": (f"/api/v1/tickets/{n}/transfer", {"unit": "south", "reason": "wrong area"}),
        "api.return_ticket": (f"/api/v1/tickets/{n}/return", {"reason": "not ours"}),
        "api.step_ticket": (f"/api/v1/tickets/{n}/steps/accept", {}),
        "api.board": ("/api/v1/board", None),
        "api.desk_tickets": ("/api/v1/desk/tickets", None),
        "api.desk_board": ("/api/v1/desk/board?late=late", None),
        "api.desk_dispatch": ("/api/v1/desk/dispatch", {"unit": "north", "tickets": [{"number": n or "x", "version": 0}]}),
        "api.desk_views": ("/api/v1/desk/views", None),
        "api.save_desk_view": ("/api/v1/desk/views", {"name": "Late leaks", "filters": {"category": "leak", "late": "late"}}),
        "api.delete_desk_view": ("/api/v1/desk/views/999999", None),
        "api.work_orders": ("/api/v1/work-orders", None),
        "api.units": ("/api/v1/units", None),
        "api.get_unit": ("/api/v1/units/1", None),
        "api.create_unit": ("/api/v1/units", {"code": "north-crew-9", "name": "North crew 9", "kind": "crew", "parent": "north"}),
        "api.update_unit": ("/api/v1/units/2", {"version": 1, "on_call_phone": "027-85501100"}),
        "api.deactivate_unit": ("/api/v1/units/1/deactivate", {"version": 1}),
        "api.reactivate_unit": ("/api/v1/units/1/reactivate", {"version": 1}),
        "api.routing_rules": ("/api/v1/routing-rules", None),
        "api.create_routing_rule": ("/api/v1/routing-rules", {"category": "leak", "unit": "north"}),
        "api.update_routing_rule": ("/api/v1/routing-rules/999999", {"active": False, "version": 1}),
        "api.delete_routing_rule": ("/api/v1/routing-rules/999999", None),
        "api.routing_preview": ("/api/v1/routing-preview?category=leak&area=North", None),
        "api.create_category": ("/api/v1/categories", {"code": "flood", "name_en": "Flood", "name_zh": "水浸"}),
        "api.update_category": ("/api/v1/categories/repair", {"sort_order": 5, "version": 1}),
        "api.audit_log": ("/api/v1/audit?action=auth.", None),
        "api.sla_policies": ("/api/v1/sla/policies", None),
        "api.create_sla_policy": ("/api/v1/sla/policies", {"category": "repair", "priority": "urgent", "stage": "arrive", "minutes": 90}),
        "api.update_sla_policy": ("/api/v1/sla/policies/1", {"minutes": 15, "version": 1}),
        "api.sla_calendars": ("/api/v1/sla/calendars", None),
        "api.create_sla_calendar": ("/api/v1/sla/calendars", {"code": "night", "name": "Night", "hours": [["18:00", "23:00"]]}),
        "api.update_sla_calendar": ("/api/v1/sla/calendars/1", {"name": "Working days", "version": 1}),
        "api.put_sla_calendar_day": ("/api/v1/sla/calendars/1/days", {"day": "2026-03-04", "working": False}),
        "api.remove_sla_calendar_day": ("/api/v1/sla/calendars/1/days/2026-03-05", None),
        "api.preview_sla_calendar": ("/api/v1/sla/calendars/1/preview?minutes=60", None),
        "api.areas": ("/api/v1/areas", None),
        "api.create_area": ("/api/v1/areas", {"name": "Chongming", "outside_city": True}),
        "api.update_area": ("/api/v1/areas/99", {"outside_city": True}),
        "api.list_handovers": ("/api/v1/handovers?q=keys", None),
        "api.open_handover": ("/api/v1/handovers", {}),
        "api.get_handover": ("/api/v1/handovers/999999", None),
        "api.update_handover": ("/api/v1/handovers/999999", None),
        "api.refresh_handover": ("/api/v1/handovers/999999/refresh", {"version": 1}),
        "api.review_handover_item": ("/api/v1/handovers/999999/items/1/review", {"version": 1, "decision": "acknowledge"}),
        "api.acknowledge_all_handover_items": ("/api/v1/handovers/999999/acknowledge-all", {"version": 1}),
        "api.sign_handover": ("/api/v1/handovers/999999/sign", {"version": 1, "password": "x"}),
        "api.override_handover": ("/api/v1/handovers/999999/override", {"version": 1, "reason": "lead on the floor"}),
        "api.add_handover_addendum": ("/api/v1/handovers/999999/addenda", {"body": "later"}),
        "api.verify_handover": ("/api/v1/handovers/999999/verify", None),
        "api.list_standing_items": ("/api/v1/standing-items", None),
        "api.add_standing_item": ("/api/v1/standing-items", {"kind": "equipment_fault", "title": "Headset 3 crackles"}),
        "api.close_standing_item": ("/api/v1/standing-items/999999/close", {"version": 1, "note": "fixed"}),
        "api.get_checklist": ("/api/v1/handover-checklist", None),
        "api.save_checklist": ("/api/v1/handover-checklist", None),
        "api.duty_log_day": ("/api/v1/duty-log", None),
        "api.add_duty_log_entry": ("/api/v1/duty-log", {"kind": "visit", "body": "Inspector from the water bureau"}),
        "api.review_duty_log": ("/api/v1/duty-log/reviews", {"day": "2026-11-22"}),
        "api.search_duty_log": ("/api/v1/duty-log/search?q=inspector", None),
        "api.list_callbacks": ("/api/v1/callbacks?due=1", None),
        "api.record_attempt": ("/api/v1/callbacks/999999/attempts", {"version": 1, "reached": False}),
        "api.callback_rates": ("/api/v1/callbacks/rates?by=category", None),
        "api.sla_alerts": ("/api/v1/sla/alerts?kind=breach", None),
        "api.acknowledge_sla_alert": ("/api/v1/sla/alerts/999999/acknowledge", {"comment": "seen"}),
        "api.acknowledge_sla_alerts": ("/api/v1/sla/alerts/acknowledge", {"ids": [999999], "comment": "seen"}),
        "api.sla_escalations": ("/api/v1/sla/escalations?open=1", None),
        "api.acknowledge_sla_escalation": ("/api/v1/sla/escalations/999999/acknowledge", {}),
        "api.sla_extensions": ("/api/v1/sla/extensions?status=pending", None),
        "api.decide_sla_extension": ("/api/v1/sla/extensions/999999/decision", {"approve": True}),
        "api.sla_on_time": ("/api/v1/sla/on-time?by=unit", None),
        "api.list_shift_templates": ("/api/v1/shift-templates", None),
        "api.save_shift_template": ("/api/v1/shift-templates", {"code": "day", "name_en": "Day", "name_zh": "白班", "starts": "08:30", "ends": "16:30"}),
        "api.get_roster": ("/api/v1/rosters/2026-11", None),
        "api.set_roster_cell": ("/api/v1/rosters/2026-11/cells", {"day": "2026-11-24", "shift": "day", "people": []}),
        "api.publish_roster": ("/api/v1/rosters/2026-11/publish", {}),
        "api.list_shift_requests": ("/api/v1/shift-requests", None),
        "api.file_shift_request": ("/api/v1/shift-requests", {"kind": "leave", "day": "2026-11-24", "shift": "day", "reason": "ill"}),
        "api.decide_shift_request": ("/api/v1/shift-requests/999/decision", {"approve": False}),
        "api.withdraw_shift_request": ("/api/v1/shift-requests/999/withdraw", {}),
        "api.copy_previous_month": ("/api/v1/rosters/2026-11/copy-previous", {}),
        "api.apply_rotation": ("/api/v1/roster-rotations", {"people": ["operator"], "pattern": ["day"], "start": "2026-11-24", "end": "2026-11-25"}),
        "api.list_double_shifts": ("/api/v1/double-shifts", None),
        "api.ask_double_shift": ("/api/v1/double-shifts", {"user": "operator", "first_day": "2026-11-24", "first_shift": "day", "second_day": "2026-11-24", "second_shift": "evening", "reason": "short"}),
        "api.decide_double_shift": ("/api/v1/double-shifts/999/decision", {"approve": False}),
        "api.current_shift": ("/api/v1/shifts/current", None),
        "api.shift_detail": ("/api/v1/shifts/2026-11-23/day", None),
        "api.list_seats": ("/api/v1/seats", None),
        "api.save_seat": ("/api/v1/seats", {"code": "A01", "name": "Seat A01"}),
        "api.my_seat": ("/api/v1/seats/me", None),
        "api.seat_sign_in": ("/api/v1/seats/sign-in", {"seat": "A01"}),
        "api.seat_state": ("/api/v1/seats/state", {"state": "busy"}),
        "api.seat_sign_out": ("/api/v1/seats/sign-out", {}),
        "api.on_duty": ("/api/v1/seats/on-duty", None),
        "api.away_log": ("/api/v1/seats/away-log", None),
        "api.ticket_sla": (f"/api/v1/tickets/{n}/sla", None),
        "api.pause_clocks": (f"/api/v1/tickets/{n}/sla/pause", {"reason": "waiting for the caller"}),
        "api.resume_clocks": (f"/api/v1/tickets/{n}/sla/resume", {}),
        "api.request_extension": (f"/api/v1/tickets/{n}/sla/extensions", {"stage": "accept", "minutes": 60, "reason": "parts"}),
        "api.reply_to_caller": (f"/api/v1/tickets/{n}/reply", {"message": "told the caller"}),
        "api.reclassify_ticket": (f"/api/v1/tickets/{n}", {"priority": "urgent", "reason": "flooding"}),
        # the dispatcher's own call is made before the admin's (IDENTITIES' order)
        "api.list_users": ("/api/v1/users?role=crew", None),
        "api.create_user": ("/api/v1/users", {"username": "newbie", "display_name": "New One", "role": "operator"}),
        "api.get_user": ("/api/v1/users/dispatcher", None),
        "api.update_user": ("/api/v1/users/dispatcher", {"display_name": "Dispatcher Renamed", "version": 1}),
        "api.deactivate_user": ("/api/v1/users/dispatcher/deactivate", {}),
        "api.reactivate_user": ("/api/v1/users/dispatcher/reactivate", {}),
        "api.reset_user_password": ("/api/v1/users/dispatcher/reset-password", {}),
        "api.list_tokens": ("/api/v1/tokens", None),
        "api.create_api_token": ("/api/v1/tokens", {"user": "board", "name": "Hall screen", "expires_in_days": 30}),
        "api.revoke_api_token": ("/api/v1/tokens/999999/revoke", {}),
    }[endpoint]


_RULES: dict[str, str] = {}
IDENTITIES = ["operator", "dispatcher", "supervisor", "admin", "crew", "board", "anonymous", "revoked", "garbage"]


@pytest.mark.parametrize("method,endpoint", sorted(API))
def test_api_matrix(app, world, method, endpoint):
    identities, ticket = world
    _RULES.update({r.endpoint: r.rule for r in app.url_map.iter_rules()})
    if endpoint not in _RULES:
        pytest.skip(f"{endpoint} is not in this build")
    allowed, ok_status = API[(method, endpoint)]
    client = app.test_client()
    results = {}
    for who in IDENTITIES:
        if who not in identities:
            continue  # a role this build does not have
        path, body = _api_call(endpoint, ticket)
        kw = {"headers": identities[who]}
        if method in ("POST", "PATCH", "PUT"):
            kw["json"] = body
        r = client.open(path, method=method, **kw)
        assert r.status_code < 500, (who, r.status_code, r.get_data(as_text=True))
        if who in allowed:
            results[who] = r.status_code if ok_status is not None else ("ok" if r.status_code not in (401, 403) else r.status_code)
        else:
            results[who] = r.status_code
            assert r.is_json and "error" in r.json, (who, r.get_data(as_text=True))
    expected = {
        who: (ok_status if ok_status is not None else "ok") if who in allowed
        else 401 if who in ("anonymous", "revoked", "garbage") else 403
        for who in results
    }
    assert results == expected


def test_api_get_works_with_a_session_too(session_client):
    client, _ = session_client("dispatcher")
    assert client.get("/api/v1/tickets").status_code == 200
    assert client.get("/api/v1/callers/13800138000/tickets").status_code == 403


def test_session_deactivated_user_is_signed_out_at_once(app, session_client, users):
    client, _ = session_client("operator")
    assert client.get("/api/v1/tickets").status_code == 200
    with app.app_context():
        db.session.get(User, users["operator"]).active = False
        db.session.commit()
    assert client.get("/api/v1/tickets").status_code == 401
    r = client.get("/tickets")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_token_of_deactivated_user_refused(app, api, users):
    assert api("operator").get("/api/v1/tickets").status_code == 200
    with app.app_context():
        db.session.get(User, users["operator"]).active = False
        db.session.commit()
    assert api("operator").get("/api/v1/tickets").status_code == 401


def test_bearer_wins_over_a_session(app, session_client):
    """A garbage bearer header is refused even when the browser session is valid."""
    client, _ = session_client("operator")
    r = client.get("/api/v1/tickets", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401


# --- browser pages, by session ------------------------------------------------------------------


def _page_call(endpoint, number, token):
    n = number
    return {
        "users.home": ("/", None),
        "users.settings": ("/settings", {"locale": "en", "csrf_token": token}),
        "users.language": ("/settings/language", {"locale": "en", "next": "/tickets?sort=unit", "csrf_token": token}),
        "tickets.console": ("/console", None),
        "tickets.ticket_list": ("/tickets", None),
        "tickets.ticket_page": (f"/tickets/{n}", None),
        "tickets.add_note": (f"/tickets/{n}/notes", {"body": "from the page", "csrf_token": token}),
        "tickets.cancel": (f"/tickets/{n}/cancel", {"reason": "duplicate", "csrf_token": token}),
        "settings.categories": ("/settings/categories", {"code": "flood", "name_en": "Flood", "name_zh": "水浸", "active": "y", "csrf_token": token}),
        "settings.units": ("/settings/units", {"code": "north-crew-9", "name": "North crew 9", "kind": "crew", "parent": "north", "takes_work_orders": "y", "csrf_token": token}),
        "settings.unit": (f"/settings/units/{_unit('north-crew-1').id}", {"code": "north-crew-1", "name": "North crew one", "version": _unit("north-crew-1").version, "csrf_token": token}),
        "settings.deactivate_unit": (f"/settings/units/{_unit('north').id}/deactivate", {"version": _unit("north").version, "csrf_token": token}),
        "settings.reactivate_unit": (f"/settings/units/{_unit('north').id}/reactivate", {"version": _unit("north").version, "csrf_token": token}),
        "settings.routing_rules": ("/settings/routing?category=leak&area=North", None),
        "settings.save_routing_rule": ("/settings/routing", {"category": "leak", "unit": "north", "active": "y", "csrf_token": token}),
        "settings.delete_routing_rule": ("/settings/routing/999999/delete", {"version": "1", "csrf_token": token}),
        "audit.log_page": ("/audit?action=auth.", None),
        "audit.export_csv": ("/audit.csv?action=auth.", None),
        "settings.sla_policies": ("/settings/sla/policies", None),
        "settings.save_sla_policy": ("/settings/sla/policies", {"category": "repair", "priority": "urgent", "stage": "arrive", "minutes": "90", "minutes_unit": "min", "warn_percent": "75", "active": "y", "csrf_token": token}),
        "settings.sla_calendars": ("/settings/sla/calendars", None),
        "settings.save_sla_calendar": ("/settings/sla/calendars", {"action": "add_day", "id": "1", "day": "2026-03-04", "working": "0", "csrf_token": token}),
        "settings.sla_areas": ("/settings/sla/areas", None),
        "settings.save_sla_area": ("/settings/sla/areas", {"name": "Chongming", "outside_city": "y", "csrf_token": token}),
        "settings.duty_shifts": ("/settings/duty/shifts", None),
        "settings.save_duty_shift": ("/settings/duty/shifts", {"code": "late", "name_en": "Late", "name_zh": "晚班", "starts": "20:00", "ends": "02:00", "active": "y", "min_operator": "1", "csrf_token": token}),
        "settings.duty_seats": ("/settings/duty/seats", None),
        "settings.save_duty_seat": ("/settings/duty/seats", {"code": "B01", "name": "Back row", "active": "y", "csrf_token": token}),
        "dispatch.board": ("/board", None),
        "dispatch.desk": ("/dispatch", None),
        "dispatch.crew": ("/crew", None),
        "dispatch.work_order_print": (f"/tickets/{n}/work-order/print", None),
        "handover.index": ("/handover", None),
        "handover.page": ("/handover/999999", None),
        "handover.print_view": ("/handover/999999/print", None),
        "handover.checklist": ("/handover/checklist", None),
        "dutylog.index": ("/duty-log", None),
        "dutylog.search": ("/duty-log/search?q=keys", None),
        "callbacks.queue": ("/callbacks", None),
        "callbacks.rates_page": ("/callbacks/rates", None),
        "sla.supervise": ("/sla", None),
        "sla.alerts_csv": ("/sla/alerts.csv?kind=breach", None),
        "rosters.roster": ("/rosters/2026-11", None),
        "seats.seat": ("/seat", None),
        "seats.away_log": ("/seats/away-log", None),
        "ticket_sla.pause_clocks": (f"/tickets/{n}/sla/pause", {"reason": "waiting for parts", "csrf_token": token}),
        "ticket_sla.resume_clocks": (f"/tickets/{n}/sla/resume", {"csrf_token": token}),
        "ticket_sla.request_extension": (f"/tickets/{n}/sla/extensions", {"stage": "accept", "minutes": "60", "reason": "parts", "csrf_token": token}),
        "ticket_sla.reply": (f"/tickets/{n}/reply", {"message": "told the caller", "version": _version(n), "csrf_token": token}),
        "ticket_sla.reclassify": (f"/tickets/{n}/reclassify", {"priority": "urgent", "reason": "flooding", "version": _version(n), "csrf_token": token}),
        "account.password": ("/account/password", {"current_password": PASSWORD, "new_password": "ferry lantern quietly 97",
                                                   "new_password_again": "ferry lantern quietly 97", "csrf_token": token}),
        # the dispatcher's own request is made before the admin's (Role's order)
        "settings.users": ("/settings/users?role=crew", None),
        "settings.create_user": ("/settings/users", {"username": "newbie", "display_name": "New One", "role": "operator", "csrf_token": token}),
        "settings.user": ("/settings/users/dispatcher", None),
        "settings.save_user": ("/settings/users/dispatcher", {"display_name": "Renamed", "role": "dispatcher", "version": "1", "csrf_token": token}),
        "settings.deactivate_user": ("/settings/users/dispatcher/deactivate", {"csrf_token": token}),
        "settings.reactivate_user": ("/settings/users/dispatcher/reactivate", {"csrf_token": token}),
        "settings.reset_user_password": ("/settings/users/dispatcher/reset-password", {"csrf_token": token}),
        "settings.tokens": ("/settings/tokens", None),
        "settings.create_token": ("/settings/tokens", {"user": "board", "name": "Hall screen", "expires_in_days": "30", "csrf_token": token}),
        "settings.revoke_token_page": ("/settings/tokens/1/revoke", {"csrf_token": token}),  # again: still revoked, 302
    }[endpoint]


def _unit(code: str):
    """The unit the `units` fixture made with this code (ids depend on the insert order)."""
    from hotline.units.models import Unit

    return db.session.scalar(db.select(Unit).where(Unit.code == code))


def _version(number: str) -> str:
    """The version the ticket page would carry in its forms."""
    from hotline.tickets.services import get_ticket

    return str(get_ticket(number).version)


@pytest.mark.parametrize("method,endpoint", sorted(PAGES))
def test_page_matrix(app, world, users, method, endpoint):
    from fixtures.app import login

    _, ticket = world
    if endpoint not in {r.endpoint for r in app.url_map.iter_rules()}:
        pytest.skip(f"{endpoint} is not in this build")
    allowed, ok_status = PAGES[(method, endpoint)]
    results, expected = {}, {}
    for who in [r.value for r in Role] + ["anonymous"]:
        client = app.test_client()
        if who != "anonymous":
            r, _ = login(client, who, PASSWORD)
            assert r.status_code == 302, (who, r.status_code)
        token = csrf_from(client.get("/login").get_data(as_text=True))
        with app.app_context():
            path, form = _page_call(endpoint, ticket(), token)
        r = client.open(path, method=method, data=form if method == "POST" else None)
        if who == "anonymous":
            results[who] = (r.status_code, "/login" in r.headers.get("Location", ""))
            expected[who] = (302, True)
        else:
            results[who] = r.status_code
            expected[who] = ok_status if who in allowed else 403
    assert results == expected
