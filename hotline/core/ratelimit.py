"""Rate limits (Flask-Limiter): the API per caller, sign-in per address and per name.

- API (/api/...): RATELIMIT_API (HOTLINE_RATELIMIT_API, default 600 per minute), one
  count per signed-in user, whether by bearer token or browser session; per address for
  calls with no valid credentials (guessed tokens). /healthz and Socket.IO are not API
  routes and are never limited. A wall board asks for at most one snapshot per 0.8 s of
  events (static/js/board.js debounce) plus the on-duty list once a minute; a crew page
  a snapshot per burst of its own unit's events: both far below (README "Rate limits").
- Sign-in (POST of the view a part hands to `limit_sign_in`): RATELIMIT_LOGIN per
  address (default 30 per minute) and RATELIMIT_LOGIN_USER per username (10 per
  minute). Only failed attempts count: a whole shift signing in behind one NAT address
  at eight o'clock is never refused.

Over a limit: 429 with `Retry-After` (seconds); the API answers the error JSON with the
code `rate_limited` and `retry_after`, the sign-in page its form with the message.
Counts live in Redis when REDIS_URL is set (every web process shares them), else in
this process's memory. A storage failure lets requests through (logged): a Redis
outage must not stop the center. RATELIMIT_ENABLED=False (HOTLINE_RATELIMIT_ENABLED=0)
turns every limit off: the test suite and the benchmarks, which post from one address
far beyond any production rate, run so."""
import time
from collections.abc import Callable

from flask import Flask, Response, current_app, make_response, request
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from flask_login import current_user

from hotline.core import error_catalog
from hotline.core.api import bp as api_bp
from hotline.core.errors import DomainError
from hotline.core.http_errors import domain_answer

error_catalog.define({"rate_limited": _l("Too many requests; try again in %(seconds)s seconds.")})

DEFAULT_RETRY_SECONDS = 60


class RateLimited(DomainError):
    status = 429

    def __init__(self, seconds: int):
        super().__init__("rate_limited", details={"retry_after": seconds}, seconds=seconds)


def client_address() -> str:
    return request.remote_addr or "-"


def api_caller() -> str:
    """The signed-in user (token or session), else the address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{client_address()}"


def username_tried() -> str:
    return "name:" + (request.form.get("username") or "").strip().casefold()[:60]


def failed_sign_in(response: Response) -> bool:
    return response.status_code != 302  # success redirects


def seconds_until_reset(limit: RequestLimit | None) -> int:
    if limit is None:
        return DEFAULT_RETRY_SECONDS
    return max(1, int(limit.reset_at - time.time()))  # reset_at is already rounded up


def limiter(app: Flask | None = None) -> Limiter:
    return (app or current_app).extensions["hotline.limiter"]


def _config(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def limit_sign_in(app: Flask, endpoint: str, page: Callable[[int], str]) -> None:
    """Limit the sign-in POSTs of `endpoint`; `page(seconds)` renders the form saying
    when to try again (answered with 429)."""
    own = limiter(app)

    def breached(limit: RequestLimit) -> Response:
        return make_response(page(seconds_until_reset(limit)), 429)

    view = app.view_functions[endpoint]
    for name, key in (("RATELIMIT_LOGIN", client_address), ("RATELIMIT_LOGIN_USER", username_tried)):
        view = own.limit(_config(name), key_func=key, methods=["POST"], deduct_when=failed_sign_in,
                         on_breach=breached, scope=name.lower())(view)
    app.view_functions[endpoint] = view


def _too_many(exc: RateLimitExceeded):
    seconds = seconds_until_reset(limiter().current_limit)
    response = exc.response if exc.response is not None else make_response(domain_answer(RateLimited(seconds)))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def init_app(app: Flask) -> None:
    """Bind a limiter of this app's own (tests build many apps in one process) and limit
    the API blueprint, whose routes the parts add later."""
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "hotline")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    own = Limiter(key_func=client_address)
    own.init_app(app)
    app.extensions["hotline.limiter"] = own
    own.shared_limit(_config("RATELIMIT_API"), scope="api", key_func=api_caller)(api_bp)
    app.register_error_handler(RateLimitExceeded, _too_many)
