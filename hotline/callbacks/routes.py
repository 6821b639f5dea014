"""Browser pages: the operators' callback queue (回访) and the supervisors' rates."""
from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from hotline.callbacks import services
from hotline.callbacks.models import Callback, Satisfaction
from hotline.callbacks.reports import rates
from hotline.callbacks.schemas import RatesQuery
from hotline.callbacks.serialize import callback_views
from hotline.core import clock
from hotline.core.errors import ValidationFailed, page_errors
from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.labels import define
from hotline.core.permissions import READ_CALLBACK_RATES, WORK_CALLBACKS, can, require
from hotline.core.validation import parse_query
from hotline.core.web import filter_args
from hotline.tickets.models import Category

bp = Blueprint("callbacks", __name__)

SATISFACTION = {
    Satisfaction.VERY_SATISFIED: _l("Very satisfied"),
    Satisfaction.SATISFIED: _l("Satisfied"),
    Satisfaction.NEUTRAL: _l("Neutral"),
    Satisfaction.DISSATISFIED: _l("Dissatisfied"),
}
define("satisfaction", SATISFACTION)  # satisfaction_label() in templates

PAGE_LIMIT = 200  # more than a shift works; the API pages through the rest


@bp.get("/callbacks")
@require(WORK_CALLBACKS)
def queue():
    """Due to try now first, then those waiting for their next try; each by deadline."""
    stmt = services.queue()
    due = db.session.scalars(stmt.where(Callback.next_try_at <= clock.now()).limit(PAGE_LIMIT)).unique().all()
    waiting = db.session.scalars(stmt.where(Callback.next_try_at > clock.now()).limit(PAGE_LIMIT)).unique().all()
    loc = current_locale()
    return render_template(
        "callbacks/queue.html",
        due=list(zip(due, callback_views(due, current_user))),
        waiting=list(zip(waiting, callback_views(waiting, current_user))),
        category_names={c.code: c.name(loc) for c in db.session.scalars(select(Category))},
        levels=list(Satisfaction),
        can_read_rates=can(READ_CALLBACK_RATES),
    )


@bp.get("/callbacks/rates")
@require(READ_CALLBACK_RATES)
def rates_page():
    """Per unit and per category for a period of resolution days (center time); the
    last 30 days unless asked otherwise."""
    today = clock.local(clock.now()).date()
    args = request.args.to_dict()
    args.setdefault("from", (today - timedelta(days=29)).isoformat())
    args.setdefault("to", today.isoformat())
    errors = {}
    try:
        query = parse_query(RatesQuery, filter_args(_multi(args)))
    except ValidationFailed as exc:
        query, errors = RatesQuery(), page_errors(exc)
    by_unit, total = rates(query.resolved_from, query.resolved_to, "unit")
    by_category, _ = rates(query.resolved_from, query.resolved_to, "category")
    return render_template(
        "callbacks/rates.html",
        by_unit=by_unit,
        by_category=by_category,
        total=total,
        levels=list(Satisfaction),
        period={"from": args["from"], "to": args["to"]},
        errors=errors,
    )


def _multi(args: dict):
    return MultiDict([(k, v) for k, v in args.items() if k in ("from", "to")])
