"""The users pages for admins (/settings/users): the list (a unit's members with
?unit=CODE), a new user, one user's page to edit, deactivate, reactivate, reset the
password. A password made up by the server is shown on the answer's page once (never
flashed: the session cookie is readable by its holder)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hotline.core.errors import Conflict, NotFound, ValidationFailed, page_errors
from hotline.core.extensions import db
from hotline.core.permissions import MANAGE_USERS, Role, require
from hotline.core.validation import parse, parse_query
from hotline.core.web import filter_args
from hotline.core.web import settings_bp as bp
from hotline.units.models import Unit
from hotline.users import admin
from hotline.users.schemas import UserCreate, UserPatch, UserQuery

LOCALES = [("", None), ("zh_CN", "中文"), ("en", "English")]


def _units() -> list[Unit]:
    return db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)).all()


def _version(form) -> int | str | None:
    text = form.get("version", "").strip()
    return int(text) if text.isdigit() else (text or None)


def _list_page(errors=None, status=200, temporary=None, created=None):
    filters = filter_args(request.args)
    try:
        query = parse_query(UserQuery, filters)
        filter_errors = {}
    except ValidationFailed as exc:
        query, filter_errors = UserQuery(), page_errors(exc)
    users, total = admin.find_users(query)
    unit = db.session.scalar(select(Unit).where(Unit.code == query.unit)) if query.unit else None
    return render_template(
        "users/admin_list.html", users=users, total=total, query=query, filters=request.args, unit=unit,
        filter_errors=filter_errors, units=_units(), roles=list(Role), locales=LOCALES,
        errors=errors or {}, form=request.form, temporary=temporary, created=created,
    ), 422 if filter_errors and status == 200 else status


@bp.get("/users")
@require(MANAGE_USERS)
def users():
    return _list_page()


@bp.post("/users")
@require(MANAGE_USERS)
def create_user():
    form = request.form
    raw = {key: form.get(key, "") for key in ("username", "display_name", "role")}
    raw.update(unit=form.get("unit") or None, locale=form.get("locale") or None, password=form.get("password") or None)
    try:
        user, password = admin.create_user(parse(UserCreate, raw))
        db.session.commit()
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        return _list_page(page_errors(exc), exc.status)
    flash(_("User %(username)s created. They choose their own password at the first sign-in.",
            username=user.username), "ok")
    return _user_page(user, temporary=None if raw["password"] else password, status=201)


def _user_page(user, errors=None, status=200, temporary=None):
    return render_template(
        "users/admin_user.html", user=user, units=_units(), roles=list(Role), locales=LOCALES,
        errors=errors or {}, form=request.form if errors else None, temporary=temporary,
    ), status


@bp.get("/users/<username>")
@require(MANAGE_USERS)
def user(username: str):
    return _user_page(admin.find_user(username))


def _act(username: str, act, done: str, then=None):
    """Run one act on a user, commit, say it; then the user's page again (`then(user,
    value)` for an answer of its own). Errors come back on the user's page."""
    target = admin.find_user(username)
    try:
        value = act(target)
        db.session.commit()
    except (ValidationFailed, Conflict, NotFound) as exc:
        db.session.rollback()
        return _user_page(admin.find_user(username), page_errors(exc), exc.status)
    flash(done, "ok")
    return then(target, value) if then else redirect(url_for("settings.user", username=username))


@bp.post("/users/<username>")
@require(MANAGE_USERS)
def save_user(username: str):
    form = request.form
    raw = {"display_name": form.get("display_name", ""), "role": form.get("role", ""),
           "unit": form.get("unit") or None, "locale": form.get("locale") or None, "version": _version(form)}
    return _act(username, lambda target: admin.update_user(target, parse(UserPatch, raw), current_user),
                _("User %(username)s saved.", username=username))


@bp.post("/users/<username>/deactivate")
@require(MANAGE_USERS)
def deactivate_user(username: str):
    return _act(username, lambda target: admin.deactivate(target, current_user, _version(request.form)),
                _("User %(username)s deactivated: every session of theirs has ended.", username=username))


@bp.post("/users/<username>/reactivate")
@require(MANAGE_USERS)
def reactivate_user(username: str):
    return _act(username, lambda target: admin.reactivate(target, _version(request.form)),
                _("User %(username)s reactivated.", username=username))


@bp.post("/users/<username>/reset-password")
@require(MANAGE_USERS)
def reset_user_password(username: str):
    given = request.form.get("password") or None
    return _act(
        username, lambda target: admin.reset_password(target, given, _version(request.form))[1],
        _("Password of %(username)s reset: every session of theirs has ended; they choose a new one at the next "
          "sign-in.", username=username),
        then=lambda target, password: _user_page(target, temporary=None if given else password),
    )
