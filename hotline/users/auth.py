"""Who is calling: a person by the Flask-Login session, a machine by a bearer token."""
from flask import g, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from hotline.core.api import bearer_token
from hotline.core.extensions import login_manager
from hotline.users.models import User
from hotline.users.services import token_for_secret
from hotline.users.sessions import user_for_session_id


@login_manager.user_loader
def _load_session_user(user_id: str) -> User | None:
    if bearer_token():  # a bearer header wins: never mix a machine's call with a cookie
        return None
    return user_for_session_id(user_id)


@login_manager.request_loader
def _load_token_user(req) -> User | None:
    secret = bearer_token()
    if not secret:
        return None
    token = token_for_secret(secret)
    g.token_auth = token is not None
    return token.user if token else None


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api/") or bearer_token():
        return jsonify(error="authentication required"), 401
    return redirect(url_for("users.login", next=request.full_path))


def init_app(app) -> None:
    login_manager.login_view = "users.login"
    login_manager.login_message = _l("Please sign in.")
    login_manager.session_protection = "strong"
