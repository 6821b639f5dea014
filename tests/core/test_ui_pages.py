"""The browser pages render for every role in both languages, with errors beside fields."""
import json
import re

import pytest

from hotline.users.models import Role


def make_ticket(session_client, **fields) -> str:
    """Through the API as the operator; no app context is held open (it would share `g`
    between the test clients of several roles)."""
    client, token = session_client("operator")
    body = {"category": "repair", "matter": "The tap drips", "caller": {"phone": "13800138000"}, **fields}
    r = client.post("/api/v1/tickets", json=body, headers={"X-CSRFToken": token})
    assert r.status_code == 201, r.json
    return r.json["number"]


PAGES = {
    Role.OPERATOR: ["/console", "/tickets", "/settings"],
    Role.SUPERVISOR: ["/console", "/tickets", "/settings"],
    Role.DISPATCHER: ["/tickets", "/settings"],
    Role.CREW: ["/tickets", "/settings"],
    Role.ADMIN: ["/settings/categories", "/settings"],
}


@pytest.mark.parametrize("lang, word", [("zh-CN", "退出"), ("en", "Sign out")])
def test_every_page_renders_in_both_languages(session_client, lang, word):
    number = make_ticket(session_client, matter="Pipe <script>alert(1)</script> burst")
    for role, paths in PAGES.items():
        client, _ = session_client(role.value)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
        if role not in (Role.ADMIN, Role.CREW):  # a crew sees only its unit's tickets
            paths = [*paths, f"/tickets/{number}"]
        for path in paths:
            r = client.get(path)
            html = r.get_data(as_text=True)
            assert r.status_code == 200, (role, path, html[:500])
            assert word in html
            assert "<script>alert(1)</script>" not in html


def test_console_carries_translated_strings_for_its_script(session_client):
    client, _ = session_client("operator")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    html = client.get("/console").get_data(as_text=True)
    strings = json.loads(re.search(r'<script type="application/json" id="i18n">(.*?)</script>', html, re.S).group(1))
    assert "重复来电" in strings["repeat"] and "{n}" in strings["repeat"]
    assert 'name="csrf-token"' in html


def test_api_422_keeps_english_fields_and_adds_translated_messages(session_client):
    client, token = session_client("operator")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    r = client.post(
        "/api/v1/tickets",
        json={"category": "repair", "matter": "x", "caller": {"phone": "123"}},
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 422
    assert r.json["fields"]["caller.phone"] == "not a possible phone number"
    assert r.json["messages"]["caller.phone"] == "号码位数不对，请核对。"


def test_ticket_list_takes_plain_dates_and_shows_errors_beside_filters(session_client):
    number = make_ticket(session_client)
    client, _ = session_client("supervisor")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    day = f"{number[:4]}-{number[4:6]}-{number[6:8]}"
    html = client.get(f"/tickets?from={day}&to={day}&priority=&category=&q=").get_data(as_text=True)
    assert number in html
    html = client.get("/tickets?from=yesterday&priority=loud").get_data(as_text=True)
    assert re.search(r'data-error-for="from" role="alert">Not a valid date', html)
    assert re.search(r'data-error-for="priority" role="alert">Not one of the allowed values', html)


def test_note_form_error_is_shown_beside_the_field(session_client):
    number = make_ticket(session_client)
    client, token = session_client("operator")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    r = client.post(f"/tickets/{number}/notes", data={"body": "", "csrf_token": token})
    assert r.status_code == 422
    assert re.search(r'data-error-for="body" role="alert">Required', r.get_data(as_text=True))


def test_category_form_error_keeps_what_was_typed(session_client):
    client, token = session_client("admin")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    r = client.post(
        "/settings/categories",
        data={"code": "Bad Code", "name_zh": "新类别", "name_en": "", "csrf_token": token},
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'value="Bad Code"' in html and 'value="新类别"' in html
    assert re.search(r'data-error-for="name_en" role="alert">Required', html)
