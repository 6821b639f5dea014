"""A person's own password: the change page, and the gate that sends someone whose
password an admin reset there first (pages redirect; the API answers 403
`password_change_required`). A bearer token is its own credential: not gated."""
from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from hotline.core import error_catalog
from hotline.core.errors import Forbidden, ValidationFailed, page_errors, say
from hotline.core.extensions import db
from hotline.core.permissions import Role, require
from hotline.core.validation import parse
from hotline.users import admin
from hotline.users.routes import _safe_next  # one rule for where a page may send someone
from hotline.users.schemas import PasswordChange

bp = Blueprint("account", __name__, url_prefix="/account")

error_catalog.define({
    "password_change_required": _l("your password was reset: choose your own at /account/password first"),
})

# What a person with a reset password may still reach: this page, signing out, and
# what needs nobody signed in.
_OPEN = {"account.password", "users.logout", "users.login", "static", "health.healthz", "api.openapi_json"}


@bp.before_app_request
def _password_change_first():
    if request.endpoint in _OPEN or not current_user.is_authenticated or g.get("token_auth"):
        return None
    if not current_user.must_change_password:
        return None
    if request.path.startswith("/api/"):
        error = Forbidden("password_change_required")
        return jsonify(error=error.message, code=error.code, message=say(error)), 403
    return redirect(url_for("account.password", next=request.full_path if request.method == "GET" else None))


@bp.route("/password", methods=["GET", "POST"])
@require(set(Role))
def password():
    errors, status = {}, 200
    if request.method == "POST":
        try:
            data = parse(PasswordChange, {key: request.form.get(key, "") for key in PasswordChange.model_fields})
            user = admin.change_own_password(
                current_user._get_current_object(), data.current_password, data.new_password,
                data.new_password_again, request.remote_addr or "-", request.headers.get("User-Agent"),
            )
        except ValidationFailed as exc:
            db.session.commit()  # a wrong current password is recorded: it counts toward the lockout
            errors, status = page_errors(exc), 422
        else:
            db.session.commit()
            login_user(user)  # every session ended; this browser stays signed in
            flash(_("Password changed. You were signed out everywhere else."), "ok")
            return redirect(_next() or url_for("users.home"))
    return render_template(
        "users/password.html", errors=errors,
        min_length=current_app.config["HOTLINE_PASSWORD_MIN_LENGTH"],
        lockout_minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"],
    ), status


def _next() -> str | None:
    target = request.args.get("next")
    return _safe_next(target) if target and not target.startswith(url_for("account.password")) else None
