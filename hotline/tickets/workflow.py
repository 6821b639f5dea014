"""The ticket's state machine. An illegal step is refused with a reason (409)."""
from flask_babel import lazy_gettext as _l

from hotline.core import error_catalog
from hotline.core.error_catalog import Term
from hotline.core.errors import Conflict
from hotline.tickets.models import OPEN_STATUSES, Status, Ticket

S = Status

# step name -> (statuses it may start from, status it leads to)
STEPS: dict[str, tuple[frozenset[Status], Status]] = {
    "dispatch": (frozenset({S.NEW, S.RETURNED}), S.DISPATCHED),
    "transfer": (frozenset({S.DISPATCHED, S.ACCEPTED, S.EN_ROUTE, S.ON_SITE}), S.DISPATCHED),
    "return": (frozenset({S.DISPATCHED, S.ACCEPTED, S.EN_ROUTE, S.ON_SITE}), S.RETURNED),
    "accept": (frozenset({S.DISPATCHED}), S.ACCEPTED),
    "en_route": (frozenset({S.ACCEPTED}), S.EN_ROUTE),
    "on_site": (frozenset({S.ACCEPTED, S.EN_ROUTE}), S.ON_SITE),
    "resolve": (frozenset({S.ACCEPTED, S.EN_ROUTE, S.ON_SITE}), S.RESOLVED),
    # after the callback (回访): unsolved or dissatisfied goes back to the unit, else 归档
    "reopen": (frozenset({S.RESOLVED}), S.DISPATCHED),
    "close": (frozenset({S.RESOLVED}), S.CLOSED),
    # intake: a consultation answered on the call is closed at once; a wrong ticket is cancelled
    "answer_on_call": (frozenset({S.NEW}), S.CLOSED),
    "cancel": (OPEN_STATUSES, S.CANCELLED),
}

error_catalog.define({
    "illegal_step": _l("cannot %(step)s ticket %(number)s: it is %(status)s; %(step)s needs one of: %(allowed)s"),
})

# The timeline kind a step records, where it is not the step's own name.
STEP_EVENT = {"answer_on_call": "answered_on_call", "cancel": "cancelled"}


def next_status(ticket: Ticket, step: str) -> Status:
    """The status `step` leads to from the ticket's current status, or Conflict saying why not."""
    allowed_from, target = STEPS[step]
    if ticket.status not in allowed_from:
        raise Conflict(
            "illegal_step", step=step, number=ticket.number, status=Term("status", ticket.status.value),
            allowed=", ".join(sorted(s.value for s in allowed_from)),
            details={"ticket_status": ticket.status.value, "current_version": ticket.version},
        )
    return target


# What a unit or the desk may do from a work-order screen (intake's steps are not theirs).
WORK_STEPS = ("dispatch", "transfer", "return", "accept", "en_route", "on_site", "resolve", "reopen", "close")


def steps_available(ticket: Ticket) -> list[str]:
    return [step for step in WORK_STEPS if ticket.status in STEPS[step][0]]
