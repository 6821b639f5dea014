"""Signing in (with a rate limit and a record of every attempt) and API tokens."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from hotline.core import clock, error_catalog
from hotline.core.errors import ValidationFailed
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.users.models import ApiToken, LoginEvent, Role, User

error_catalog.define({"user_exists": _l("user '%(username)s' exists")})

TOKEN_PREFIX = "hl_"


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None  # "invalid", "locked"
    retry_after_minutes: int = 0


# One address is shared by a whole center (NAT): it is locked only after many more
# failures than one name, so one operator's typos never lock their colleagues out.
ADDRESS_FACTOR = 4


def _recent_failures(column, value) -> int:
    """Wrong passwords in the window. Attempts refused because of the lock itself
    are not counted, so the lock ends when the window after the failures passes."""
    window = timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    return db.session.scalar(
        select(func.count()).where(
            LoginEvent.success.is_(False),
            LoginEvent.reason == "invalid",
            LoginEvent.at >= clock.now() - window,
            column == value,
        )
    )


def _locked(username: str, ip: str) -> bool:
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    return (
        _recent_failures(LoginEvent.username, username) >= limit
        or _recent_failures(LoginEvent.ip, ip) >= limit * ADDRESS_FACTOR
    )


def attempt_login(username: str, password: str, ip: str, user_agent: str | None) -> LoginResult:
    """Check a password; refuse after too many recent failures for this name or address."""
    username = username.strip()[:60]
    if _locked(username, ip):
        db.session.add(
            LoginEvent(username=username, ip=ip, user_agent=(user_agent or "")[:300], success=False, reason="locked")
        )
        return LoginResult(None, "locked", current_app.config["LOGIN_LOCKOUT_MINUTES"])
    user = db.session.scalar(select(User).where(User.username == username))
    ok = user is not None and user.active and user.check_password(password)
    db.session.add(
        LoginEvent(
            username=username,
            user_id=user.id if user else None,
            ip=ip,
            user_agent=(user_agent or "")[:300],
            success=ok,
            reason=None if ok else "invalid",
        )
    )
    return LoginResult(user if ok else None, None if ok else "invalid")


def check_password_counted(user: User, password: str, ip: str, user_agent: str | None) -> bool:
    """A password re-entered by someone signed in (changing it, signing a handover),
    checked like a sign-in: refused while their name or address is locked, and a wrong
    one recorded as a failed attempt ("invalid") that counts toward the same lockout.
    A right one records nothing (it is not a sign-in). The caller commits either way."""
    if _locked(user.username, ip):
        db.session.add(LoginEvent(username=user.username, user_id=user.id, ip=ip,
                                  user_agent=(user_agent or "")[:300], success=False, reason="locked"))
        return False
    if user.active and user.check_password(password):
        return True
    db.session.add(LoginEvent(username=user.username, user_id=user.id, ip=ip,
                              user_agent=(user_agent or "")[:300], success=False, reason="invalid"))
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


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the secret is returned once and only its digest is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=_digest(secret), prefix=secret[:10], user=user)
    db.session.add(token)
    db.session.flush()
    return token, secret


def user_for_token(secret: str) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token.user


def revoke_token(token_id: int) -> ApiToken:
    token = get_or_404(ApiToken, token_id, _l("token"))
    token.revoked_at = token.revoked_at or clock.now()
    return token
