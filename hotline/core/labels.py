"""The vocabulary: display names for the codes a person reads (statuses, priorities,
stages, roles...). Each domain defines its own words here at import time; templates
call `label('status', code)` or the `<kind>_label(code)` shortcut, scripts get them
from `js_labels()`. Translated lazily, at the moment they are shown."""
from enum import Enum

from flask import Flask

_tables: dict[str, dict[str, object]] = {}


def _key(value) -> str | None:
    return value.value if isinstance(value, Enum) else value


def define(kind: str, table: dict) -> dict:
    """Register the words for one kind of code (keys may be enum members or strings)."""
    _tables[kind] = {_key(k): v for k, v in table.items()}
    return table


def label(kind: str, value) -> str:
    """The display name of `value`; an unknown code shows as itself, None as ''."""
    key = _key(value)
    text = _tables.get(kind, {}).get(key)
    if text is not None:
        return str(text)
    return "" if key is None else str(key)


def labeller(kind: str):
    def label_of(value) -> str:
        return label(kind, value)

    label_of.__name__ = f"{kind}_label"
    return label_of


def js_labels(*kinds: str) -> dict:
    """The words for page scripts, keyed by kind then code."""
    return {kind: {code: str(text) for code, text in _tables[kind].items()} for kind in kinds or ("status", "priority")}


def init_app(app: Flask) -> None:
    """Templates get `label`, `js_labels` and a `<kind>_label` per defined kind. The
    factory calls this after every part has been imported (and defined its words)."""
    app.jinja_env.globals.update(label=label, js_labels=js_labels)
    app.jinja_env.globals.update({f"{kind}_label": labeller(kind) for kind in _tables})
