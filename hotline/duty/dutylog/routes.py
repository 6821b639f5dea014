"""Browser pages of the duty log: one day (entries, the supervisor's review) and the
search across past logs and handovers. Writing goes through the JSON API."""
from flask import Blueprint, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from hotline.core import clock
from hotline.core.errors import ValidationFailed, page_errors
from hotline.core.permissions import DUTY_LOG, REVIEW_DUTY_LOG, require
from hotline.core.validation import parse_day, parse_query
from hotline.duty.dutylog import services
from hotline.duty.dutylog.models import EntryKind
from hotline.duty.dutylog.schemas import LogQuery

bp = Blueprint("dutylog", __name__)


@bp.get("/duty-log")
@require(DUTY_LOG)
def index():
    today = clock.local().date()
    try:
        day = parse_day(request.args["day"], "day") if request.args.get("day") else today
    except ValidationFailed:  # not a day, or out of range: today
        day = today
    review = services.review_of(day)
    return render_template(
        "dutylog/index.html",
        day=day, today=today, entries=services.entries_of(day), review=review,
        review_ok=services.verify_review(review) if review else None,
        days=services.recent_days(), kinds=list(EntryKind),
        can_review=current_user.role in REVIEW_DUTY_LOG and review is None and day <= today,
    )


@bp.get("/duty-log/search")
@require(DUTY_LOG)
def search():
    errors, hits, total = {}, [], 0
    try:
        query = parse_query(LogQuery, _args())
    except ValidationFailed as exc:
        query, errors = LogQuery(), page_errors(exc)
    if request.args and not errors:
        hits, total = services.search(query)
    return render_template("dutylog/search.html", query=query, hits=hits, total=total, errors=errors,
                           kinds=[k.value for k in EntryKind] + ["handover"], searched=bool(request.args))


def _args():
    return MultiDict([(k, v) for k, v in request.args.items(multi=True) if v != ""])
