"""Error messages in the reader's language.

Services and pydantic speak stable English (machines and tests rely on it); pages and the
console show people the translation. A message not known here is shown as it is."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hotline.core.labels import label

_EXACT = {
    "Field required": _l("Required."),
    "String should have at least 1 character": _l("Required."),
    "validation failed": _l("Please check the marked fields."),
    "Extra inputs are not permitted": _l("Not expected here."),
    "not a phone number": _l("Not a phone number."),
    "not a possible phone number": _l("Not a possible phone number: check the digits."),
    "contains control characters": _l("Contains control characters."),
    "a phone ticket needs the caller's number": _l("A phone ticket needs the caller's number."),
    "only a consultation can be answered on the call": _l("Only a consultation can be answered on the call."),
    "answered before it rang": _l("Answered before it rang."),
    "ended before it was answered": _l("Ended before it was answered."),
    "this code is taken": _l("This code is taken."),
    "no such category": _l("No such category."),
    "the ticket is already with this unit": _l("The ticket is already with this unit."),
    "say how it was resolved": _l("Say how it was resolved."),
    "give a new category, priority or area": _l("Give a new category, priority or area."),
    "nothing changed": _l("Nothing changed."),
    "this ticket is not with your unit": _l("This ticket is not with your unit."),
}

_PATTERNS = [
    (r"String should have at least (?P<n>\d+) characters", lambda m: _("At least %(n)s characters.", n=m["n"])),
    (r"String should have at most (?P<n>\d+) characters?", lambda m: _("At most %(n)s characters.", n=m["n"])),
    (r"String should match pattern", lambda m: _("Not in the expected form.")),
    (r"Input should be (greater|less) than", lambda m: _("Out of range.")),
    (r"Input should be a valid (datetime|date)|Input should have timezone", lambda m: _("Not a valid date.")),
    (r"Input should be a valid integer", lambda m: _("Not a whole number.")),
    (r"Input should be '", lambda m: _("Not one of the allowed values.")),
    (r"unknown category '(?P<code>.*)'", lambda m: _("Unknown category “%(code)s”.", code=m["code"])),
    (r"unknown unit '(?P<code>.*)'", lambda m: _("Unknown unit “%(code)s”.", code=m["code"])),
    (r"no ticket (?P<number>\S+)", lambda m: _("No ticket %(number)s.", number=m["number"])),
    (
        r"ticket (?P<number>\S+) was changed by someone else",
        lambda m: _("Ticket %(number)s was changed by someone else meanwhile; reload and try again.", number=m["number"]),
    ),
    (
        r"ticket (?P<number>\S+) is \w+; only an open ticket can be reclassified",
        lambda m: _("Ticket %(number)s is no longer open and cannot be reclassified.", number=m["number"]),
    ),
    (r"ticket (?P<number>\S+) is (closed|cancelled)$", lambda m: _("Ticket %(number)s is no longer open.", number=m["number"])),
    (r"ticket \S+ has no running clock to pause", lambda m: _("No clock is running: nothing to pause.")),
    (r"ticket \S+ has no paused clock", lambda m: _("No clock is paused.")),
    (r"ticket \S+ has no running (?P<stage>\w+) clock", lambda m: _("No clock is running for %(stage)s.", stage=_stage(m["stage"]))),
    (
        r"the (?P<stage>\w+) deadline has passed",
        lambda m: _("The deadline for %(stage)s has passed: an extension must be asked for before it.", stage=_stage(m["stage"])),
    ),
    (
        r"an extension of the (?P<stage>\w+) deadline is already waiting",
        lambda m: _("An extension for %(stage)s is already waiting for a supervisor.", stage=_stage(m["stage"])),
    ),
    (
        r"ticket (?P<number>\S+) is \w+; only an open ticket",
        lambda m: _("Ticket %(number)s is no longer open and cannot be cancelled.", number=m["number"]),
    ),
]


def _stage(code: str) -> str:
    return label("stage", code)


_COMPILED = [(re.compile(p), fn) for p, fn in _PATTERNS]


def localize(message: str) -> str:
    if message in _EXACT:
        return str(_EXACT[message])
    for pattern, render in _COMPILED:
        if match := pattern.match(message):
            return render(match)
    return message


def localize_fields(fields: dict[str, str]) -> dict[str, str]:
    return {path: localize(message) for path, message in fields.items()}
