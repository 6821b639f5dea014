"""Every error becomes a clear answer: JSON under /api, a page elsewhere. Never a bare 500."""
import logging

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from hotline.core import error_catalog
from hotline.core.errors import Conflict, DomainError, ValidationFailed, say
from hotline.core.extensions import db, login_manager

log = logging.getLogger(__name__)

error_catalog.define({
    "changed_meanwhile": _l("Changed by someone else meanwhile; reload and try again."),
    "csrf_failed": _l("The form expired or came from elsewhere (CSRF check failed); reload the page and try again."),
    "internal_error": _l("Internal error; it has been logged."),
})


class _Answered(DomainError):
    """An error the framework raised (CSRF, 500): answered like a domain's, with its code."""

    def __init__(self, code: str, status: int):
        super().__init__(code)
        self.status = status


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _answer(status: int, error: str, shown: str | None = None, /, **extra):
    """`error` for machines; `shown` (default: the same) on the page a person reads."""
    if _wants_json():
        return jsonify(error=error, **extra), status
    return render_template("error.html", status=status, message=shown or error), status


def domain_answer(exc: DomainError):
    """The answer to a domain error: `error` and `fields` in stable English for machines,
    with the codes beside them; `message` and `messages` in the reader's language."""
    extra = {**exc.details, "message": say(exc)}
    if isinstance(exc, ValidationFailed):
        extra["fields"] = exc.fields
        extra["messages"] = {path: say(problem) for path, problem in exc.problems.items()}
        extra["codes"] = {path: problem.code for path, problem in exc.problems.items()}
    return _answer(exc.status, exc.message, extra["message"], **extra)


def init_app(app) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        db.session.rollback()
        return domain_answer(exc)

    @app.errorhandler(StaleDataError)
    def _stale(exc):
        db.session.rollback()  # two writers flushed the same row's version: the second loses
        return domain_answer(Conflict("changed_meanwhile"))

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return domain_answer(_Answered("csrf_failed", 400))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code == 401 and not _wants_json():
            return login_manager.unauthorized()  # the sign-in page (users.auth)
        body, status = _answer(exc.code or 500, exc.description or exc.name)
        # Keep what the exception says in headers: Allow on a 405, Retry-After...
        return body, status, [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return domain_answer(_Answered("internal_error", 500))
