"""The printed work order (派工单): what the sheet carries, who may print which (a crew
only its own unit's), the caller and the address as each person may see them (the crew
the full address of a confidential ticket: it goes there), and the ticket page's print
style and link."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.core import clock

START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ADDRESS = "朝阳区建国路88号华贸3栋1201室"


@pytest.fixture
def tickets(app, api):
    app.config["HOTLINE_CENTER_NAME"] = "江城供水热线中心"
    clock.freeze(START)

    def make(unit=None, **extra):
        body = {"category": "repair", "priority": "urgent", "matter": "阀门井冒水，路面已经积水", "address": ADDRESS,
                "caller": {"phone": "13800138000", "name": "王芳"}, **extra}
        if unit:
            body["unit"] = unit
        r = api("operator").post("/api/v1/tickets", json=body)
        assert r.status_code == 201, r.get_json()
        return r.get_json()["number"]

    made = {"north": make("north"), "south": make("south"), "none": make(), "secret": make("north", confidential=True)}
    yield made
    clock.reset()


def _sheet(session_client, role, number):
    client, _ = session_client(role)
    return client.get(f"/tickets/{number}/work-order/print")


def test_the_sheet_carries_what_the_crew_needs(session_client, tickets):
    r = _sheet(session_client, "dispatcher", tickets["north"])
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for text in ("江城供水热线中心", tickets["north"], "North branch", "阀门井冒水，路面已经积水", "2026-03-03 10:00"):
        assert text in html, text
    assert re.search(r'<h1 id="wo-title">[^<]+</h1>', html)
    assert html.count('<tr><td>') >= 2  # the deadlines: accept, arrive, ... from the SLA part
    assert "data-print" in html and 'href="/static/css/print.css"' in html
    assert html.count("wo-fill") == 1 and html.count("<td></td>") >= 4  # arrival, finish, two signatures


def test_a_crew_prints_its_own_units_only(session_client, tickets):
    assert _sheet(session_client, "crew", tickets["north"]).status_code == 200
    assert _sheet(session_client, "crew", tickets["south"]).status_code == 404  # as the ticket itself: not confirmed


@pytest.mark.parametrize("role", ["operator", "admin", "board"])
def test_roles_without_work_orders_may_not_print(session_client, tickets, role):
    assert _sheet(session_client, role, tickets["north"]).status_code == 403


def test_a_ticket_never_dispatched_has_no_sheet(session_client, tickets):
    r = _sheet(session_client, "supervisor", tickets["none"])
    assert r.status_code == 404
    assert tickets["none"] in r.get_data(as_text=True)


def test_caller_and_address_as_each_may_see_them(session_client, tickets):
    crew = _sheet(session_client, "crew", tickets["secret"]).get_data(as_text=True)
    assert ADDRESS in crew  # the crew goes there
    assert "13800138000" not in crew and "138 0013 8000" not in crew and "王芳" not in crew
    dispatcher = _sheet(session_client, "dispatcher", tickets["secret"]).get_data(as_text=True)
    assert ADDRESS not in dispatcher and "朝阳区建国路" in dispatcher  # the street only
    assert "王芳" not in dispatcher
    supervisor = _sheet(session_client, "supervisor", tickets["north"]).get_data(as_text=True)
    assert ADDRESS in supervisor and "王芳" in supervisor


def test_the_ticket_page_prints_and_links_the_sheet(session_client, tickets):
    client, _ = session_client("dispatcher")
    html = client.get(f"/tickets/{tickets['north']}").get_data(as_text=True)
    assert 'href="/static/css/print.css"' in html and 'class="ticket-page"' in html
    assert re.search(r'<button type="button" class="secondary" data-print>', html)
    assert f'href="/tickets/{tickets["north"]}/work-order/print"' in html
    assert "/work-order/print" not in client.get(f"/tickets/{tickets['none']}").get_data(as_text=True)
    operator, _ = session_client("operator")
    assert "/work-order/print" not in operator.get(f"/tickets/{tickets['north']}").get_data(as_text=True)


def test_the_print_style_hides_the_bar_and_the_forms(app):
    css = open(f"{app.static_folder}/css/print.css").read()
    media = css[css.index("@media print"):]
    assert ".topbar" in media and ".ticket-page form" in media and "@page { size: A4" in media
    assert "color: #000" in media and "break-inside: avoid" in media


def test_without_a_configured_name_the_sheet_heads_with_the_center_unit(app, session_client, tickets):
    from hotline.core.extensions import db
    from hotline.units.models import Unit, UnitKind
    app.config["HOTLINE_CENTER_NAME"] = ""
    with app.app_context():
        db.session.add(Unit(code="hq", name="江城水务96116热线中心", kind=UnitKind.CENTER))
        db.session.commit()
    html = _sheet(session_client, "dispatcher", tickets["north"]).get_data(as_text=True)
    assert "江城水务96116热线中心" in html
