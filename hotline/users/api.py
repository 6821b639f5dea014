"""User administration in the JSON API (admins only): list, read, create, edit,
deactivate, reactivate, reset a password. Never a password hash; a password only in
the answer to the act that made it up."""
from flask import jsonify, request, url_for
from flask_login import current_user

from hotline.core.api import bp, committed, json_body
from hotline.core.openapi import operation
from hotline.core.permissions import MANAGE_USERS, require
from hotline.core.validation import parse, parse_query
from hotline.users import admin
from hotline.users.schemas import (
    PasswordResetIn,
    UserCreate,
    UsernamePath,
    UserOut,
    UserPageOut,
    UserPatch,
    UserQuery,
    UserVersionIn,
    UserWithPasswordOut,
    user_out,
)

_LAST_ADMIN = {409: "Stale version, or refused: `code` last_admin (the center keeps one active administrator) "
                    "or not_yourself"}


@bp.get("/v1/users")
@operation("List and search users (admin): by name or username, role, unit (its members), active",
           query=UserQuery, response=UserPageOut, returns="A page of users, active first, by username")
@require(MANAGE_USERS)
def list_users():
    query = parse_query(UserQuery, request.args)
    items, total = admin.find_users(query)
    return jsonify(items=[user_out(u) for u in items], total=total, page=query.page, per_page=query.per_page)


@bp.post("/v1/users")
@operation("Create a user (admin). The password (given, or made up and answered once) must be changed at the "
           "first sign-in", body=UserCreate, response=UserWithPasswordOut, status=201, returns="The new user")
@require(MANAGE_USERS)
def create_user():
    data = parse(UserCreate, json_body())
    user, password = admin.create_user(data)
    body = {**user_out(user), "temporary_password": None if data.password else password}
    return committed(body, 201, {"Location": url_for("api.get_user", username=user.username)})


@bp.get("/v1/users/<username>")
@operation("One user (admin)", path=UsernamePath, response=UserOut, returns="The user")
@require(MANAGE_USERS)
def get_user(username: str):
    return jsonify(user_out(admin.find_user(username)))


@bp.patch("/v1/users/<username>")
@operation("Change a user's name, role, unit or language (admin), given the version you saw; only the fields sent "
           "change", path=UsernamePath, body=UserPatch, response=UserOut, returns="The user", errors=_LAST_ADMIN)
@require(MANAGE_USERS)
def update_user(username: str):
    data = parse(UserPatch, json_body())
    user = admin.update_user(admin.find_user(username), data, current_user)
    return committed(user_out(user))


@bp.post("/v1/users/<username>/deactivate")
@operation("Deactivate a user (admin): no more sign-in, every open session ends now; nothing is deleted",
           path=UsernamePath, body=UserVersionIn, response=UserOut, returns="The user", errors=_LAST_ADMIN)
@require(MANAGE_USERS)
def deactivate_user(username: str):
    data = parse(UserVersionIn, json_body())
    user = admin.deactivate(admin.find_user(username), current_user, data.version)
    return committed(user_out(user))


@bp.post("/v1/users/<username>/reactivate")
@operation("Reactivate a user (admin)", path=UsernamePath, body=UserVersionIn, response=UserOut, returns="The user")
@require(MANAGE_USERS)
def reactivate_user(username: str):
    data = parse(UserVersionIn, json_body())
    user = admin.reactivate(admin.find_user(username), data.version)
    return committed(user_out(user))


@bp.post("/v1/users/<username>/reset-password")
@operation("Reset a user's password (admin): a temporary one (given, or made up and answered once), to be changed "
           "at the next sign-in; every open session of the user ends", path=UsernamePath, body=PasswordResetIn,
           response=UserWithPasswordOut, returns="The user, with the made-up password")
@require(MANAGE_USERS)
def reset_user_password(username: str):
    data = parse(PasswordResetIn, json_body())
    user, password = admin.reset_password(admin.find_user(username), data.password, data.version)
    return committed({**user_out(user), "temporary_password": None if data.password else password})
