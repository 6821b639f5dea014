"""Dispatch endpoints of the JSON API: act on tickets, units, routing rules."""
from typing import get_args

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from dispatch.routing import services as routing
from dispatch.schemas import (
    DispatchIn,
    ReturnIn,
    RoutingPreviewOut,
    RoutingPreviewQuery,
    RoutingRuleDeleteQuery,
    RoutingRuleIn,
    RoutingRuleListOut,
    RoutingRuleOut,
    RoutingRulePatch,
    RuleId,
    Step,
    StepIn,
    TicketStep,
    TransferIn,
)
from dispatch.workorders import services
from hotline.core.api import bp, committed, json_body
from hotline.core import error_catalog
from hotline.core.errors import Conflict, NotFound
from hotline.core.extensions import db
from hotline.core.idempotency import idempotent
from hotline.core.openapi import operation
from hotline.core.permissions import (
    CREW_STEPS,
    DISPATCH,
    MANAGE_ROUTING,
    RETURN_TICKET,
    require,
)
from hotline.core.validation import parse, parse_query
from hotline.tickets.access import visible_ticket
from hotline.tickets.schemas import TicketNumber, TicketOut
from hotline.tickets.serialize import ticket_detail, ticket_summary
from hotline.tickets.workflow import steps_available
from hotline.units.services import find_unit

STEPS = get_args(Step)
_CONFLICT = {409: "Illegal step or stale version; `ticket` holds the current state"}

error_catalog.define({"no_such_step": _l("no step '%(step)s'; steps are %(steps)s")})


def _act(number: str, action):
    """Run a step; on a conflict answer 409 with the ticket as it now stands. Either way
    the ticket comes with the `steps` its status now allows, as on its live card
    (hotline.live.views): the crew's page shows the next step's button from the answer."""
    ticket = visible_ticket(number, current_user)
    try:
        action(ticket)
    except Conflict as exc:
        db.session.rollback()
        current = visible_ticket(number, current_user)
        exc.details["ticket"] = {**ticket_summary(current, current_user), "steps": steps_available(current)}
        raise
    return committed({**ticket_detail(ticket, current_user), "steps": steps_available(ticket)})


@bp.post("/v1/tickets/<number>/dispatch")
@operation("Send a new or returned ticket to a unit or crew (派单)", path=TicketNumber, body=DispatchIn,
           response=TicketOut, returns="The ticket, dispatched", errors=_CONFLICT,
           description="Send an `Idempotency-Key` header to make a retry safe: a dispatch whose answer was "
                       "lost (a timeout, a restart) answers the same again instead of 409 `stale`.")
@require(DISPATCH)
@idempotent
def dispatch_ticket(number: str):
    data = parse(DispatchIn, json_body())
    unit = find_unit(data.unit)
    return _act(number, lambda t: services.dispatch_ticket(t, unit, current_user, data.version, data.instructions))


@bp.post("/v1/tickets/<number>/transfer")
@operation("Transfer a dispatched ticket to another unit with a reason (转办)", path=TicketNumber, body=TransferIn,
           response=TicketOut, returns="The ticket, with its new unit", errors=_CONFLICT)
@require(DISPATCH)
def transfer_ticket(number: str):
    data = parse(TransferIn, json_body())
    unit = find_unit(data.unit)
    return _act(number, lambda t: services.transfer_ticket(t, unit, data.reason, current_user, data.version))


@bp.post("/v1/tickets/<number>/return")
@operation("The unit returns the ticket to the dispatcher's queue with a reason (退回)", path=TicketNumber,
           body=ReturnIn, response=TicketOut, returns="The ticket, returned", errors=_CONFLICT)
@require(RETURN_TICKET)
def return_ticket(number: str):
    data = parse(ReturnIn, json_body())
    return _act(number, lambda t: services.return_ticket(t, data.reason, current_user, data.version))


@bp.post("/v1/tickets/<number>/steps/<step>")
@operation("A crew's step on its work order: accept (接单), en_route, on_site (到场), resolve (办结, needs result)",
           path=TicketStep, body=StepIn, response=TicketOut, returns="The ticket after the step", errors=_CONFLICT)
@require(CREW_STEPS)
def step_ticket(number: str, step: str):
    if step not in STEPS:
        raise NotFound("no_such_step", step=step, steps=", ".join(STEPS))
    data = parse(StepIn, json_body())
    return _act(number, lambda t: services.advance(t, step, current_user, data.version, data.result))


# --- routing rules (admin) ------------------------------------------------------------------------


@bp.get("/v1/routing-rules")
@operation("Routing rules: category x area -> unit (admin)", response=RoutingRuleListOut, returns="Rules")
@require(MANAGE_ROUTING)
def routing_rules():
    return jsonify(items=[routing.rule_view(r) for r in routing.all_rules()])


@bp.post("/v1/routing-rules")
@operation("Create the rule for a category and area (admin); a second rule for the same pair is a 422",
           body=RoutingRuleIn, response=RoutingRuleOut, status=201, returns="The rule")
@require(MANAGE_ROUTING)
def create_routing_rule():
    data = parse(RoutingRuleIn, json_body())
    rule = routing.create_rule(data)
    return committed(routing.rule_view(rule), 201)


@bp.patch("/v1/routing-rules/<int:rule_id>")
@operation("Change a rule (admin): only the fields sent; deactivate with active=false",
           path=RuleId, body=RoutingRulePatch, response=RoutingRuleOut, returns="The rule")
@require(MANAGE_ROUTING)
def update_routing_rule(rule_id: int):
    data = parse(RoutingRulePatch, json_body())
    rule = routing.update_rule(rule_id, data)
    return committed(routing.rule_view(rule))


@bp.delete("/v1/routing-rules/<int:rule_id>")
@operation("Delete a rule (admin); its last state stays in the audit log", path=RuleId,
           query=RoutingRuleDeleteQuery, status=204, returns="Deleted")
@require(MANAGE_ROUTING)
def delete_routing_rule(rule_id: int):
    query = parse_query(RoutingRuleDeleteQuery, request.args)
    routing.delete_rule(rule_id, query.version)
    db.session.commit()
    return "", 204


@bp.get("/v1/routing-preview")
@operation("Which unit a new ticket of this category and area would go to, and by which rule (admin): "
           "the same rule the real routing applies", query=RoutingPreviewQuery, response=RoutingPreviewOut,
           returns="The unit and the rule, or nulls: the ticket stays at the center")
@require(MANAGE_ROUTING)
def routing_preview():
    query = parse_query(RoutingPreviewQuery, request.args)
    return jsonify(routing.preview_view(routing.find_category(query.category), query.area))
