"""Caller history for the operator's lookup as the phone rings."""
from flask import jsonify
from flask_login import current_user

from hotline.api import bp
from hotline.callers.phones import display_phone
from hotline.callers.services import caller_history
from hotline.tickets.serialize import ticket_summary
from hotline.users.permissions import CALLER_HISTORY, require


@bp.get("/v1/callers/<phone>/tickets")
@require(CALLER_HISTORY)
def caller_tickets(phone: str):
    history = caller_history(phone)
    caller = history["caller"]
    return jsonify(
        caller=None
        if caller is None
        else {
            "phone": caller.phone,
            "display_phone": display_phone(caller.phone),
            "name": caller.name,
            "addresses": [a.address for a in caller.addresses[:5]],
        },
        tickets=[ticket_summary(t, current_user) for t in history["tickets"]],
        open_count=history["open_count"],
        recent_count=history["recent_count"],
        repeat=history["repeat"],
    )
