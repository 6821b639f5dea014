"""Language and time zone: the user's setting, else the browser's, else the center's."""
from datetime import datetime

from flask import current_app, request
from flask_babel import format_datetime, get_locale
from flask_login import current_user

LOCALES = ("zh_CN", "en")


def select_locale() -> str:
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    return request.accept_languages.best_match(LOCALES) or current_app.config["BABEL_DEFAULT_LOCALE"]


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
