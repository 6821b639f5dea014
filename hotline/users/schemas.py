"""The shapes of user administration: what an admin sends and what comes back (never
a password hash; a password only once, in the answer to the act that made it)."""
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from hotline.core.openapi import PageOut
from hotline.core.permissions import Role
from hotline.core.validation import Strict, Text

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]*$"
Locale = Literal["zh_CN", "en"]
# Taken as typed: a space in a password is part of it (the models strip other text).
Password = Annotated[str, StringConstraints(strip_whitespace=False, max_length=200)]


class UserCreate(Strict):
    username: Text(60, 2) = Field(pattern=USERNAME_PATTERN, description="letters, digits and . _ @ -; never changes")
    display_name: Text(120, 1)
    role: Role
    unit: Text(40) | None = Field(None, description="the unit's code; a crew user's unit is their crew (required)")
    locale: Locale | None = Field(None, description="the person's language; none: the center's (HOTLINE_LOCALE)")
    password: Password | None = Field(None, description="a temporary password; none: one is made up and "
                                 "answered once. Either way it must be changed at the first sign-in")


class UserPatch(Strict):
    # Only the fields sent change; null is a value only for unit and locale (none).
    display_name: Text(120, 1) | None = Field(None, description="absent or null: unchanged")
    role: Role | None = Field(None, description="absent or null: unchanged")
    unit: Text(40) | None = Field(None, description="the unit's code; null: no unit")
    locale: Locale | None = Field(None, description="null: the center's language")
    version: int = Field(description="the version you saw (409 when someone changed the user since)")


class UserVersionIn(Strict):
    version: int | None = Field(None, description="the version you saw (409 when stale); none: whatever it is now")


class PasswordResetIn(Strict):
    password: Password | None = Field(None, description="the temporary password; none: one is made up")
    version: int | None = Field(None, description="the version you saw (409 when stale)")


class PasswordChange(Strict):
    current_password: Password
    new_password: Password
    new_password_again: Password


class UserQuery(Strict):
    q: Text(100) | None = Field(None, description="part of the name or username")
    role: Role | None = None
    unit: Text(40) | None = Field(None, description="a unit's code: its members")
    active: bool | None = Field(None, description="true: active only; false: deactivated only; none: both")
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(50, ge=1, le=200)


class UsernamePath(BaseModel):
    username: str = Field(max_length=60, examples=["op1"])


class UnitRefOut(BaseModel):
    code: str
    name: str


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    unit: UnitRefOut | None
    locale: Locale | None
    active: bool
    must_change_password: bool
    created_at: datetime
    version: int


class UserPageOut(PageOut):
    items: list[UserOut]


class UserWithPasswordOut(UserOut):
    temporary_password: str | None = Field(
        None, description="only when the server made it up: shown this once, never stored in clear")


def user_out(user) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "unit": {"code": user.unit.code, "name": user.unit.name} if user.unit else None,
        "locale": user.locale,
        "active": user.active,
        "must_change_password": user.must_change_password,
        "created_at": user.created_at.isoformat(),
        "version": user.version,
    }

# ---- tokens ----------------------------------------------------------------------------

MAX_TOKEN_DAYS = 3650


class TokenIn(Strict):
    user: Text(60, 1) = Field(description="the account the token acts as: a board account for a wall screen, "
                                          "any other for an integration")
    name: Text(120, 1) = Field(description="what the token is for, e.g. 'Wall screen, hall 2' or 'CTI gateway'")
    expires_in_days: int | None = Field(None, ge=1, le=MAX_TOKEN_DAYS, description="none: until revoked")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="the first characters of the secret, to recognise it")
    user: str
    role: str
    kind: str = Field(description="'board' (a wall screen's kiosk sign-in) or 'integration'")
    created_at: datetime
    last_used_at: datetime | None = Field(description="to the minute")
    expires_at: datetime | None
    revoked_at: datetime | None
    usable: bool


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="shown this once; only its digest is kept")
    kiosk_url: str | None = Field(description="a board token: the address a wall screen opens once")


class TokenList(BaseModel):
    items: list[TokenOut]
