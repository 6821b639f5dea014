"""Columns that higher parts add to the tickets list (the SLA's next deadline), so
that tickets, below them, imports none: a column brings its heading, its values for
one page of tickets (one query), the template of its cell, and the SQL expression
the list sorts it by (None sorts last, whichever the direction)."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ColumnElement

_KEY = "hotline.ticket_columns"


@dataclass(frozen=True)
class ListColumn:
    key: str  # also its sort key (?sort=key)
    label: object  # a lazy string
    cell: str  # a template drawing one cell from `t` (the ticket) and `value`
    values: Callable[[list], dict[int, Any]]  # tickets -> {ticket id: value}
    sort: Callable[[], ColumnElement]  # an expression correlated to Ticket
    default_dir: str = "asc"
    # The value as a column of Ticket, NULL where there is none (kept there by its owner):
    # the list walks the valued tickets on an index, then the rest by id, instead of
    # computing `sort` for every ticket (a correlated subquery a row: 300 ms for 30,000
    # open tickets on PostgreSQL).
    valued: Callable[[], ColumnElement] | None = None


def add_column(app: Flask, column: ListColumn) -> None:
    app.extensions.setdefault(_KEY, {})[column.key] = column


def list_columns() -> dict[str, ListColumn]:
    return dict(current_app.extensions.get(_KEY, {}))
