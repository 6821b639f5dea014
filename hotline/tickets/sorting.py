"""The orders the tickets list sorts by (?sort=key&dir=asc|desc): a whitelist of
built-in keys plus the columns higher parts add (tickets/columns.py). Rows without a
value (no unit, no deadline) come last in both directions; the ticket id breaks ties
in the same direction, so that paging is stable."""
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case
from sqlalchemy.orm import aliased

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed
from hotline.tickets.columns import list_columns
from hotline.tickets.models import PRIORITY_RANK, Status, Ticket
from hotline.units.models import Unit

error_catalog.define({
    "unknown_sort": _l("the list cannot be sorted by this; choose one of: %(keys)s"),
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


def ordered(stmt: Select, key: str | None, direction: SortDir | None) -> Select:
    """`stmt` (over Ticket) in the order asked for; the default is newest first."""
    key = key or DEFAULT
    check_sort(key)
    direction = direction or default_dir(key)
    nullable = key not in ("number", "created", "priority", "state")
    if key == "unit":
        unit = aliased(Unit)
        stmt = stmt.outerjoin(unit, unit.id == Ticket.unit_id)
        expr = unit.name
    elif key in BUILT_IN:
        expr = {
            "number": Ticket.number,
            "created": Ticket.created_at,
            "priority": case(PRIORITY_RANK, value=Ticket.priority),
            "state": case({s: rank for rank, s in enumerate(Status)}, value=Ticket.status),
        }[key]
    else:
        expr = list_columns()[key].sort()
    way = (lambda e: e.asc()) if direction == SortDir.ASC else (lambda e: e.desc())
    keys = (expr.is_(None), way(expr)) if nullable else (way(expr),)
    return stmt.order_by(None).order_by(*keys, way(Ticket.id))
