"""Browser pages of the dispatch side: wall board, dispatch desk, crew page, kiosk sign-in,
the printed work order."""
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from sqlalchemy import select

from dispatch.workorders.printing import printable_work_order, sheet
from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.permissions import (
    CREW_STEPS,
    DISPATCH,
    READ_BOARD,
    READ_WORK_ORDERS,
    require,
    scope_for,
)
from dispatch.desk.services import DESK_STATUSES
from dispatch.routing.services import known_areas
from hotline.tickets.access import visible_ticket
from hotline.tickets.models import Category, Priority
from hotline.units.models import Unit
from hotline.users.models import Role
from hotline.users.services import token_for_secret
from hotline.users.sessions import bind_session_to_token

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
    read-only board account, with no person typing a password. The session and the
    remembered login (REMEMBER_COOKIE_DURATION at most) are bound to that token:
    revoking it, or its expiry, ends the screen (hotline/users/sessions.py)."""
    token = token_for_secret(request.args.get("token", ""))
    if token is None or token.user.role != Role.BOARD:
        abort(401, "invalid board token")
    user = token.user
    session.clear()  # a fresh session, as at any sign-in
    login_user(user, remember=True)
    bind_session_to_token(user, token)
    return redirect(url_for("dispatch.board"))


@bp.get("/dispatch")
@require(DISPATCH)
def desk():
    return _page("dispatch/desk.html", areas=known_areas(), priorities=list(Priority), states=DESK_STATUSES)


@bp.get("/crew")
@require(CREW_STEPS)
def crew():
    ids = scope_for(current_user).unit_ids
    codes = db.session.scalars(select(Unit.code).where(Unit.id.in_(ids or {-1}))).all()
    return _page("dispatch/crew.html", my_units=sorted(codes))


@bp.get("/tickets/<number>/work-order/print")
@require(READ_WORK_ORDERS)
def work_order_print(number: str):
    """The work order (派工单) on A4, printed by the browser: a crew its own unit's only."""
    ticket = visible_ticket(number, current_user)
    order = printable_work_order(ticket, current_user)
    return render_template("dispatch/work_order_print.html", printed_at=clock.now(), **sheet(ticket, order, current_user))
