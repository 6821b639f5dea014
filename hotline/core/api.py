"""The JSON API under /api/v1: everything the console does, for machines too."""
from flask import Blueprint, abort, current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import csrf, db
from hotline.core.idempotency import record_answer
from hotline.core.openapi import document
from hotline.core.validation import JsonBody

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)

error_catalog.define({"body_not_json": _l("the body must be JSON (Content-Type: application/json)")})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi_json":
        return None
    if bearer_token():
        if not current_user.is_authenticated:  # present but unknown or revoked
            abort(401, "invalid or revoked API token")
        return None
    # A browser session: state-changing calls must carry the CSRF token header.
    # Nobody signed in: require() answers 401 (a CSRF 400 would hide that).
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated:
        csrf.protect()
    return None


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI document, generated from the routes (hotline/core/openapi.py)."""
    return jsonify(document(current_app))


def json_body() -> dict:
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationFailed.at("", "body_not_json")
    return JsonBody(data) if isinstance(data, dict) else data


def via_token() -> bool:
    return bool(g.get("token_auth"))


def committed(body, status: int = 200, headers: dict | None = None):
    """Every write handler ends here: commit, then answer with `body`. The body is
    serialized by the caller before this runs (it is an argument): after the commit
    every attribute is expired, and reading one would open a second transaction.
    Under @idempotent the answer is stored with the key, in the same transaction."""
    response = jsonify(body)
    record_answer(response.get_data(as_text=True), status, headers)
    db.session.commit()
    return response, status, headers or {}
