"""Idempotent writes: a client that sends `Idempotency-Key: <key>` may retry a POST safely.

    @bp.post("/v1/tickets")
    @operation(...)
    @require(CREATE_TICKET)
    @idempotent
    def create_ticket(): ... return committed(body, 201, headers)

- The first request with a key runs the view. A row (user, key) is inserted before the view
  runs and gets the answer (status, body, Location) in the view's own transaction:
  `committed()` (hotline.core.api) fills it just before the commit. Either the ticket and
  its key are both committed, or neither is.
- A retry with the same key by the same user answers the stored status and body again
  (header `Idempotent-Replayed: true`) and runs nothing.
- The same key with another body (or for another route) answers 422 `idempotency_key_reused`.
- Two requests at once with one key: the unique constraint on (user_id, key) lets one
  insert; the other waits for it (PostgreSQL's unique index; SQLite's write lock), then
  answers the stored answer, or 409 `idempotency_in_progress` if there is none to give.
- Keys live 24 hours (`IDEMPOTENCY_TTL_HOURS`); an expired key is a new key.
An error answer (4xx from the view) is not stored: nothing was committed, a retry runs again.
"""
from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timedelta
from functools import wraps

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from hotline.core import clock, error_catalog
from hotline.core.errors import Conflict, ValidationFailed
from hotline.core.extensions import db

HEADER = "Idempotency-Key"
MAX_KEY = 200

error_catalog.define({
    "idempotency_key_reused": _l("this Idempotency-Key was used for another request; use a new key"),
    "idempotency_in_progress": _l("a request with this Idempotency-Key is still in progress; retry later"),
    "idempotency_key_invalid": _l("the Idempotency-Key header must be 1 to 200 visible ASCII characters"),
})

OPENAPI_HEADER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
    "description": "Makes the request safe to retry: a retry with the same key (same user, within "
                   "24 h) answers the first answer again (header Idempotent-Replayed: true) and "
                   "creates nothing. A fresh unique value (a UUID) per intended request.",
}
OPENAPI_ERRORS = {
    409: "Another request with this Idempotency-Key is in progress (idempotency_in_progress)",
    422: "Bad input; or this Idempotency-Key was used with another body (idempotency_key_reused)",
}


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_key_user_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path and body
    created_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[int | None] = mapped_column(Integer)  # None: not answered (never committed so)
    body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict | None] = mapped_column(JSON)


def _fingerprint() -> str:
    raw = request.get_data(cache=True)
    try:  # the same JSON written another way is the same request
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        body = raw
    return hashlib.sha256(b"%s %s\n%s" % (request.method.encode(), request.path.encode(), body)).hexdigest()


def _key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY or not all(33 <= ord(c) <= 126 for c in key):
        raise ValidationFailed.at(HEADER, "idempotency_key_invalid")
    return key


def _cutoff() -> datetime:
    return clock.now() - timedelta(hours=current_app.config.get("IDEMPOTENCY_TTL_HOURS", 24))


def _find(key: str) -> IdempotencyKey | None:
    return db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.user_id == current_user.id, IdempotencyKey.key == key))


def _replay(row: IdempotencyKey, fingerprint: str):
    if row.fingerprint != fingerprint:
        raise ValidationFailed.at(HEADER, "idempotency_key_reused")
    if row.status is None:
        raise Conflict("idempotency_in_progress")
    response = current_app.response_class(row.body, status=row.status, mimetype="application/json")
    for name, value in (row.headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    db.session.rollback()  # the lookup's transaction (a write lock on SQLite)
    return response


def idempotent(view):
    """Route decorator (inside @require: the key belongs to the signed-in user)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        key = _key()
        if key is None:
            return view(*args, **kwargs)
        fingerprint = _fingerprint()
        cutoff = _cutoff()
        row = _find(key)
        if row is not None and row.created_at >= cutoff:
            return _replay(row, fingerprint)
        if row is not None:  # expired: the key is new again
            db.session.delete(row)
            db.session.flush()  # before the insert below (the unit of work inserts first)
        if random.random() < 0.01:  # now and then, forget every expired key
            db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
        row = IdempotencyKey(user_id=current_user.id, key=key, fingerprint=fingerprint, created_at=clock.now())
        db.session.add(row)
        try:
            # PostgreSQL: a concurrent insert of the same key waits here until the other commits.
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            winner = _find(key)
            if winner is None:
                raise Conflict("idempotency_in_progress") from None
            return _replay(winner, fingerprint)
        g.idempotency_row = row
        try:
            return view(*args, **kwargs)
        finally:
            g.pop("idempotency_row", None)

    wrapped.openapi_headers = [*getattr(view, "openapi_headers", []), OPENAPI_HEADER]
    wrapped.openapi_errors = {**getattr(view, "openapi_errors", {}), **OPENAPI_ERRORS}
    return wrapped


def record_answer(body: str, status: int, headers: dict | None) -> None:
    """Called by `committed()` before its commit: the answer (JSON text) joins the key's row."""
    row = g.get("idempotency_row")
    if row is None:
        return
    row.status = status
    row.body = body
    row.headers = {k: v for k, v in (headers or {}).items() if k.lower() == "location"}


