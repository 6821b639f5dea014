"""Administering people: create, edit, deactivate and reactivate, reset a password; and
a person changing their own. Every act is audited (never a password), and every act
that takes an account away (deactivation, a reset, a password change) ends all of its
sessions. Pages, the API, the CLI and the demo all come here."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from hotline.audit.services import changes, record
from hotline.core import error_catalog
from hotline.core.errors import Conflict, NotFound, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.permissions import Role
from hotline.units.models import Unit
from hotline.units.services import find_unit
from hotline.users import services
from hotline.users.models import User
from hotline.users.passwords import check_new_password, check_strength, temporary_password
from hotline.users.schemas import UserCreate, UserPatch, UserQuery
from hotline.users.sessions import end_sessions

error_catalog.define({
    "crew_needs_unit": _l("a field crew user belongs to a unit (their crew)"),
    "last_admin": _l("%(username)s is the last active administrator"),
    "not_yourself": _l("you cannot deactivate yourself or take your own administrator role"),
    "no_such_user": _l("no user %(username)s"),
})

WHAT = _l("user")


def snapshot(user: User) -> dict:
    """What the audit compares: the fields an admin edits (never the password)."""
    return {
        "username": user.username, "display_name": user.display_name, "role": user.role.value,
        "unit": user.unit.code if user.unit else None, "locale": user.locale, "active": user.active,
    }


def nobody_yet() -> bool:
    """A fresh install: the sign-in page tells how to create the first administrator."""
    return db.session.scalar(select(User.id).limit(1)) is None


def find_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username[:60]))
    if user is None:
        raise NotFound("no_such_user", username=username[:60])
    return user


def find_users(query: UserQuery) -> tuple[list[User], int]:
    """A page of users, by name; filtered by role, unit (its members) and active."""
    stmt = select(User)
    if query.q:
        like = "%" + query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(User.username.ilike(like, escape="\\"), User.display_name.ilike(like, escape="\\")))
    if query.role:
        stmt = stmt.where(User.role == query.role)
    if query.unit:
        stmt = stmt.join(Unit, Unit.id == User.unit_id).where(Unit.code == query.unit)
    if query.active is not None:
        stmt = stmt.where(User.active.is_(query.active))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(
        stmt.order_by(User.active.desc(), User.username).limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).all()
    return items, total


def _unit(code: str | None) -> Unit | None:
    return find_unit(code, for_work=False) if code else None


def _check_crew_unit(role: Role, unit: Unit | None) -> None:
    if role == Role.CREW and unit is None:
        raise ValidationFailed.at("unit", "crew_needs_unit")


def _keep_an_admin(user: User, actor: User | None) -> None:
    """Refuse an act that takes the administrator role or the account from `user` when
    it is the actor's own (locking themselves out) or the center's last admin."""
    if actor is not None and actor.id == user.id:
        raise Conflict("not_yourself")
    others = db.session.scalar(
        select(func.count()).where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    )
    if user.role == Role.ADMIN and user.active and not others:
        raise Conflict("last_admin", username=user.username)


def create_user(data: UserCreate, password: str | None = None, *, must_change: bool = True,
                check: bool = True) -> tuple[User, str]:
    """A new person, and their password: `password`, else `data.password`, else one made
    up. An admin's is temporary (`must_change`); someone picking their own at a prompt
    (flask create-admin) is not. `check=False` only for the demo's published passwords."""
    unit = _unit(data.unit)
    _check_crew_unit(data.role, unit)
    password = password or data.password or temporary_password()
    if db.session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise ValidationFailed.at("username", "user_exists", username=data.username)
    if check:
        check_strength(password, data.username, field="password")
    user = services.create_user(data.username, password, data.role, data.display_name, unit.id if unit else None,
                                locale=data.locale, must_change_password=must_change)
    record("user.create", target=user, detail=changes({}, snapshot(user)))
    return user, password


def update_user(user: User, data: UserPatch, actor: User | None) -> User:
    """Name, role, unit, language: only the fields sent, as last seen (`data.version`)."""
    check_version(user, data.version, what=WHAT, ident=user.username, required=True)
    sent = data.model_fields_set
    before = snapshot(user)
    role = data.role or user.role
    unit = _unit(data.unit) if "unit" in sent else user.unit
    _check_crew_unit(role, unit)
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _keep_an_admin(user, actor)
    if data.display_name is not None:
        user.display_name = data.display_name
    if "locale" in sent:
        user.locale = data.locale
    user.role, user.unit = role, unit
    db.session.flush()
    if diff := changes(before, snapshot(user)):
        record("user.update", target=user, detail=diff)
    return user


def deactivate(user: User, actor: User | None, expected_version: int | None = None) -> User:
    """The person can no longer sign in; their open sessions end now. Nothing is deleted:
    their tickets, notes and signatures keep their name."""
    check_version(user, expected_version, what=WHAT, ident=user.username)
    if not user.active:
        return user
    _keep_an_admin(user, actor)
    user.active = False
    end_sessions(user)
    record("user.deactivate", target=user)
    return user


def reactivate(user: User, expected_version: int | None = None) -> User:
    check_version(user, expected_version, what=WHAT, ident=user.username)
    if not user.active:
        user.active = True
        db.session.flush()
        record("user.reactivate", target=user)
    return user


def reset_password(user: User, password: str | None = None, expected_version: int | None = None) -> tuple[User, str]:
    """A temporary password (the admin's, else one made up), to be changed at the next
    sign-in; every session of the person ends (whoever held the old password is out)."""
    check_version(user, expected_version, what=WHAT, ident=user.username)
    if password:
        check_strength(password, user.username, field="password")
    password = password or temporary_password()
    user.set_password(password)
    user.must_change_password = True
    end_sessions(user)
    record("user.password_reset", target=user)
    return user, password


def change_own_password(user: User, current: str, new: str, again: str, ip: str, user_agent: str | None) -> User:
    """The person's own change: the current password first (counted like a sign-in: a
    wrong one toward the lockout), then the new one twice and strong enough. Every
    session ends; the caller signs this browser in again. A wrong current password is
    recorded: the caller commits even on that refusal."""
    if not services.check_password_counted(user, current, ip, user_agent):
        raise ValidationFailed.at("current_password", "wrong_password")
    check_new_password(new, again, user.username)
    if new == current:
        raise ValidationFailed.at("new_password", "password_unchanged")
    user.set_password(new)
    user.must_change_password = False
    end_sessions(user)
    record("user.password_change", target=user, actor=user)
    return user
