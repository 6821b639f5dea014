"""Browser pages of the dispatch side: wall board, dispatch desk, crew page, kiosk sign-in."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import login_user

from hotline.users.models import Role
from hotline.users.permissions import CREW_STEPS, DISPATCH, READ_BOARD, require
from hotline.users.services import user_for_token

bp = Blueprint("dispatch", __name__)


@bp.get("/board")
@require(READ_BOARD)
def board():
    return render_template("dispatch/board.html")


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
    return render_template("dispatch/desk.html")


@bp.get("/crew")
@require(CREW_STEPS)
def crew():
    return render_template("dispatch/crew.html")
