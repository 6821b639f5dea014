"""The signals between domains, declared once.

The domain that acts sends; it knows nobody. Each domain that reacts connects its
receivers in its own package (`receivers.py`, connected by its `init_app`).
Receivers run synchronously inside the sender's transaction: a receiver that
fails rolls the whole change back, and what a receiver writes is committed with it.
Receivers run in the order the parts were listed in the app factory (dispatch
before sla: an emergency's escalation names the unit the ticket was routed to).
"""
from blinker import Namespace

_signals = Namespace()

ticket_created = _signals.signal("ticket-created", doc="""
A ticket was taken in and flushed (it has an id and a number).
sender: Ticket; kwargs: actor (User), unit (Unit | None: the unit the operator
named; None lets the routing rules decide). A consultation answered on the call
is created closed: receivers check `ticket.is_open`.""")

ticket_resolved = _signals.signal("ticket-resolved", doc="""
A ticket reached `resolved` (办结): its unit says the matter is done.
sender: Ticket; kwargs: actor (User | None).""")

ticket_reopened = _signals.signal("ticket-reopened", doc="""
A resolved ticket went back to its unit after the callback (回访): a new cycle.
sender: Ticket; kwargs: actor (User), words (str: what the caller said).""")

ticket_cancelled = _signals.signal("ticket-cancelled", doc="""
A ticket was cancelled (a wrong or duplicate ticket): no one works on it any more.
sender: Ticket; kwargs: actor (User), reason (str).""")

ticket_reclassified = _signals.signal("ticket-reclassified", doc="""
A ticket's category, priority or area changed.
sender: Ticket; kwargs: actor (User), changes (dict field -> (before, after)).""")

ticket_priority_raised = _signals.signal("ticket-priority-raised", doc="""
A ticket's priority went up after intake (e.g. normal -> emergency on reclassification).
sender: Ticket; kwargs: actor (User), before (Priority).""")

handover_signed = _signals.signal("handover-signed", doc="""
Both people signed a shift handover (交接班); the incoming person owns its tickets.
sender: Handover; kwargs: actor (User: who signed last).""")

sessions_ended = _signals.signal("sessions-ended", doc="""
Every session of a person was ended (sign-out, password change or reset,
deactivation, a revoked board token): their open pages and sockets must stop.
sender: User (its `session_version` already raised and flushed).""")

token_revoked = _signals.signal("token-revoked", doc="""
An API or board token was revoked: the sessions made from it (a wall screen's
kiosk login) and the sockets it opened must stop; its person's other sessions stay.
sender: ApiToken (its `revoked_at` already set and flushed).""")


ticket_panels = _signals.signal("ticket-panels", doc="""
Asked when the ticket page is drawn, for the panels other domains add to it.
sender: Ticket; kwargs: user. Receivers return (template name, context dict);
the templates are included in order, with the contexts merged into the page's.""")

ticket_deadlines = _signals.signal("ticket-deadlines", doc="""
Asked when a page outside the SLA's own shows a ticket's deadlines (the printed
work order). sender: Ticket. Receivers return a list of dicts, in the order work
goes through them: stage (code), due (aware datetime | None), state (running,
paused, met or late), overdue (bool).""")
