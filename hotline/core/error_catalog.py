"""The words of every error: a registry from code to a `lazy_gettext` template with named
placeholders (`%(what)s`). Each domain defines its own codes at import time, like
`hotline.core.labels`; core knows none of them.

A message is rendered twice over: in stable English for the API (the template's msgid,
untranslated: machines and tests rely on it) and in the reader's language for pages."""
from enum import Enum
from typing import NamedTuple

from flask_babel.speaklater import LazyString

from hotline.core.labels import label

_templates: dict[str, LazyString] = {}


class Term(NamedTuple):
    """A parameter that is a word of the vocabulary (`labels`): its code in English, its
    label in the reader's language. `Term("stage", "accept")` -> "accept" / "签收"."""

    kind: str
    value: str


def define(table: dict[str, LazyString]) -> dict[str, LazyString]:
    """Add codes to the catalog. A code means one thing: defining it again with other
    words is a mistake (two domains chose the same code)."""
    for code, template in table.items():
        if not isinstance(template, LazyString):
            raise TypeError(f"error code {code!r}: give the template as lazy_gettext(...)")
        known = _templates.get(code)
        if known is not None and msgid(known) != msgid(template):
            raise ValueError(f"error code {code!r} is defined twice: {msgid(known)!r} and {msgid(template)!r}")
        _templates[code] = template
    return table


def codes() -> set[str]:
    return set(_templates)


def template(code: str) -> LazyString:
    return _templates[code]


def msgid(lazy: LazyString) -> str:
    """The untranslated text of a `lazy_gettext(text, **values)`: the English. (flask_babel
    keeps the arguments of the gettext to come on the LazyString.)"""
    text, values = lazy._args[0], lazy._kwargs
    return text % values if values else text


def render(code: str, params: dict, *, english: bool, sentence: bool = False) -> str:
    """The message of `code` with its parameters: in English, or in the reader's language
    (inside a request). An unknown code is a KeyError: every code raised must be defined.

    `sentence`, for pages: a capital and a full stop ("this code is taken" -> "This code is
    taken."), not the capital when the message opens with a name someone typed."""
    words = _templates[code]
    text = msgid(words) if english else str(words)
    out = text % {name: _value(value, english) for name, value in params.items()} if params else text
    if not sentence or not out:
        return out
    if not _opens_with_a_name(text, params):
        out = out[0].upper() + out[1:]
    return out if out[-1] in ".!?。！？" else out + "."


def _opens_with_a_name(text: str, params: dict) -> bool:
    if not text.startswith("%("):
        return False
    value = params.get(text[2:text.find(")")])
    return not isinstance(value, (LazyString, Term))


def _value(value, english: bool):
    if isinstance(value, LazyString):
        return msgid(value) if english else str(value)
    if isinstance(value, Term):
        return value.value if english else label(value.kind, value.value)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(_value(v, english)) for v in value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # a limit of 0.0 reads "0"
    if hasattr(value, "render"):  # a nested Problem (hotline.core.errors)
        return value.render(english=english)
    return value
