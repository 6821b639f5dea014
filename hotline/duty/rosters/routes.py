"""The roster page: the month grid, coverage, requests. It reads and writes through the JSON API."""
from datetime import timedelta

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from hotline.core import clock
from hotline.core.labels import label
from hotline.core.permissions import DRAW_ROSTER, READ_ROSTER, can, require
from hotline.core.i18n import current_locale
from hotline.duty.rosters.doubles import min_rest
from hotline.duty.rosters.services import ROSTERED_ROLES, active_templates, parse_month

bp = Blueprint("rosters", __name__)


@bp.get("/rosters", defaults={"month": None})
@bp.get("/rosters/<month>")
@require(READ_ROSTER)
def roster(month: str | None):
    if month is None:
        return redirect(url_for("rosters.roster", month=f"{clock.local():%Y-%m}"))
    first = parse_month(month)
    prev_month = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render_template(
        "rosters/roster.html",
        month=f"{first:%Y-%m}",
        prev_month=f"{prev_month:%Y-%m}",
        next_month=f"{next_month:%Y-%m}",
        can_draw=can(DRAW_ROSTER),
        me=current_user.username,
        role_names={r.value: label("role", r) for r in ROSTERED_ROLES},
        month_end=f"{next_month - timedelta(days=1):%Y-%m-%d}",
        default_pattern=" ".join([t.name(current_locale()) for t in active_templates()] + ["休"]),
        min_rest=f"{min_rest().total_seconds() / 3600:g}",
    )
