"""URL converters: `<int:...>` matches only an id a database can hold.

Werkzeug's own `int` matches any run of digits: /api/v1/shift-requests/99999999999999999999999
reached the view and the database raised OverflowError (SQLite) or NumericValueOutOfRange
(PostgreSQL), a 500. This one answers 404 for anything beyond 2**63-1 (a BIGINT): an id that
cannot exist. It raises NotFound itself rather than declining the match (werkzeug's `max=`):
a declined match made werkzeug answer 405 for some methods (a sibling rule matched the path)
and 404 for others."""
from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from hotline.core.validation import MAX_INT


class IdConverter(IntegerConverter):
    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_INT:
            raise NotFound()
        return number


def init_app(app: Flask) -> None:
    """Before any route is added: rules bind their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
