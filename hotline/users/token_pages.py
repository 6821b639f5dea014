"""/settings/tokens (admins): board and integration tokens created, listed and revoked.
A new token's secret is on the answer to the form that made it, and nowhere else
(never in a flash message: the session cookie is signed, not encrypted)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from hotline.core import clock
from hotline.core.errors import NotFound, ValidationFailed, page_errors
from hotline.core.extensions import db
from hotline.core.permissions import MANAGE_TOKENS, require
from hotline.core.validation import parse
from hotline.core.web import settings_bp as bp
from hotline.users.token_api import kind_of, kiosk_url
from hotline.users.models import User
from hotline.users.schemas import TokenIn
from hotline.users.services import all_tokens, create_token_for, revoke_token


def _page(errors=None, status=200, created=None):
    accounts = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.role, User.username)).all()
    return render_template(
        "settings/tokens.html",
        tokens=all_tokens(), accounts=accounts, kind_of=kind_of, now=clock.now(),
        errors=errors or {}, form=request.form if errors else {}, created=created,
    ), status


@bp.get("/tokens")
@require(MANAGE_TOKENS)
def tokens():
    return _page()


@bp.post("/tokens")
@require(MANAGE_TOKENS)
def create_token():
    form = request.form
    days = form.get("expires_in_days", "").strip()
    raw = {"user": form.get("user", ""), "name": form.get("name", ""),
           "expires_in_days": (int(days) if days.isdigit() and len(days) < 6 else days) if days else None}
    try:
        data = parse(TokenIn, raw)
        token, secret = create_token_for(data.user, data.name, data.expires_in_days)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _page(page_errors(exc), exc.status)
    return _page(created={"token": token, "secret": secret, "kiosk_url": kiosk_url(token, secret)})


@bp.post("/tokens/<int:token_id>/revoke")
@require(MANAGE_TOKENS)
def revoke_token_page(token_id: int):
    try:
        token = revoke_token(token_id)
        name = token.name
        db.session.commit()
    except NotFound as exc:
        db.session.rollback()
        return _page(page_errors(exc), exc.status)
    flash(_("Token “%(name)s” revoked: it is refused from now on.", name=name), "ok")
    return redirect(url_for("settings.tokens"))
