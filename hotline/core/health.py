"""GET /healthz: 200 when the app and its database answer."""
from typing import Literal

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hotline.core.extensions import db
from hotline.core.openapi import operation

bp = Blueprint("health", __name__)


class HealthOut(BaseModel):
    status: Literal["ok", "error"]
    database: str = Field(description="'ok', or the name of the database error")


@bp.get("/healthz")
@operation("200 when the app and its database are up", response=HealthOut, status={200: "Up", 503: "Database down"},
           operation_id="health", public=True)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return jsonify(status="error", database=str(exc.__class__.__name__)), 503
    return jsonify(status="ok", database="ok")
