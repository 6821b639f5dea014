"""GET /healthz: 200 when the app and its database answer."""
from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hotline.core.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return jsonify(status="error", database=str(exc.__class__.__name__)), 503
    return jsonify(status="ok", database="ok")
