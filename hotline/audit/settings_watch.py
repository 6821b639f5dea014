"""Every change to a center's settings is in the audit log, whatever made it (a page, the
API, the CLI): the domains name their settings tables (`watch`), and one session hook
records each inserted, changed or deleted row of them as `settings.create`, `.update`
or `.delete`, with the changed columns before -> after.

Routing rules, categories, units and users are recorded by their own services (their
actions say more than "settings"); this covers the rest: SLA policies, calendars and
their days, areas, shift templates and head counts, seats, the handover checklist."""
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from hotline.audit.services import record
from hotline.core.orm import listen_once

_WATCHED: set[type] = set()
_SKIP = {"version", "created_at", "updated_at"}


def watch(*models: type) -> None:
    _WATCHED.update(models)


def _value(value):
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def _columns(obj) -> dict:
    mapper = inspect(obj).mapper
    return {c.key: _value(getattr(obj, c.key)) for c in mapper.column_attrs if c.key not in _SKIP}


def _changed(obj) -> dict:
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIP:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                out[attr.key] = [_value(before), _value(after)]
    return out


def _before_flush(session: Session, _context, _instances) -> None:
    # Changes and deletions are read before the flush (their history is gone after it);
    # new rows after it, when they have their ids.
    for obj in session.dirty:
        if type(obj) in _WATCHED and session.is_modified(obj, include_collections=False):
            if detail := _changed(obj):
                record("settings.update", target=obj, detail=detail)
    for obj in session.deleted:
        if type(obj) in _WATCHED:
            record("settings.delete", target=obj, detail={k: [v, None] for k, v in _columns(obj).items()})
    session.info["audit_settings_new"] = [obj for obj in session.new if type(obj) in _WATCHED]


def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop("audit_settings_new", [])
    for obj in pending:
        record("settings.create", target=obj, detail={k: [None, v] for k, v in _columns(obj).items() if v is not None})


def install(session) -> None:
    listen_once(session, __name__, ("before_flush", _before_flush), ("after_flush", _after_flush))
