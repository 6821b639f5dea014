"""Checks every request passes before any view runs.

NUL bytes: PostgreSQL text cannot hold one (psycopg refuses it: a 500 on
`GET /api/v1/tickets/%00`), and no field of ours has a use for it. Refused here, in
the path, the query string, a JSON body or a form, with 422 and the code `nul_byte`
at the field it was found in, on SQLite and PostgreSQL alike.

Nesting: Python's json parser recurses once per level, and 10,000 levels of `[[[...]]]`
(a 20 KB body) raised RecursionError, a 500. A JSON body nested deeper than MAX_DEPTH is
refused before it is parsed, with 422 and the code `too_deep`; nothing of ours nests
more than a few levels."""
import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from hotline.core import error_catalog
from hotline.core.errors import Problem, ValidationFailed

error_catalog.define({
    "nul_byte": _l("Contains a NUL character (\\0), which no text may hold."),
    "too_deep": _l("Nested more than %(max_depth)s levels deep."),
})

NUL = "\x00"
MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


def json_depth(raw: bytes, stop_at: int = MAX_DEPTH) -> int:
    """How deeply `raw` nests arrays and objects (strings skipped), counted up to `stop_at` + 1;
    0 when it holds too few brackets to get past `stop_at`."""
    if raw.count(b"[") + raw.count(b"{") <= stop_at:
        return 0  # cannot be deeper (the usual case: no scan)
    depth = deepest = 0
    for byte in _STRING.sub(b"", raw):
        if byte in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_at:
                    break
        elif byte in b"]}":
            depth -= 1
    return deepest


def refuse_deep_json() -> None:
    if request.is_json and json_depth(request.get_data(cache=True)) > MAX_DEPTH:
        raise ValidationFailed({"body": Problem("too_deep", max_depth=MAX_DEPTH)})


def _nul_in_json(value, path: str) -> str | None:
    """The path of the first string (or key) holding a NUL, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here
            found = _nul_in_json(item, here)
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_in_json(item, f"{path}[{i}]" if path else f"[{i}]")
            if found:
                return found
    return None


def nul_byte_at() -> str | None:
    """Where the current request carries a NUL: the path's parameter (else 'path'), a query
    or form field, a JSON path."""
    if NUL in request.path:
        for name, value in (request.view_args or {}).items():
            if isinstance(value, str) and NUL in value:
                return name
        return "path"
    sources = [request.args] + ([request.form] if request.method not in ("GET", "HEAD") else [])
    for source in sources:
        for key, values in source.lists():
            if NUL in key or any(NUL in v for v in values):
                return key.replace(NUL, "\\0")
    if request.is_json:
        return _nul_in_json(request.get_json(silent=True), "")
    return None


def refuse_nul_bytes() -> None:
    where = nul_byte_at()
    if where is not None:
        raise ValidationFailed({where or "body": Problem("nul_byte")})


def init_app(app: Flask) -> None:
    app.before_request(refuse_deep_json)  # first: the NUL check parses the body
    app.before_request(refuse_nul_bytes)
