"""The ticket's state machine. An illegal step is refused with a reason (409)."""
from flask_babel import lazy_gettext as _l

from hotline.core.errors import Conflict
from hotline.tickets.models import Status, Ticket

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
}

STEP_LABELS = {
    "dispatch": _l("dispatch"),
    "transfer": _l("transfer"),
    "return": _l("return"),
    "accept": _l("accept"),
    "en_route": _l("set off"),
    "on_site": _l("arrive on site"),
    "resolve": _l("resolve"),
    "reopen": _l("reopen"),
    "close": _l("close"),
}


def next_status(ticket: Ticket, step: str) -> Status:
    """The status `step` leads to from the ticket's current status, or Conflict saying why not."""
    allowed_from, target = STEPS[step]
    if ticket.status not in allowed_from:
        raise Conflict(
            f"cannot {step} ticket {ticket.number}: it is {ticket.status.value}; "
            f"{step} needs one of: {', '.join(sorted(s.value for s in allowed_from))}",
            ticket_status=ticket.status.value,
            current_version=ticket.version,
        )
    return target


def steps_available(ticket: Ticket) -> list[str]:
    return [step for step, (allowed_from, _) in STEPS.items() if ticket.status in allowed_from]
