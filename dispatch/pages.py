"""Browser pages of the dispatch side: wall board, dispatch desk, crew page, kiosk sign-in."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.permissions import (
    CREW_STEPS,
    DISPATCH,
    READ_BOARD,
    require,
    scope_for,
)
from hotline.tickets.models import Category
from hotline.units.models import Unit
from hotline.users.models import Role
from hotline.users.services import user_for_token

bp = Blueprint("dispatch", __name__)


def _page(template: str, **extra):
    """Every dispatch page gets the category names (inactive ones too: old tickets keep theirs)."""
    loc = current_locale()
    names = {c.code: c.name(loc) for c in db.session.scalars(select(Category)).all()}
    return render_template(template, category_names=names, **extra)


@bp.get("/board")
@require(READ_BOARD)
def board():
    return _page("dispatch/board.html")


@bp.get("/board/kiosk")
def kiosk():
    """A wall screen opens /board/kiosk?token=... once; it is then signed in as the
    read-only board account, with no person typing a password."""
    user = user_for_token(request.args.get("token", ""))
    if user is None or user.role != Role.BOARD:
        abort(401, "invalid board token")
    login_user(user, remember=True)
    return redirect(url_for("dispatch.board"))


@bp.get("/dispatch")
@require(DISPATCH)
def desk():
    return _page("dispatch/desk.html")


@bp.get("/crew")
@require(CREW_STEPS)
def crew():
    ids = scope_for(current_user).unit_ids
    codes = db.session.scalars(select(Unit.code).where(Unit.id.in_(ids or {-1}))).all()
    return _page("dispatch/crew.html", my_units=sorted(codes))
