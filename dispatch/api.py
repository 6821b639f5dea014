"""Dispatch endpoints of the JSON API: act on tickets, units, routing rules."""
from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from dispatch.routing import services as routing
from dispatch.schemas import DispatchIn, ReturnIn, RoutingRuleIn, StepIn, TransferIn
from dispatch.workorders import services
from hotline.core import error_catalog
from hotline.core.api import bp, json_body
from hotline.core.errors import Conflict, NotFound
from hotline.core.extensions import db
from hotline.core.permissions import (
    CREW_STEPS,
    DISPATCH,
    MANAGE_SETTINGS,
    READ_BOARD,
    RETURN_TICKET,
    require,
)
from hotline.core.validation import parse
from hotline.tickets.access import visible_ticket
from hotline.tickets.serialize import ticket_detail, ticket_summary
from hotline.units.models import Unit
from hotline.units.services import find_unit

error_catalog.define({"no_such_step": _l("no step '%(step)s'; steps are %(steps)s")})

STEPS = ("accept", "en_route", "on_site", "resolve")


def _act(number: str, action):
    """Run a step; on a conflict answer 409 with the ticket as it now stands."""
    ticket = visible_ticket(number, current_user)
    try:
        action(ticket)
        db.session.commit()
    except Conflict as exc:
        db.session.rollback()
        exc.details["ticket"] = ticket_summary(visible_ticket(number, current_user), current_user)
        raise
    return jsonify(ticket_detail(ticket, current_user))


@bp.post("/v1/tickets/<number>/dispatch")
@require(DISPATCH)
def dispatch_ticket(number: str):
    data = parse(DispatchIn, json_body())
    unit = find_unit(data.unit)
    return _act(number, lambda t: services.dispatch_ticket(t, unit, current_user, data.version, data.instructions))


@bp.post("/v1/tickets/<number>/transfer")
@require(DISPATCH)
def transfer_ticket(number: str):
    data = parse(TransferIn, json_body())
    unit = find_unit(data.unit)
    return _act(number, lambda t: services.transfer_ticket(t, unit, data.reason, current_user, data.version))


@bp.post("/v1/tickets/<number>/return")
@require(RETURN_TICKET)
def return_ticket(number: str):
    data = parse(ReturnIn, json_body())
    return _act(number, lambda t: services.return_ticket(t, data.reason, current_user, data.version))


@bp.post("/v1/tickets/<number>/steps/<step>")
@require(CREW_STEPS)
def step_ticket(number: str, step: str):
    if step not in STEPS:
        raise NotFound("no_such_step", step=step, steps=", ".join(STEPS))
    data = parse(StepIn, json_body())
    return _act(number, lambda t: services.advance(t, step, current_user, data.version, data.result))


@bp.get("/v1/units")
@require(READ_BOARD | DISPATCH)
def units():
    items = db.session.scalars(select(Unit).where(Unit.active).order_by(Unit.code)).all()
    return jsonify(
        items=[{"code": u.code, "name": u.name, "kind": u.kind.value, "parent": u.parent.code if u.parent else None} for u in items]
    )


@bp.get("/v1/routing-rules")
@require(MANAGE_SETTINGS)
def routing_rules():
    return jsonify(items=[routing.rule_view(r) for r in routing.all_rules()])


@bp.post("/v1/routing-rules")
@require(MANAGE_SETTINGS)
def save_routing_rule():
    data = parse(RoutingRuleIn, json_body())
    rule = routing.save_rule(data)
    db.session.commit()
    return jsonify(routing.rule_view(rule)), 201
