"""Sign in, sign out, and a person's own settings."""
from typing import Literal
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from hotline.audit.services import record
from hotline.core.extensions import db
from hotline.core.i18n import LOCALES
from hotline.core.permissions import require
from hotline.core.validation import Strict, Text, parse
from hotline.users.models import Role
from hotline.users.services import attempt_login
from hotline.users.sessions import end_sessions, session_token_id

bp = Blueprint("users", __name__)

ANY_ROLE = set(Role)  # signed in, whatever the role: still checked by require()

HOME_BY_ROLE = {
    Role.OPERATOR: "tickets.console",
    Role.SUPERVISOR: "tickets.ticket_list",
    Role.MANAGER: "tickets.ticket_list",
    Role.DISPATCHER: "dispatch.desk",
    Role.CREW: "dispatch.crew",
    Role.ADMIN: "settings.categories",
    Role.BOARD: "dispatch.board",
}


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class SettingsForm(FlaskForm):
    locale = SelectField(
        _l("Language"),
        choices=[("", _l("The center's language")), ("zh_CN", "中文"), ("en", "English")],
    )


def _safe_next(target: str | None) -> str | None:
    """A path on this site only. Browsers read '/\\evil.example' and '/\t/evil.example'
    as '//evil.example' (another site), so backslashes and control characters are refused."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.get("/")
@require(ANY_ROLE)
def home():
    return redirect(url_for(HOME_BY_ROLE.get(current_user.role, "users.settings")))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        result = attempt_login(
            form.username.data,
            form.password.data,
            request.remote_addr or "-",
            request.headers.get("User-Agent"),
        )
        db.session.commit()  # the attempt is recorded whether it succeeded or not
        if result.user:
            # A fresh session: nothing planted before sign-in survives it (session
            # fixation), and the CSRF token is a new one (Flask-WTF makes it on demand).
            session.clear()
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")) or url_for("users.home"))
        if result.error == "locked":
            form.password.errors.append(
                _("Too many failed attempts. Try again in %(minutes)d minutes.", minutes=result.retry_after_minutes)
            )
            return render_template("users/login.html", form=form), 429
        form.password.errors.append(_("Wrong username or password."))
        return render_template("users/login.html", form=form), 401
    return render_template("users/login.html", form=form)


def sign_in_refused(seconds: int) -> str:
    """The sign-in form after too many failed attempts (hotline.core.ratelimit answers 429)."""
    form = LoginForm()
    form.password.errors = [_("Too many sign-in attempts. Try again in %(seconds)d seconds.", seconds=seconds)]
    return render_template("users/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Signing out ends every session of the person (their other browsers and seats,
    their open pages and sockets: hotline/live/receivers.py), as a password change does.
    A wall screen's kiosk session (bound to its board token) ends only itself: the
    screens of a center share one board account; revoking the token ends a screen."""
    user = current_user._get_current_object()
    record("auth.sign_out", target=user)
    if session_token_id() is None:
        end_sessions(user)
    db.session.commit()
    logout_user()
    return redirect(url_for("users.login"))


class LanguageChoice(Strict):
    locale: Literal[LOCALES]
    next: Text(2000) | None = None


@bp.post("/settings/language")
@require(ANY_ROLE)
def language():
    """The top bar's 中文/English: the person's own language, as on /settings, and back
    to the page they were on (CSRF checked by Flask-WTF; a bad value answers 422)."""
    data = parse(LanguageChoice, {k: v for k, v in request.form.items() if k in ("locale", "next")})
    current_user.locale = data.locale
    db.session.commit()
    return redirect(_safe_next(data.next) or url_for("users.home"), 303)


@bp.route("/settings", methods=["GET", "POST"])
@require(ANY_ROLE)
def settings():
    form = SettingsForm(locale=current_user.locale or "")
    if form.validate_on_submit():
        current_user.locale = form.locale.data or None
        db.session.commit()
        flash(_("Settings saved."), "ok")
        return redirect(url_for("users.settings"))
    return render_template("users/settings.html", form=form)
