"""What the supervisor reads: the filtered list of warnings and breaches (and its
export), and on-time rates per unit or category and stage, counted in SQL."""
import base64
import binascii
import json
from collections.abc import Iterator
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from hotline.core import clock, error_catalog
from hotline.core.counting import LIST_CAP, count_rows
from hotline.core.errors import ValidationFailed
from hotline.core.exports import csv_stream
from hotline.core.extensions import db
from hotline.sla.models import Alert, AlertKind, SlaClock, Stage
from hotline.sla.supervision.schemas import AlertQuery, OnTimeQuery
from hotline.tickets.models import Category, Ticket
from hotline.units.models import Unit

error_catalog.define({"bad_cursor": _l("not a cursor this list gave; start from the first page")})

DEFAULT_PERIOD = timedelta(days=7)
EXPORT_LIMIT = 100_000


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# ---- the alert list ----------------------------------------------------------------------


def unit_and_children(code: str) -> set[int]:
    """A unit chosen by code and the units under it (a branch and its crews)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise ValidationFailed.at("unit", "unknown_unit", code=code)
    return {unit.id, *db.session.scalars(select(Unit.id).where(Unit.parent_id == unit.id))}


def _rank():
    """0 a breach nobody acknowledged, 1 a warning nobody acknowledged, 2 the rest."""
    waiting = Alert.acknowledged_at.is_(None)
    return case((and_(waiting, Alert.kind == AlertKind.BREACH), 0), (waiting, 1), else_=2)


def _rank_of(alert: Alert) -> int:
    if alert.acknowledged_at is not None:
        return 2
    return 0 if alert.kind == AlertKind.BREACH else 1


# Each order: its sort key as (column, descending?) and the same key read off a row.
_ORDERS = {
    "newest": (lambda: [(Alert.at, True), (Alert.id, True)], lambda a: [a.at, a.id]),
    "urgent": (lambda: [(_rank(), False), (Alert.due_at, False), (Alert.id, False)],
               lambda a: [_rank_of(a), a.due_at, a.id]),
}


def _cursor(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _uncursor(text: str, order: str) -> list:
    """The key a `next` named; anything else is a 422 (a cursor is opaque, not a filter)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        *head, last = raw
        if not isinstance(last, int) or isinstance(last, bool) or len(raw) != len(_ORDERS[order][0]()):
            raise ValueError
        if order == "newest":
            return [_aware(head[0]), last]
        if not isinstance(head[0], int) or isinstance(head[0], bool):
            raise ValueError
        return [head[0], _aware(head[1]), last]
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        raise ValidationFailed.at("after", "bad_cursor") from None


def _aware(text) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError
    return value


def _after(key: list, values: list):
    """Rows after `values` in the order `key` (lexicographic: the first column that differs decides)."""
    terms = []
    for i, (col, desc) in enumerate(key):
        same = [c == values[j] for j, (c, _) in enumerate(key[:i])]
        terms.append(and_(*same, col < values[i] if desc else col > values[i]))
    return or_(*terms)


def alert_select(q: AlertQuery) -> Select:
    """The alerts matching the filters, in the order asked (newest first by default)."""
    stmt = select(Alert)
    if q.unit:
        stmt = stmt.where(Alert.unit_id.in_(unit_and_children(q.unit)))
    if q.category:
        category_id = db.session.scalar(select(Category.id).where(Category.code == q.category))
        if category_id is None:
            raise ValidationFailed.at("category", "unknown_category", code=q.category)
        stmt = stmt.join(Ticket, Ticket.id == Alert.ticket_id).where(Ticket.category_id == category_id)
    if q.stage:
        stmt = stmt.where(Alert.stage == q.stage)
    if q.kind:
        stmt = stmt.where(Alert.kind == q.kind)
    if q.start:
        stmt = stmt.where(Alert.at >= q.start)
    if q.end:
        stmt = stmt.where(Alert.at <= q.end)
    if q.acknowledged is not None:
        acked = Alert.acknowledged_at.is_not(None)
        stmt = stmt.where(acked if q.acknowledged else ~acked)
    key = _ORDERS[q.order][0]()
    return stmt.order_by(*[c.desc() if desc else c.asc() for c, desc in key])


_ALERT_LOADS = (
    joinedload(Alert.ticket).joinedload(Ticket.category),
    joinedload(Alert.unit),
    joinedload(Alert.acknowledged_by),
)


# The urgent order's parts in turn (the rank of _rank), each walked on an index by deadline
# (ix_sla_alert_waiting, ix_sla_alert_due): sorting half a million alerts by a computed
# rank cost 370 ms at a year's data; the walk costs what the page does.
_URGENT_PARTS = (
    lambda: and_(Alert.kind == AlertKind.BREACH, Alert.acknowledged_at.is_(None)),
    lambda: and_(Alert.kind == AlertKind.WARNING, Alert.acknowledged_at.is_(None)),
    lambda: Alert.acknowledged_at.is_not(None),
)


def _urgent_rows(stmt: Select, after: list | None, limit: int) -> list[Alert]:
    """Up to `limit` alerts of `stmt` (filtered, unordered) in the urgent order, after the
    key `after` ([rank, due_at, id]) when given."""
    ids: list[int] = []
    start = after[0] if after else 0
    for rank in range(start, len(_URGENT_PARTS)):
        part = stmt.where(_URGENT_PARTS[rank]()).order_by(Alert.due_at, Alert.id)
        if after and rank == start:
            due, last = after[1], after[2]
            part = part.where(or_(Alert.due_at > due, and_(Alert.due_at == due, Alert.id > last)))
        ids += db.session.scalars(part.with_only_columns(Alert.id).limit(limit - len(ids))).all()
        if len(ids) >= limit:
            break
    # Chosen by id first, joined after: with the joins in the walk PostgreSQL hashed a
    # million tickets for 21 alerts (110 ms).
    loaded = {a.id: a for a in db.session.scalars(select(Alert).options(*_ALERT_LOADS).where(Alert.id.in_(ids))).unique()}
    return [loaded[i] for i in ids]


def alert_page(q: AlertQuery) -> tuple[list[Alert], int, bool, str | None]:
    """A page of alerts, the total that match (counted up to LIST_CAP), whether more
    match than were counted, and the cursor of the next page (None at the end). With
    `after` (keyset) the page starts right after the row it names, at any depth for the
    price of the first page; else by `page` (offset)."""
    stmt = alert_select(q)
    total = count_rows(stmt, LIST_CAP)
    key_of = _ORDERS[q.order][1]
    after = _uncursor(q.after, q.order) if q.after else None
    if q.order == "urgent" and (after or q.page == 1):
        rows = _urgent_rows(stmt.order_by(None), after, q.per_page + 1)
    else:
        if after:
            stmt = stmt.where(_after(_ORDERS[q.order][0](), after))
        else:
            stmt = stmt.offset((q.page - 1) * q.per_page)
        rows = list(db.session.scalars(stmt.options(*_ALERT_LOADS).limit(q.per_page + 1)).unique().all())
    more = len(rows) > q.per_page
    rows = rows[: q.per_page]
    return rows, min(total, LIST_CAP), total > LIST_CAP, _cursor(key_of(rows[-1])) if more else None


def alert_view(alert: Alert) -> dict:
    ticket = alert.ticket
    by = alert.acknowledged_by
    return {
        "id": alert.id,
        "kind": alert.kind.value,
        "stage": alert.stage.value,
        "number": ticket.number,
        "priority": ticket.priority.value,
        "category": ticket.category.code if ticket.category else None,
        "unit": alert.unit.code if alert.unit else None,
        "due_at": _iso(alert.due_at),
        "at": _iso(alert.at),
        "acknowledged_at": _iso(alert.acknowledged_at),
        "acknowledged_by": {"username": by.username, "name": by.display_name} if by else None,
        "comment": alert.comment,
    }


def alerts_csv(q: AlertQuery, headers: list[str], labels) -> Iterator[str]:
    """The filtered list as CSV for Excel (hotline.core.exports: a BOM first, and no cell a
    spreadsheet would run as a formula: a comment "=HYPERLINK(...)" stays text), times in
    the center's zone, codes in words. `labels(kind, code)` names a code in the reader's
    language. The filters are checked here, before the first line is sent (a bad one is a
    422, not a broken download)."""
    stmt = alert_select(q).options(*_ALERT_LOADS).limit(EXPORT_LIMIT)

    def fmt(at: datetime | None) -> str:
        return clock.local(at).strftime("%Y-%m-%d %H:%M:%S") if at else ""

    def rows() -> Iterator[list]:
        for alert in db.session.scalars(stmt).yield_per(500):
            by = alert.acknowledged_by
            yield [
                alert.id, labels("kind", alert.kind.value), labels("stage", alert.stage.value), alert.ticket.number,
                labels("priority", alert.ticket.priority.value),
                labels("category", alert.ticket.category.code if alert.ticket.category else None),
                alert.unit.name if alert.unit else "", fmt(alert.due_at), fmt(alert.at),
                fmt(alert.acknowledged_at), by.display_name if by else "", alert.comment or "",
            ]

    return csv_stream(headers, rows())


# ---- on-time rates -------------------------------------------------------------------------


def period(q: OnTimeQuery, now: datetime) -> tuple[datetime, datetime]:
    end = q.end or now
    start = q.start or end - DEFAULT_PERIOD
    return start, end


def _late():
    """A stopped clock is late when its breach was recorded or it used more than it had
    (stopped past the deadline before any sweep saw it): the same rule as SlaClock.met."""
    return or_(
        SlaClock.breached_at.is_not(None),
        SlaClock.consumed_seconds > SlaClock.budget_seconds + SlaClock.extended_seconds,
    )


def on_time(q: OnTimeQuery, now: datetime, locale: str) -> dict:
    """Per unit (or category) and stage: clocks stopped in the period (total, met, late,
    rate) and, at `now`, the running clocks already past their deadline (overdue)."""
    start, end = period(q, now)
    if q.by == "unit":
        key, join = SlaClock.unit_id, None
    else:
        key, join = Ticket.category_id, (Ticket, Ticket.id == SlaClock.ticket_id)

    def grouped(*columns):
        stmt = select(key, SlaClock.stage, *columns)
        if join is not None:
            stmt = stmt.join(*join)
        return stmt.group_by(key, SlaClock.stage)

    stopped = db.session.execute(
        grouped(func.count(), func.sum(case((_late(), 1), else_=0)))
        .where(SlaClock.stopped_at >= start, SlaClock.stopped_at <= end)
    ).all()
    overdue = db.session.execute(
        grouped(func.count()).where(
            SlaClock.stopped_at.is_(None),
            or_(SlaClock.breached_at.is_not(None), SlaClock.due_at <= now),
        )
    ).all()

    cells: dict[object, dict[str, dict]] = {}

    def cell(group, stage) -> dict:
        return cells.setdefault(group, {}).setdefault(
            stage.value, {"total": 0, "met": 0, "late": 0, "rate": None, "overdue": 0}
        )

    for group, stage, total, late in stopped:
        c = cell(group, stage)
        c["total"], c["late"] = total, int(late or 0)
        c["met"] = total - c["late"]
        c["rate"] = round(c["met"] / total, 4) if total else None
    for group, stage, count in overdue:
        cell(group, stage)["overdue"] = count

    names = _group_names(q.by, [g for g in cells if g is not None], locale)
    groups = [
        {"key": names[g][0] if g is not None else None, "name": names[g][1] if g is not None else None, "stages": stages}
        for g, stages in cells.items()
    ]
    groups.sort(key=lambda g: (g["key"] is None, g["key"] or ""))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "now": now.isoformat(),
        "by": q.by,
        "stages": [s.value for s in Stage if any(s.value in g["stages"] for g in groups)],
        "groups": groups,
        "all": _totals(groups),
    }


def _totals(groups: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for g in groups:
        for stage, c in g["stages"].items():
            t = out.setdefault(stage, {"total": 0, "met": 0, "late": 0, "rate": None, "overdue": 0})
            for field in ("total", "met", "late", "overdue"):
                t[field] += c[field]
    for t in out.values():
        t["rate"] = round(t["met"] / t["total"], 4) if t["total"] else None
    return out


def _group_names(by: str, ids: list[int], locale: str) -> dict[int, tuple[str, str]]:
    if by == "unit":
        rows = db.session.scalars(select(Unit).where(Unit.id.in_(ids))).all()
        return {u.id: (u.code, u.name) for u in rows}
    rows = db.session.scalars(select(Category).where(Category.id.in_(ids))).all()
    return {c.id: (c.code, c.name(locale)) for c in rows}
