"""Domain errors raised by services and turned into answers in one place (http_errors).

An error is a code and its parameters, never a sentence: `Conflict("stale", what=_l("ticket"),
id=number, current=3)`. The words are in the catalog (hotline.core.error_catalog): the API
answers the catalog's English with the code beside it, pages show `say(error)`, the same
message in the reader's language."""
from flask_babel import lazy_gettext as _l

from hotline.core import error_catalog as catalog


class Problem:
    """What went wrong, in no language yet: a catalog code and the values its message
    names. `english` replaces the catalog's English for the API (pydantic's own words)."""

    __slots__ = ("code", "params", "_english")

    def __init__(self, code: str, /, *, english: str | None = None, **params):
        self.code, self.params, self._english = code, params, english

    def render(self, *, english: bool, sentence: bool = False) -> str:
        if english and self._english is not None:
            return self._english
        return catalog.render(self.code, self.params, english=english, sentence=sentence)

    @property
    def english(self) -> str:
        return self.render(english=True)

    def __str__(self) -> str:
        return self.english

    def __repr__(self) -> str:
        return f"Problem({self.code!r}, {self.params!r})"


class DomainError(Exception):
    """`details` go into the answer as they are (current_version, coverage...), beside
    `error` (the English) and `code`."""

    status = 400

    def __init__(self, code: str, /, *, details: dict | None = None, **params):
        super().__init__(code)
        self.problem = Problem(code, **params)
        self.code = code
        self.details = {"code": code, **(details or {})}

    @property
    def message(self) -> str:
        """The stable English of the API."""
        return self.problem.english

    def __str__(self) -> str:
        return self.message


class ValidationFailed(DomainError):
    """Bad input: a Problem per field path ('caller.phone')."""

    status = 422

    def __init__(self, problems: dict[str, Problem]):
        super().__init__("validation_failed")
        self.problems = problems

    @classmethod
    def at(cls, path: str, code: str, /, **params) -> "ValidationFailed":
        """One field's problem: `raise ValidationFailed.at("phone", "not_a_phone_number")`."""
        return cls({path: Problem(code, **params)})

    @property
    def fields(self) -> dict[str, str]:
        """The English per field path, as the API answers it."""
        return {path: problem.english for path, problem in self.problems.items()}


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The thing changed under the caller (stale version) or the step is illegal now."""

    status = 409


def check_version(row, expected: int | None, *, what, ident=None, required: bool = False, **details) -> None:
    """Optimistic locking: the version the caller last saw must still be the row's.
    `expected` None (the caller sent none) passes, unless `required`. The 409 names the
    row as `what` and `ident` (its id by default) and carries `current_version` and `details`."""
    if expected == row.version or (expected is None and not required):
        return
    raise Conflict(
        "stale", what=what, id=row.id if ident is None else ident, current=row.version,
        details={"current_version": row.version, **details},
    )


# --- at the edge -------------------------------------------------------------------------------


def say(error: DomainError | Problem) -> str:
    """The message in the reader's language, as a sentence: what pages show."""
    problem = error.problem if isinstance(error, DomainError) else error
    return problem.render(english=False, sentence=True)


def page_errors(error: DomainError, key=None) -> dict[str, str]:
    """What a form shows: the message beside each field (paths grouped by `key`, the first
    of a group wins), or the one message for the whole form under ''."""
    if not isinstance(error, ValidationFailed):
        return {"": say(error)}
    out: dict[str, str] = {}
    for path, problem in error.problems.items():
        out.setdefault(key(path) if key else path, say(problem))
    return out


def first_part(path: str) -> str:
    """`hours.0.1` -> `hours`: a form shows the problems of a list beside the list's field."""
    return path.split(".")[0]


# Codes that any domain may raise. Domains add theirs with catalog.define in their own modules.
catalog.define({
    "validation_failed": _l("validation failed"),
    "stale": _l("%(what)s %(id)s was changed by someone else (now version %(current)s)"),
    "not_found": _l("no %(what)s %(id)s"),
    "code_taken": _l("this code is taken"),
    "code_fixed": _l("the code of a %(what)s cannot change"),
})
