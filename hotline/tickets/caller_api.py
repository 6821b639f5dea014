"""Caller history for the operator's lookup as the phone rings."""
from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from hotline.callers.phones import display_phone
from hotline.callers.privacy import can_see_caller, mask_name, mask_phone
from hotline.core.api import bp
from hotline.core.extensions import db
from hotline.core.openapi import operation
from hotline.core.permissions import CALLER_HISTORY, require
from hotline.tickets.caller_schemas import CallerHistoryOut, CallerPhone
from hotline.tickets.history import caller_history
from hotline.tickets.models import Ticket
from hotline.tickets.serialize import ticket_summary


@bp.get("/v1/callers/<phone>/tickets")
@operation("A caller's history by phone, in any spelling of the number", path=CallerPhone, response=CallerHistoryOut,
           returns="The caller and their tickets", errors={422: "Not a phone number"}, never=[404])
@require(CALLER_HISTORY)
def caller_tickets(phone: str):
    history = caller_history(phone)
    caller = history["caller"]
    return jsonify(
        caller=None if caller is None else _caller_card(caller),
        tickets=[ticket_summary(t, current_user) for t in history["tickets"]],
        open_count=history["open_count"],
        recent_count=history["recent_count"],
        repeat=history["repeat"],
    )


def _caller_card(caller) -> dict:
    """The caller's name and addresses, unless they also came in confidentially to
    someone else: the name and addresses are kept on the caller, not per ticket, so
    they may be the ones given in confidence (GB/T 33358)."""
    confidential = db.session.scalars(
        select(Ticket).where(Ticket.caller_id == caller.id, Ticket.confidential)
    ).all()
    if all(can_see_caller(current_user, t) for t in confidential):
        return {
            "phone": caller.phone,
            "display_phone": display_phone(caller.phone),
            "name": caller.name,
            "addresses": [a.address for a in caller.addresses[:5]],
            "masked": False,
        }
    return {
        "phone": mask_phone(caller.phone),
        "display_phone": mask_phone(caller.phone),
        "name": mask_name(caller.name),
        "addresses": [],
        "masked": True,
    }
