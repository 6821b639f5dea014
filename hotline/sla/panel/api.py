"""SLA endpoints of the JSON API on one ticket: read its clocks; pause, resume, ask for
an extension (延期), reply to the caller (答复), reclassify (new deadlines follow)."""
from flask import jsonify
from flask_login import current_user

from hotline.core.api import bp, committed, json_body
from hotline.core.openapi import operation
from hotline.core.permissions import (
    PAUSE_CLOCKS,
    READ_TICKETS,
    RECLASSIFY,
    REPLY_TO_CALLER,
    REQUEST_EXTENSION,
    require,
)
from hotline.core.validation import parse
from hotline.sla.engine import services as sla
from hotline.sla.engine.services import ticket_clock_view
from hotline.sla.panel.schemas import (
    ExtensionIn,
    ExtensionOut,
    PauseIn,
    ReclassifyIn,
    ReplyIn,
    ResumeIn,
    TicketSlaOut,
    TicketWithClocksOut,
)
from hotline.sla.panel.views import extension_view, sla_view
from hotline.tickets import services
from hotline.tickets.access import actionable_ticket, visible_ticket
from hotline.tickets.schemas import TicketNumber
from hotline.tickets.serialize import ticket_detail


@bp.get("/v1/tickets/<number>/sla")
@operation("The ticket's SLA clocks (newest cycle first), pauses, extensions and open escalations",
           path=TicketNumber, response=TicketSlaOut, returns="The SLA state", operation_id="getTicketSla")
@require(READ_TICKETS)
def ticket_sla(number: str):
    return jsonify(sla_view(visible_ticket(number, current_user)))


@bp.post("/v1/tickets/<number>/sla/pause")
@operation("Pause the running clocks (or one stage's) with a reason; paused time never counts", path=TicketNumber,
           body=PauseIn, response=TicketSlaOut, returns="The SLA state", errors=[409], operation_id="pauseTicketClocks")
@require(PAUSE_CLOCKS)
def pause_clocks(number: str):
    data = parse(PauseIn, json_body())
    ticket = actionable_ticket(number, current_user)
    sla.pause_ticket(ticket, data.reason, current_user, data.stage)
    body = sla_view(ticket)  # before the commit: reading after it would reload every row
    return committed(body)


@bp.post("/v1/tickets/<number>/sla/resume")
@operation("Resume the paused clocks (or one stage's)", path=TicketNumber, body=ResumeIn, response=TicketSlaOut,
           returns="The SLA state", errors=[409], operation_id="resumeTicketClocks")
@require(PAUSE_CLOCKS)
def resume_clocks(number: str):
    data = parse(ResumeIn, json_body())
    ticket = actionable_ticket(number, current_user)
    sla.resume_ticket(ticket, current_user, data.stage)
    body = sla_view(ticket)
    return committed(body)


@bp.post("/v1/tickets/<number>/sla/extensions")
@operation("Ask for an extension of a running clock (延期), before its deadline; a supervisor decides",
           path=TicketNumber, body=ExtensionIn, response=ExtensionOut, status=201, returns="The pending request", errors=[409])
@require(REQUEST_EXTENSION)
def request_extension(number: str):
    data = parse(ExtensionIn, json_body())
    ticket = actionable_ticket(number, current_user)
    ext = sla.request_extension(ticket, data.stage, data.minutes, data.reason, current_user)
    body = extension_view(ext)
    return committed(body, 201)


@bp.post("/v1/tickets/<number>/reply")
@operation("Record the reply given to the caller (答复): stops the reply clock", path=TicketNumber, body=ReplyIn,
           response=TicketWithClocksOut, returns="The ticket with its clocks")
@require(REPLY_TO_CALLER)
def reply_to_caller(number: str):
    data = parse(ReplyIn, json_body())
    ticket = actionable_ticket(number, current_user)
    services.reply_to_caller(ticket, data.message, current_user, data.version)
    body = {**ticket_detail(ticket, current_user), "clocks": ticket_clock_view(ticket)}
    return committed(body)


@bp.patch("/v1/tickets/<number>")
@operation("Reclassify an open ticket: category, priority or area, with a reason; its SLA deadlines are recomputed "
           "(paused time still excluded)", path=TicketNumber, body=ReclassifyIn, response=TicketWithClocksOut,
           returns="The ticket with its clocks")
@require(RECLASSIFY)
def reclassify_ticket(number: str):
    data = parse(ReclassifyIn, json_body())
    ticket = actionable_ticket(number, current_user)
    services.reclassify(
        ticket, current_user, data.version,
        category=data.category, priority=data.priority, area=data.area, reason=data.reason,
    )
    body = {**ticket_detail(ticket, current_user), "clocks": ticket_clock_view(ticket)}
    return committed(body)
