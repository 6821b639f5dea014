"""The language from the top bar (every page, signed in: the person's own language, as
on /settings, then back to the same page) and from the sign-in page (?lang=, kept in a
cookie). Bad input: a 422 or the CSRF refusal, never a 500; never a redirect elsewhere."""
import re

import pytest
from fixtures.app import csrf_from

from hotline.core.extensions import db
from hotline.users.models import User


def _switch(html: str) -> str:
    match = re.search(r'<form method="post" action="/settings/language" class="inline lang-switch".*?</form>', html, re.S)
    return match.group(0) if match else ""


@pytest.mark.parametrize("path", ["/tickets?open=1&sort=unit", "/settings", "/callbacks"])
def test_the_top_bar_offers_both_languages_on_every_page(session_client, path):
    client, _ = session_client("supervisor")
    form = _switch(client.get(path).get_data(as_text=True))
    assert 'name="csrf_token"' in form
    assert f'name="next" value="{path.replace("&", "&amp;")}"' in form
    assert 'value="zh_CN"' in form and 'value="en"' in form
    assert form.count('aria-pressed="true"') == 1


def test_the_wall_board_account_has_no_switch(session_client):
    client, _ = session_client("board")
    assert _switch(client.get("/board").get_data(as_text=True)) == ""


def test_switching_sets_the_persons_language_and_returns_to_the_page(app, session_client, users):
    client, token = session_client("dispatcher")
    r = client.post("/settings/language", data={"locale": "en", "next": "/tickets?sort=unit&dir=desc", "csrf_token": token})
    assert r.status_code == 303 and r.headers["Location"] == "/tickets?sort=unit&dir=desc"
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in html and ">Tickets</h1>" in html
    with app.app_context():
        assert db.session.get(User, users["dispatcher"]).locale == "en"  # the same setting as /settings
    r = client.post("/settings/language", data={"locale": "zh_CN", "next": "/tickets", "csrf_token": token})
    assert '<html lang="zh-CN">' in client.get(r.headers["Location"]).get_data(as_text=True)
    settings = client.get("/settings").get_data(as_text=True)
    assert re.search(r'<option (selected value="zh_CN"|value="zh_CN" selected)', settings)


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "", None])
def test_a_foreign_or_missing_next_goes_home(session_client, target):
    client, token = session_client("operator")
    data = {"locale": "en", "csrf_token": token, **({"next": target} if target is not None else {})}
    r = client.post("/settings/language", data=data)
    assert r.status_code == 303 and r.headers["Location"] == "/"


@pytest.mark.parametrize("locale", ["fr", "", "zh_CN' or 1=1", "x" * 5000])
def test_a_bad_language_is_refused(app, session_client, users, locale):
    client, token = session_client("operator")
    r = client.post("/settings/language", data={"locale": locale, "next": "/tickets", "csrf_token": token})
    assert r.status_code == 422
    with app.app_context():
        assert db.session.get(User, users["operator"]).locale is None


def test_without_the_csrf_token_nothing_changes(app, session_client, users):
    client, _ = session_client("operator")
    r = client.post("/settings/language", data={"locale": "en", "next": "/tickets"})
    assert r.status_code == 400
    with app.app_context():
        assert db.session.get(User, users["operator"]).locale is None


def test_signed_out_the_switch_is_refused(client):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    r = client.post("/settings/language", data={"locale": "en", "csrf_token": token})
    assert r.status_code in (302, 401)


def test_the_sign_in_page_switches_and_remembers(client):
    html = client.get("/login").get_data(as_text=True)
    links = re.findall(r'<a href="(/login\?lang=[^"]+)" lang="([^"]+)"', html)
    assert [lang for _href, lang in links] == ["zh-CN", "en"]
    r = client.get("/login?lang=en")
    assert '<html lang="en">' in r.get_data(as_text=True)
    assert "hotline_lang=en" in r.headers.get("Set-Cookie", "")
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)  # the cookie keeps it
    assert '<html lang="zh-CN">' in client.get("/login?lang=zh_CN").get_data(as_text=True)
