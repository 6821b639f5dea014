"""Callers in the API: the history lookup as the phone rings, and the audited reveal
of a confidential caller (hotline/callers/privacy.py says who may do what)."""
from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hotline.audit.services import record
from hotline.callers.phones import display_phone
from hotline.core.api import bp, committed, json_body
from hotline.core.errors import NotFound
from hotline.core.openapi import operation
from hotline.core.permissions import CALLER_HISTORY, REVEAL_CALLER, require
from hotline.core.validation import parse
from hotline.tickets.access import visible_ticket
from hotline.tickets.caller_schemas import CallerHistoryOut, CallerPhone
from hotline.tickets.history import caller_history
from hotline.tickets.schemas import RevealIn, RevealOut, TicketNumber
from hotline.tickets.serialize import revealed_caller, ticket_summary


@bp.get("/v1/callers/<phone>/tickets")
@operation("A caller's history by phone, in any spelling of the number", path=CallerPhone, response=CallerHistoryOut,
           returns="The caller and their tickets, as you may see them",
           description="Built from the tickets on which you see the caller in full, each as given on its call: "
                       "a confidential ticket of the same number is not listed, counted or used for the card.",
           errors={422: "Not a phone number"}, never=[404])
@require(CALLER_HISTORY)
def caller_tickets(phone: str):
    history = caller_history(phone, current_user)
    caller = history["caller"]
    return jsonify(
        caller=None if caller is None else {
            "phone": caller.phone,
            "display_phone": display_phone(caller.phone),
            "name": history["name"],
            "addresses": history["addresses"],
            "masked": False,
        },
        tickets=[ticket_summary(t, current_user) for t in history["tickets"]],
        open_count=history["open_count"],
        recent_count=history["recent_count"],
        repeat=history["repeat"],
    )


@bp.post("/v1/tickets/<number>/caller/reveal")
@operation("Reveal a masked caller on purpose, with a reason: recorded in the audit log (caller.reveal)",
           path=TicketNumber, body=RevealIn, response=RevealOut, returns="The caller as given on this call",
           errors={404: "No such ticket, or it has no caller"})
@require(REVEAL_CALLER)
def reveal_caller(number: str):
    data = parse(RevealIn, json_body())
    ticket = visible_ticket(number, current_user)
    if ticket.caller is None:
        raise NotFound("not_found", what=_l("caller"), id=number)
    details = revealed_caller(ticket)
    record("caller.reveal", ticket_id=ticket.id, target_type="caller", target_id=ticket.caller.id,
           reason=data.reason)
    return committed(details)
