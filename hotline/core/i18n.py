"""Language and time zone. The language: a signed-in person's own choice, else the
center's (`HOTLINE_LOCALE`), never the browser's: an en-US browser on a wall screen
must not turn a Chinese center's board English. Before sign-in: the language picked
on the sign-in page (`?lang=`, kept in a cookie), else the center's. The browser's
Accept-Language counts only for a center that has none (HOTLINE_LOCALE empty)."""
from datetime import datetime

from flask import current_app, request
from flask_babel import format_datetime, get_locale
from flask_login import current_user

LOCALES = ("zh_CN", "en")
LANG_COOKIE = "hotline_lang"
LANG_COOKIE_DAYS = 365


def center_locale() -> str | None:
    locale = current_app.config.get("HOTLINE_LOCALE")
    return locale if locale in LOCALES else None


def chosen_locale() -> str | None:
    """The language picked before sign-in: this request's `?lang=`, else the cookie."""
    for value in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LOCALES:
            return value
    return None


def select_locale() -> str:
    if current_user and current_user.is_authenticated:
        own = current_user.locale if current_user.locale in LOCALES else None
    else:
        own = chosen_locale()
    return (
        own
        or center_locale()
        or request.accept_languages.best_match(LOCALES)
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _keep_chosen_language(response):
    """`?lang=` on any page (the sign-in page offers it) is remembered for the next ones."""
    lang = request.args.get("lang")
    if lang in LOCALES and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def select_timezone() -> str:
    return current_app.config["HOTLINE_TIMEZONE"]


def current_locale() -> str:
    locale = get_locale()
    return "zh_CN" if locale and locale.language == "zh" else "en"


def local_time(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    return format_datetime(value, fmt) if value else ""


def init_app(app) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["current_locale"] = current_locale
    app.after_request(_keep_chosen_language)
