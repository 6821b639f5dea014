"""URL converters: `<int:...>` matches only an id a database can hold.

Werkzeug's own `int` matches any run of digits: /api/v1/shift-requests/99999999999999999999999
reached the view and the database raised OverflowError (SQLite) or NumericValueOutOfRange
(PostgreSQL), a 500. This one matches 0..2**63-1 (a BIGINT); anything longer matches no
route: 404, an id that cannot exist."""
from flask import Flask
from werkzeug.routing import IntegerConverter

from hotline.core.validation import MAX_INT


class IdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Before any route is added: rules bind their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
