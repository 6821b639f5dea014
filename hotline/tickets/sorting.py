"""The orders the tickets list sorts by (?sort=key&dir=asc|desc): a whitelist of
built-in keys plus the columns higher parts add (tickets/columns.py). Rows without a
value (no unit, no deadline) come last in both directions; the ticket id breaks ties
in the same direction, so that paging is stable."""
import base64
import binascii
import enum
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, case, or_, select
from sqlalchemy.orm import aliased

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.tickets.columns import list_columns
from hotline.tickets.models import PRIORITY_RANK, Status, Ticket
from hotline.units.models import Unit

error_catalog.define({
    "unknown_sort": _l("the list cannot be sorted by this; choose one of: %(keys)s"),
    "bad_cursor": _l("not a cursor this list gave; start from the first page"),  # as sla/supervision's
})


class SortDir(enum.StrEnum):
    ASC = "asc"
    DESC = "desc"


# key -> the direction a first click on its heading sorts by (newest, most urgent, soonest first)
BUILT_IN = {"number": SortDir.DESC, "created": SortDir.DESC, "priority": SortDir.ASC,
            "state": SortDir.ASC, "unit": SortDir.ASC}
DEFAULT = "created"


def sort_keys() -> list[str]:
    return [*BUILT_IN, *list_columns()]


def default_dir(key: str) -> SortDir:
    if key in BUILT_IN:
        return BUILT_IN[key]
    column = list_columns().get(key)
    return SortDir(column.default_dir) if column else SortDir.DESC


def check_sort(key: str | None) -> None:
    if key is not None and key not in sort_keys():
        raise ValidationFailed.at("sort", "unknown_sort", keys=", ".join(sort_keys()))


def _sort_expr(stmt: Select, key: str) -> tuple[Select, ColumnElement]:
    if key == "unit":
        unit = aliased(Unit)
        return stmt.outerjoin(unit, unit.id == Ticket.unit_id), unit.name
    if key in BUILT_IN:
        return stmt, {
            "number": Ticket.number,
            "created": Ticket.created_at,
            "priority": case(PRIORITY_RANK, value=Ticket.priority),
            "state": case({s: rank for rank, s in enumerate(Status)}, value=Ticket.status),
        }[key]
    return stmt, list_columns()[key].sort()


def ordered(stmt: Select, key: str | None, direction: SortDir | None, after: "Cursor | None" = None) -> Select:
    """`stmt` (over Ticket) in the order asked for; the default is newest first. With
    `after` (a cursor from the previous page), the rows after it: a seek, not an offset."""
    key = key or DEFAULT
    check_sort(key)
    direction = direction or default_dir(key)
    nullable = key not in ("number", "created", "priority", "state")
    stmt, expr = _sort_expr(stmt, key)
    way = (lambda e: e.asc()) if direction == SortDir.ASC else (lambda e: e.desc())
    keys = (expr.is_(None), way(expr)) if nullable else (way(expr),)
    stmt = stmt.order_by(None).order_by(*keys, way(Ticket.id))
    if after is not None:
        stmt = stmt.where(_after(expr, direction, nullable, after))
    return stmt


@dataclass(frozen=True)
class _Part:
    """Rows of one sort value (`value`; None: rows without one), or, with `expr`, rows
    that each have their own, ordered by it."""

    where: ColumnElement
    value: Any = None
    expr: ColumnElement | None = None
    # a column NULL in every row of the part, ordered by before the id: PostgreSQL takes
    # no IS NULL for an equality, and walks an index on (it, id) in id order only so
    null: ColumnElement | None = None


def _parts(key: str, direction: SortDir) -> list[_Part] | None:
    """The order of `key` as parts walked in turn, each on an index ordered by id: for
    keys of a few values (priority, state, unit) one part per value, for a column with
    `valued` its valued rows then the rest. Sorting a million tickets by a computed
    rank costs hundreds of milliseconds; a walk costs what the page does. None: the
    key is an indexed column already (number, created)."""
    if key == "priority":
        parts = [_Part(Ticket.priority == p, rank) for p, rank in sorted(PRIORITY_RANK.items(), key=lambda i: i[1])]
    elif key == "state":
        parts = [_Part(Ticket.status == s, rank) for rank, s in enumerate(Status)]
    elif key == "unit":
        by_name: dict[str, list[int]] = {}
        for unit_id, name in db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name, Unit.id)):
            by_name.setdefault(name, []).append(unit_id)
        parts = [_Part(Ticket.unit_id.in_(ids), name) for name, ids in by_name.items()]
        return [*(parts if direction == SortDir.ASC else parts[::-1]),
                _Part(Ticket.unit_id.is_(None), null=Ticket.unit_id)]
    elif (column := list_columns().get(key)) is not None and column.valued is not None:
        valued = column.valued()
        return [_Part(valued.is_not(None), expr=valued), _Part(valued.is_(None), null=valued)]
    else:
        return None
    return parts if direction == SortDir.ASC else parts[::-1]


def page_ids(stmt: Select, key: str | None, direction: SortDir | None, after: "Cursor | None",
             limit: int) -> list[int] | None:
    """The ids of up to `limit` rows of `stmt` (over Ticket) in the order asked for, after
    the cursor's row when given, walked part by part (`_parts`); None when the order has
    no parts (then `ordered` does it in one statement)."""
    key = key or DEFAULT
    direction = direction or default_dir(key)
    parts = _parts(key, direction)
    if parts is None:
        return None
    way = (lambda e: e.asc()) if direction == SortDir.ASC else (lambda e: e.desc())
    beyond = (lambda a, b: a > b) if direction == SortDir.ASC else (lambda a, b: a < b)
    start = 0
    if after is not None:
        start = next((i for i, part in enumerate(parts)
                      if (part.expr is not None and after.value is not None)
                      or (part.expr is None and part.value == after.value)), len(parts))
    ids: list[int] = []
    for i in range(start, len(parts)):
        part = parts[i]
        rows = stmt.order_by(None).where(part.where)
        rows = rows.order_by(*([way(part.expr)] if part.expr is not None else []),
                             *([way(part.null)] if part.null is not None else []), way(Ticket.id))
        if after is not None and i == start:
            rows = rows.where(_after(part.expr, direction, False, after) if part.expr is not None
                              else beyond(Ticket.id, after.id))
        ids += db.session.scalars(rows.with_only_columns(Ticket.id).limit(limit - len(ids))).all()
        if len(ids) >= limit:
            break
    return ids


def _after(expr: ColumnElement, direction: SortDir, nullable: bool, cursor: "Cursor") -> ColumnElement:
    """The rows after the cursor's in this order (None last in both directions)."""
    beyond = (lambda a, b: a > b) if direction == SortDir.ASC else (lambda a, b: a < b)
    or_equal = (lambda a, b: a >= b) if direction == SortDir.ASC else (lambda a, b: a <= b)
    if cursor.value is None:
        return and_(expr.is_(None), beyond(Ticket.id, cursor.id))
    # the first term alone bounds an index range; the second settles the ties
    seek = and_(or_equal(expr, cursor.value), or_(beyond(expr, cursor.value), beyond(Ticket.id, cursor.id)))
    return or_(seek, expr.is_(None)) if nullable else seek


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the sort it belongs to, the last row's sort value and id."""

    key: str
    dir: SortDir
    value: Any
    id: int

    def encode(self) -> str:
        value = {"t": self.value.isoformat()} if isinstance(self.value, datetime) else self.value
        raw = json.dumps([self.key, self.dir.value, value, self.id], ensure_ascii=False, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, key: str | None, direction: SortDir | None) -> "Cursor":
        """The cursor of `text`, which must belong to this sort (422 bad_cursor if not)."""
        key = key or DEFAULT
        direction = direction or default_dir(key)
        try:
            raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            k, d, value, ident = raw
            if isinstance(value, dict):
                value = datetime.fromisoformat(value["t"])
            if (k, d) != (key, direction.value) or not isinstance(ident, int) or isinstance(ident, bool) \
                    or not (value is None or isinstance(value, (str, int, datetime))):
                raise ValueError(text)
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
            raise ValidationFailed.at("after", "bad_cursor") from None
        return cls(k, SortDir(d), value, ident)


def cursor_after(last: Ticket, key: str | None, direction: SortDir | None) -> Cursor:
    """The cursor that follows `last`, the last row of a page."""
    key = key or DEFAULT
    stmt, expr = _sort_expr(select(Ticket.id), key)
    value = db.session.scalar(stmt.with_only_columns(expr).where(Ticket.id == last.id))
    return Cursor(key, direction or default_dir(key), value, last.id)
