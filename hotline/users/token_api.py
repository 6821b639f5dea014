"""Token endpoints of the JSON API (admins): list, create (the secret once), revoke."""
from flask import jsonify, url_for

from hotline.core import clock
from hotline.core.api import bp, committed, json_body
from hotline.core.openapi import operation
from hotline.core.permissions import MANAGE_TOKENS, Role, require
from hotline.core.validation import parse
from hotline.users.models import ApiToken
from hotline.users.schemas import TokenCreatedOut, TokenIn, TokenList, TokenOut
from hotline.users.services import all_tokens, create_token_for, revoke_token


def kind_of(token: ApiToken) -> str:
    return "board" if token.user.role == Role.BOARD else "integration"


def kiosk_url(token: ApiToken, secret: str) -> str | None:
    """The address a wall screen opens once with a board token."""
    return url_for("dispatch.kiosk", token=secret, _external=True) if kind_of(token) == "board" else None


def token_view(token: ApiToken) -> dict:
    return {
        "id": token.id, "name": token.name, "prefix": token.prefix,
        "user": token.user.username, "role": token.user.role.value, "kind": kind_of(token),
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
        "usable": token.usable(clock.now()),
    }


@bp.get("/v1/tokens")
@operation("API and board tokens, newest first, revoked ones last (admin)", response=TokenList)
@require(MANAGE_TOKENS)
def list_tokens():
    return jsonify(items=[token_view(t) for t in all_tokens()])


@bp.post("/v1/tokens")
@operation("Create a token; its secret is in this answer only (admin)", body=TokenIn, response=TokenCreatedOut,
           status=201, returns="The token with its secret")
@require(MANAGE_TOKENS)
def create_api_token():
    data = parse(TokenIn, json_body())
    token, secret = create_token_for(data.user, data.name, data.expires_in_days)
    return committed({**token_view(token), "secret": secret, "kiosk_url": kiosk_url(token, secret)}, 201)


@bp.post("/v1/tokens/<int:token_id>/revoke")
@operation("Revoke a token at once: its calls are refused, a wall screen signed in with it stops (admin)",
           response=TokenOut, returns="The token, revoked")
@require(MANAGE_TOKENS)
def revoke_api_token(token_id: int):
    return committed(token_view(revoke_token(token_id)))
