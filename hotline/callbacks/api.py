"""Callback endpoints of the JSON API: the queue, recording an attempt, the rates."""
from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hotline.callbacks import services
from hotline.callbacks.reports import rates
from hotline.callbacks.schemas import (
    AttemptIn,
    CallbackAttemptResultOut,
    CallbackPageOut,
    CallbackQuery,
    CallbackRatesOut,
    RatesQuery,
)
from hotline.callbacks.serialize import callback_view, callback_views, resolved_results
from hotline.callers.privacy import can_see_caller
from hotline.core.api import bp, committed, json_body
from hotline.core.counting import count_rows
from hotline.core import error_catalog
from hotline.core.errors import Forbidden
from hotline.core.extensions import db
from hotline.core.openapi import operation
from hotline.core.permissions import READ_CALLBACK_RATES, WORK_CALLBACKS, require
from hotline.core.validation import parse, parse_query

error_catalog.define({
    "confidential_callback": _l("ticket %(number)s is confidential: its operator or a supervisor calls back"),
})


@bp.get("/v1/callbacks")
@operation("The callback queue (回访): pending callbacks, nearest deadline first; due=1 only those to try now",
           query=CallbackQuery, response=CallbackPageOut, returns="A page of the queue")
@require(WORK_CALLBACKS)
def list_callbacks():
    query = parse_query(CallbackQuery, request.args)
    stmt = services.queue(due_only=query.due)
    page = db.session.scalars(stmt.limit(query.per_page).offset((query.page - 1) * query.per_page)).unique().all()
    return jsonify(items=callback_views(page, current_user), total=count_rows(stmt), page=query.page, per_page=query.per_page)


@bp.post("/v1/callbacks/<int:callback_id>/attempts")
@operation("Record one call to the caller. Reached: solved and satisfied closes (归档) the ticket; unsolved or "
           "dissatisfied reopens it to its unit with the caller's words (required then). Not reached: tried again "
           "later until the attempts run out", body=AttemptIn, response=CallbackAttemptResultOut, status=201,
           returns="The callback and the ticket's new status", operation_id="recordCallbackAttempt",
           errors={409: "Stale version (`current_version` given) or the callback is already done"})
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
    return committed(body, 201)


@bp.get("/v1/callbacks/rates")
@operation("Callback, satisfaction, solved and on-time rates per unit or category, counted from the callbacks of "
           "tickets resolved in [from, to)", query=RatesQuery, response=CallbackRatesOut,
           returns="One row per unit or category, and the total")
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
