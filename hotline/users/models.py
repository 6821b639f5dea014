"""People who sign in, machines that call the API, and the record of logins."""
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import str_enum
from hotline.core.permissions import Role
from hotline.units.models import Unit
from hotline.units.services import member_unit_ids


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Part of every session's id (`get_id`): raising it (sign-out everywhere, a password
    # change or reset, deactivation) makes every cookie and remembered login stale.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set by an admin's password reset: until the person picks their own password,
    # every page leads to /account/password and the API answers 403 password_change_required.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # admin edits: 409 when stale

    unit: Mapped[Unit | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        # scrypt: Werkzeug's default, memory-hard, no extra dependency.
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def member_unit_ids(self) -> set[int]:
        """The person's own unit and the units below it (a branch sees its crews' work)."""
        return member_unit_ids(self)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for a machine. Only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_used_at: Mapped[datetime | None]  # to the minute (hotline/users/services.py touch_token)
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # None: until revoked

    user: Mapped[User] = relationship()

    def usable(self, now: datetime) -> bool:
        """Not revoked, not expired, and its account active."""
        return (self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
                and self.user.is_active)


class LoginEvent(db.Model):
    __tablename__ = "login_event"
    __table_args__ = (
        Index("ix_login_event_username_at", "username", "at"),
        Index("ix_login_event_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    username: Mapped[str] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    ip: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    success: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(String(40))
