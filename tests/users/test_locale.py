"""The language of the pages: the person's own, else the center's (HOTLINE_LOCALE); the
browser's only for a center without one. The other suites run with an empty
HOTLINE_LOCALE (tests/conftest.py); these set the center's as production does."""
import pytest
from fixtures.app import login

from hotline.core.extensions import db
from hotline.users.models import User

EN_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}


def _lang(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="')[1].split('"')[0]


@pytest.fixture
def chinese_center(app):
    app.config["HOTLINE_LOCALE"] = "zh_CN"
    return app


def test_an_english_browser_does_not_turn_a_chinese_centers_board_english(chinese_center, session_client):
    board, _ = session_client("board")
    assert _lang(board.get("/board", headers=EN_BROWSER)) == "zh-CN"
    operator, _ = session_client("operator")
    assert _lang(operator.get("/tickets", headers=EN_BROWSER)) == "zh-CN"


def test_the_persons_own_language_wins(app, chinese_center, session_client, users):
    with app.app_context():
        db.session.get(User, users["operator"]).locale = "en"
        db.session.commit()
    operator, _ = session_client("operator")
    assert _lang(operator.get("/tickets", headers={"Accept-Language": "zh-CN"})) == "en"
    assert _lang(operator.get("/tickets?lang=zh_CN")) == "en"  # the sign-in page's choice is not theirs


def test_an_english_center(app, session_client):
    app.config["HOTLINE_LOCALE"] = "en"
    operator, _ = session_client("operator")
    assert _lang(operator.get("/tickets", headers={"Accept-Language": "zh-CN"})) == "en"


def test_the_sign_in_page_language_choice_is_kept(chinese_center, client):
    assert _lang(client.get("/login", headers=EN_BROWSER)) == "zh-CN"
    r = client.get("/login?lang=en", headers=EN_BROWSER)
    assert _lang(r) == "en" and "hotline_lang=en" in r.headers["Set-Cookie"]
    assert _lang(client.get("/login")) == "en"  # the cookie
    assert _lang(client.get("/login?lang=zh_CN")) == "zh-CN"
    assert _lang(client.get("/login", headers=EN_BROWSER)) == "zh-CN"
    assert "hotline_lang" not in str(client.get("/login?lang=klingon").headers)


def test_signed_in_people_follow_their_own_setting_not_the_cookie(chinese_center, client, users):
    client.get("/login?lang=en")
    login(client, "operator")
    assert _lang(client.get("/tickets")) == "zh-CN"


def test_a_center_without_a_language_follows_the_browser(app, client, session_client):
    app.config["HOTLINE_LOCALE"] = ""
    assert _lang(client.get("/login", headers=EN_BROWSER)) == "en"
    assert _lang(client.get("/login", headers={"Accept-Language": "zh-CN"})) == "zh-CN"
    operator, _ = session_client("operator")
    assert _lang(operator.get("/tickets", headers=EN_BROWSER)) == "en"


def test_the_config_default_is_chinese(monkeypatch, tmp_path):
    from hotline.core.config import load_config

    monkeypatch.setenv("HOTLINE_INSTANCE", str(tmp_path))
    monkeypatch.delenv("HOTLINE_LOCALE")
    assert load_config()["HOTLINE_LOCALE"] == "zh_CN"
    monkeypatch.setenv("HOTLINE_LOCALE", "en")
    assert (load_config()["HOTLINE_LOCALE"], load_config()["BABEL_DEFAULT_LOCALE"]) == ("en", "en")
