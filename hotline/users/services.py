"""Signing in (a lockout, a record of every attempt, the same time for every name),
every other password check, and API tokens."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import OperationalError
from werkzeug.security import check_password_hash, generate_password_hash

from hotline.audit.services import record
from hotline.core import clock, error_catalog, signals
from hotline.core.errors import NotFound, ValidationFailed
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.users.models import ApiToken, LoginEvent, Role, User

error_catalog.define({
    "user_exists": _l("user '%(username)s' exists"),
    "no_such_user": _l("no user %(username)s"),
    "user_inactive": _l("user '%(username)s' is deactivated"),
})

TOKEN_PREFIX = "hl_"


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None  # "invalid", "locked"
    retry_after_minutes: int = 0


def client_of_request() -> tuple[str, str | None]:
    """(address, user agent) of the request being served, for the record of a password check."""
    if not has_request_context():
        return "-", None
    return request.remote_addr or "-", request.headers.get("User-Agent")


# --- lockout ---------------------------------------------------------------------------------
# A name is locked, never an address: all seats of a center sit behind one address (NAT),
# and one machine there trying random names must not lock every colleague out (flooding
# from an address is the rate limiter's job). A name is refused after LOGIN_MAX_FAILURES
# wrong passwords from one address, or LOGIN_MAX_FAILURES_PER_USER from all addresses
# together, within LOGIN_LOCKOUT_MINUTES.


def _recent_failures(*where) -> int:
    """Wrong passwords in the window. Attempts refused because of the lock itself
    are not counted, so the lock ends when the window after the failures passes."""
    window = timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    return db.session.scalar(
        select(func.count()).select_from(LoginEvent).where(
            LoginEvent.success.is_(False),
            LoginEvent.reason == "invalid",
            LoginEvent.at >= clock.now() - window,
            *where,
        )
    )


def login_locked(username: str, ip: str) -> bool:
    config = current_app.config
    return (
        _recent_failures(LoginEvent.username == username, LoginEvent.ip == ip) >= config["LOGIN_MAX_FAILURES"]
        or _recent_failures(LoginEvent.username == username) >= config["LOGIN_MAX_FAILURES_PER_USER"]
    )


def _record_attempt(username: str, user: User | None, ip: str, user_agent: str | None, ok: bool,
                    reason: str | None) -> None:
    db.session.add(LoginEvent(username=username, user_id=user.id if user else None, ip=ip[:64],
                              user_agent=(user_agent or "")[:300], success=ok, reason=reason))


_dummy_hashes: dict[str, str] = {}


def _password_matches(user: User | None, password: str) -> bool:
    """The same work whether or not the name is a person who may sign in: for an unknown
    or inactive one a dummy hash of the configured method is checked (and fails)."""
    if user is None or not user.active:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _dummy_hashes:
            _dummy_hashes[method] = generate_password_hash(secrets.token_hex(16), method=method)
        check_password_hash(_dummy_hashes[method], password)
        return False
    return user.check_password(password)


def attempt_login(username: str, password: str, ip: str, user_agent: str | None) -> LoginResult:
    """Check a password; refuse a name locked by too many recent failures. Every
    attempt is recorded (LoginEvent) and audited (auth.sign_in, auth.sign_in_failed)."""
    username = username.strip()[:60]
    if login_locked(username, ip):
        _record_attempt(username, None, ip, user_agent, False, "locked")
        record("auth.sign_in_failed", detail={"username": username, "reason": "locked"})
        return LoginResult(None, "locked", current_app.config["LOGIN_LOCKOUT_MINUTES"])
    user = db.session.scalar(select(User).where(User.username == username))
    ok = _password_matches(user, password)
    _record_attempt(username, user, ip, user_agent, ok, None if ok else "invalid")
    if ok:
        record("auth.sign_in", target=user, actor=user)
        return LoginResult(user)
    record("auth.sign_in_failed", target=user, detail={"username": username, "reason": "invalid"})
    return LoginResult(None, "invalid")


def check_password_counted(user: User, password: str, ip: str, user_agent: str | None) -> bool:
    """Every password check other than signing in (a handover signature, one's own
    password change) goes through here: a failure counts towards the lockout like a
    failed sign-in, and a locked name is refused even the right password.
    A failure is COMMITTED at once (the caller's error answer rolls its own work
    back, and the count must stay): check the password before changing anything."""
    if login_locked(user.username, ip):
        _record_attempt(user.username, user, ip, user_agent, False, "locked")
    elif user.active and user.check_password(password):
        return True
    else:
        _record_attempt(user.username, user, ip, user_agent, False, "invalid")
    db.session.commit()
    return False


def create_user(
    username: str, password: str, role: Role, display_name: str | None = None, unit_id: int | None = None, **fields
) -> User:
    """The row alone; people are created through users.admin.create_user (checked, audited)."""
    if db.session.scalar(select(User).where(User.username == username)):
        raise ValidationFailed.at("username", "user_exists", username=username)
    user = User(username=username, display_name=display_name or username, role=role, unit_id=unit_id, **fields)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- tokens ----------------------------------------------------------------------------------

TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is kept to the minute: no write per request


def create_token(user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its digest is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_digest(secret), prefix=secret[:10], user=user, expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    record("token.create", target=token, detail={
        "name": name, "user": user.username, "role": user.role.value,
        "expires_at": expires_at.isoformat() if expires_at else None,
    })
    return token, secret


def create_token_for(username: str, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """A token for the account with this name (active), valid for so many days or until revoked."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValidationFailed.at("user", "no_such_user", username=username)
    if not user.active:
        raise ValidationFailed.at("user", "user_inactive", username=username)
    expires_at = clock.now() + timedelta(days=expires_in_days) if expires_in_days else None
    return create_token(user, name, expires_at)


def touch_token(token: ApiToken, now: datetime) -> None:
    """Keep when the token was last used, at most once a minute. Committed at once
    (the request may only read); a write that meets a busy database waits for the next use."""
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    try:
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token.id,
                   or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY))
            .values(last_used_at=now)
        )
        db.session.commit()
    except OperationalError:
        db.session.rollback()


def token_for_secret(secret: str | None) -> ApiToken | None:
    """The usable token with this secret (not revoked, not expired, its account active)."""
    if not secret or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    now = clock.now()
    if token is None or not token.usable(now):
        return None
    touch_token(token, now)
    return token


def user_for_token(secret: str | None) -> User | None:
    token = token_for_secret(secret)
    return token.user if token else None


def revoke_token(token_id: int) -> ApiToken:
    """Revoke at once: API calls with it are refused, and the wall screen signed in with
    it (its kiosk session and socket) stops (signal token_revoked)."""
    if not 0 < token_id < 2**63:  # beyond what any database column holds
        raise NotFound("not_found", what=_l("token"), id=token_id)
    token = get_or_404(ApiToken, token_id, _l("token"))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
        record("token.revoke", target=token, detail={"name": token.name, "user": token.user.username})
        signals.token_revoked.send(token)
    return token


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))
