"""Callback endpoints of the JSON API: the queue, recording an attempt, the rates."""
from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hotline.callbacks import services
from hotline.callbacks.reports import rates
from hotline.callbacks.schemas import AttemptIn, CallbackQuery, RatesQuery
from hotline.callbacks.serialize import callback_view, callback_views, resolved_results
from hotline.callers.privacy import can_see_caller
from hotline.core import error_catalog
from hotline.core.api import bp, json_body
from hotline.core.errors import Forbidden
from hotline.core.extensions import db
from hotline.core.permissions import READ_CALLBACK_RATES, WORK_CALLBACKS, require
from hotline.core.validation import parse, parse_query
from hotline.tickets.services import count

error_catalog.define({
    "confidential_callback": _l("ticket %(number)s is confidential: its operator or a supervisor calls back"),
})


@bp.get("/v1/callbacks")
@require(WORK_CALLBACKS)
def list_callbacks():
    query = parse_query(CallbackQuery, request.args)
    stmt = services.queue(due_only=query.due)
    page = db.session.scalars(stmt.limit(query.per_page).offset((query.page - 1) * query.per_page)).unique().all()
    return jsonify(items=callback_views(page, current_user), total=count(stmt), page=query.page, per_page=query.per_page)


@bp.post("/v1/callbacks/<int:callback_id>/attempts")
@require(WORK_CALLBACKS)
def record_attempt(callback_id: int):
    data = parse(AttemptIn, json_body())
    callback = services.get_callback(callback_id)
    ticket = callback.ticket
    if not can_see_caller(current_user, ticket):
        # A confidential caller is called back by the operator who took the call or a supervisor.
        raise Forbidden("confidential_callback", number=ticket.number)
    services.record_attempt(
        callback, current_user, data.version,
        reached=data.reached, solved=data.solved, satisfaction=data.satisfaction, words=data.words,
    )
    # Serialized before the commit (afterwards every attribute would reload).
    body = {
        "callback": callback_view(callback, current_user, resolved_results([ticket.id]).get(ticket.id)),
        "ticket": {"number": ticket.number, "status": ticket.status.value, "cycle": ticket.cycle, "version": ticket.version},
    }
    db.session.commit()
    return jsonify(body), 201


@bp.get("/v1/callbacks/rates")
@require(READ_CALLBACK_RATES)
def callback_rates():
    query = parse_query(RatesQuery, request.args)
    rows, total = rates(query.resolved_from, query.resolved_to, query.by)
    return jsonify(
        by=query.by,
        **{"from": query.resolved_from.isoformat() if query.resolved_from else None},
        to=query.resolved_to.isoformat() if query.resolved_to else None,
        items=[r.as_dict() for r in rows],
        total=total.as_dict(),
    )
