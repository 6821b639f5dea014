"""The seat page (sign in, ready/busy/away) and the sign-out log 签出登记."""
from datetime import datetime, timedelta

from flask import Blueprint, render_template, request

from hotline.core import clock
from hotline.core.errors import ValidationFailed
from hotline.core.permissions import DRAW_ROSTER, SEAT_WORK, require
from hotline.core.validation import parse_day
from hotline.duty.seats import services

bp = Blueprint("seats", __name__)


@bp.get("/seat")
@require(SEAT_WORK)
def seat():
    return render_template("seats/seat.html", away_minutes=int(services.AWAY_LOGGED_AFTER.total_seconds() // 60))


@bp.get("/seats/away-log")
@require(DRAW_ROSTER)
def away_log():
    try:
        day = parse_day(request.args["day"], "day") if request.args.get("day") else clock.local().date()
    except ValidationFailed:  # not a day, or out of range: today
        day = clock.local().date()
    start = datetime.combine(day, datetime.min.time(), tzinfo=clock.center_tz())
    entries = services.away_log(start, start + timedelta(days=1))
    return render_template("seats/away_log.html", day=day, entries=entries, tz=clock.center_tz(),
                           prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1))
