"""Recording an audit entry."""
from flask import has_request_context, request
from flask_login import current_user

from hotline.audit.models import AuditEvent
from hotline.core.extensions import db

_SECRET_FIELDS = {"password", "password_hash", "secret", "token", "token_hash"}


def changes(before: dict, after: dict) -> dict:
    """The fields that differ, as {field: [before, after]} (secrets as '***')."""
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            out[key] = ["***", "***"] if key in _SECRET_FIELDS else [old, new]
    return out


def record(action: str, *, target=None, target_type: str | None = None, target_id=None,
           ticket_id: int | None = None, reason: str | None = None, detail: dict | None = None,
           actor=None) -> AuditEvent:
    """Add an entry to the current transaction. `target` is any model with an id
    (its table name is the kind); `actor` defaults to whoever is signed in."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if target is not None:
        target_type = target_type or target.__tablename__
        target_id = target.id
    entry = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_name=(getattr(actor, "display_name", None) or getattr(actor, "username", None) or "")[:120],
        ip=(request.remote_addr or None) if has_request_context() else None,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        ticket_id=ticket_id,
        reason=(reason or None) and reason[:500],
        detail=detail or None,
    )
    db.session.add(entry)
    return entry
