"""Reading the audit log: the filtered entries, newest first, a page at a time by id
(keyset: `before` the last id seen), as JSON rows and as spreadsheet-safe CSV.

The audit package sits below users and tickets: their tables are named here as bare
tables (id, username / number), never imported."""
from collections.abc import Iterator

from sqlalchemy import Select, column, or_, select, table

from hotline.audit.models import AuditEvent
from hotline.audit.schemas import MAX_ID, PER_PAGE, AuditQuery
from hotline.core import clock
from hotline.core.exports import csv_stream
from hotline.core.extensions import db

_USER = table("user", column("id"), column("username"))
_TICKET = table("ticket", column("id"), column("number"))


def audit_select(q: AuditQuery) -> Select:
    """(entry, actor's username, ticket number) rows matching the filters, newest first."""
    stmt = (
        select(AuditEvent, _USER.c.username, _TICKET.c.number)
        .outerjoin(_USER, _USER.c.id == AuditEvent.actor_id)
        .outerjoin(_TICKET, _TICKET.c.id == AuditEvent.ticket_id)
    )
    if q.action:
        stmt = stmt.where(AuditEvent.action.startswith(q.action, autoescape=True))
    if q.actor:
        stmt = stmt.where(or_(AuditEvent.actor_name.icontains(q.actor, autoescape=True),
                              _USER.c.username.icontains(q.actor, autoescape=True)))
    if q.target_type:
        stmt = stmt.where(AuditEvent.target_type == q.target_type)
    if q.target_id:
        stmt = stmt.where(AuditEvent.target_id == q.target_id)
    if q.ticket:
        by_number = _TICKET.c.number == q.ticket
        if q.ticket.isdigit() and int(q.ticket) <= MAX_ID:
            by_number = or_(by_number, AuditEvent.ticket_id == int(q.ticket))
        stmt = stmt.where(by_number)
    if q.start:
        stmt = stmt.where(AuditEvent.at >= q.start)
    if q.end:
        stmt = stmt.where(AuditEvent.at < q.end)
    if q.before:
        stmt = stmt.where(AuditEvent.id < q.before)
    return stmt.order_by(AuditEvent.id.desc())


def audit_page(q: AuditQuery) -> tuple[list, int | None]:
    """A page of rows, and the id to ask `before` for the next one (None: no more)."""
    rows = db.session.execute(audit_select(q).limit(PER_PAGE + 1)).all()
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    return rows, rows[-1][0].id if more else None


def entry_view(row) -> dict:
    entry, username, number = row
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "action": entry.action,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_username": username,
        "ip": entry.ip,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "ticket_id": entry.ticket_id,
        "ticket": number,
        "reason": entry.reason,
        "detail": entry.detail,
    }


def detail_lines(detail) -> list[tuple[str, object, object, bool]]:
    """(field, before, after, is a change) per key: a change is a [before, after] pair;
    anything else (an export's filters) is a plain value in `after`."""
    if not isinstance(detail, dict):
        return [] if detail is None else [("", None, detail, False)]
    out = []
    for key, value in detail.items():
        if isinstance(value, list) and len(value) == 2:
            out.append((key, value[0], value[1], True))
        else:
            out.append((key, None, value, False))
    return out


def detail_text(detail) -> str:
    def show(value) -> str:
        return "—" if value is None or value == "" else str(value)

    return "; ".join(
        f"{key}: {show(before)} → {show(after)}" if change else (f"{key}: {show(after)}" if key else show(after))
        for key, before, after, change in detail_lines(detail)
    )


def audit_csv(q: AuditQuery, headers: list[str], action_label) -> Iterator[str]:
    """The filtered log as CSV (every row, streamed): times in the center's zone, the
    action in words beside its code; every cell spreadsheet-safe (hotline.core.exports)."""
    stmt = audit_select(q).execution_options(yield_per=500)

    def rows():
        for entry, username, number in db.session.execute(stmt):
            yield [
                entry.id, clock.local(entry.at).strftime("%Y-%m-%d %H:%M:%S"), entry.actor_name, username or "",
                entry.ip or "", action_label(entry.action), entry.action, entry.target_type or "",
                entry.target_id or "", number or "", entry.reason or "", detail_text(entry.detail),
            ]

    return csv_stream(headers, rows())
