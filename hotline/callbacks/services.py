"""The callback rules: one callback per resolved cycle, attempts until the caller
is reached (or the attempts run out), and what the answer does to the ticket."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, nulls_last, select
from sqlalchemy.orm import joinedload

from hotline.callbacks.models import (
    SATISFIED,
    Callback,
    CallbackAttempt,
    CallbackStatus,
    Satisfaction,
)
from hotline.core import clock, error_catalog
from hotline.core.errors import Conflict, Problem, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.lookup import get_or_404
from hotline.core.navigation import capped_count
from hotline.core.outbox import add_event
from hotline.sla.models import SlaClock, Stage
from hotline.tickets.models import Status, Ticket
from hotline.tickets.services import close_ticket, reopen_ticket
from hotline.users.models import User

error_catalog.define({
    "callback_done": _l("callback %(id)s is already %(status)s"),
    "say_if_solved": _l("say whether the matter is solved"),
    "record_satisfaction": _l("record how satisfied the caller is"),
    "write_callers_words": _l("write down what the caller said: it goes back to the unit"),
})


def open_callback(ticket: Ticket) -> Callback:
    """Called when a ticket is resolved; due when its callback clock says."""
    now = clock.now()
    due = db.session.scalar(
        select(SlaClock.due_at).where(
            SlaClock.ticket_id == ticket.id, SlaClock.stage == Stage.CALLBACK, SlaClock.cycle == ticket.cycle
        )
    )
    callback = Callback(
        ticket_id=ticket.id, cycle=ticket.cycle, unit_id=ticket.unit_id, category_id=ticket.category_id,
        status=CallbackStatus.PENDING, created_at=now, due_at=due, next_try_at=now, attempts=0,
    )
    db.session.add(callback)
    db.session.flush()
    add_event(db.session, "callback.opened", {"id": callback.id}, [])
    return callback


def queue(due_only: bool = False) -> Select:
    """Pending callbacks, the nearest deadline first (the operators' work list)."""
    stmt = (
        select(Callback)
        .options(joinedload(Callback.ticket).joinedload(Ticket.category), joinedload(Callback.ticket).joinedload(Ticket.caller),
                 joinedload(Callback.unit))
        .where(Callback.status == CallbackStatus.PENDING)
    )
    if due_only:
        stmt = stmt.where(Callback.next_try_at <= clock.now())
    return stmt.order_by(nulls_last(Callback.due_at.asc()), Callback.next_try_at, Callback.id)


def due_count(user=None) -> int:
    """How many callbacks are due to be tried now (the count beside "Callbacks" in the bar)."""
    return capped_count(
        select(Callback.id).where(Callback.status == CallbackStatus.PENDING, Callback.next_try_at <= clock.now())
    )


def get_callback(callback_id: int) -> Callback:
    callback = get_or_404(Callback, callback_id, _l("callback"))
    return callback


def _announce(callback: Callback, actor: User) -> None:
    """`callback.changed` for the other operators' queues, sent after the commit: ids,
    state and who only (the center room hears it; the caller stays on the record)."""
    add_event(db.session, "callback.changed", {
        "id": callback.id, "version": callback.version, "status": callback.status.value,
        "attempts": callback.attempts,
        "next_try_at": callback.next_try_at.isoformat() if callback.status == CallbackStatus.PENDING else None,
        "by": {"username": actor.username, "display_name": actor.display_name},
    }, [])


def record_attempt(
    callback: Callback,
    actor: User,
    expected_version: int | None,
    *,
    reached: bool,
    solved: bool | None = None,
    satisfaction: Satisfaction | None = None,
    words: str | None = None,
) -> CallbackAttempt:
    """One call to the caller. Reached: solved and satisfied closes (归档) the ticket;
    unsolved or dissatisfied reopens it to its unit with the caller's words. Not
    reached: try again later, until the attempts run out."""
    check_version(callback, expected_version, what=_l("callback"))
    if callback.status != CallbackStatus.PENDING:
        raise Conflict("callback_done", id=callback.id, status=callback.status.value)
    if reached:
        problems = {}
        if solved is None:
            problems["solved"] = Problem("say_if_solved")
        if satisfaction is None:
            problems["satisfaction"] = Problem("record_satisfaction")
        if (solved is False or satisfaction == Satisfaction.DISSATISFIED) and not words:
            problems["words"] = Problem("write_callers_words")
        if problems:
            raise ValidationFailed(problems)
    now = clock.now()
    attempt = CallbackAttempt(
        callback_id=callback.id, at=now, operator_id=actor.id, reached=reached,
        solved=solved if reached else None, satisfaction=satisfaction if reached else None, words=words,
    )
    db.session.add(attempt)
    callback.attempts += 1
    ticket = callback.ticket
    if not reached:
        if callback.attempts >= current_app.config.get("CALLBACK_MAX_ATTEMPTS", 3):
            callback.status, callback.done_at = CallbackStatus.UNREACHABLE, now
            if ticket.status == Status.RESOLVED:
                close_ticket(ticket, actor, f"caller not reached after {callback.attempts} attempts")
        else:
            callback.next_try_at = now + timedelta(minutes=current_app.config.get("CALLBACK_RETRY_MINUTES", 60))
        db.session.flush()
        _announce(callback, actor)
        return attempt
    callback.status, callback.done_at = CallbackStatus.DONE, now
    callback.solved, callback.satisfaction = solved, satisfaction
    db.session.flush()
    _announce(callback, actor)
    if ticket.status == Status.RESOLVED:
        if solved and satisfaction in (*SATISFIED, Satisfaction.NEUTRAL):
            close_ticket(ticket, actor, words)
        else:
            reopen_ticket(ticket, words or "", actor)
    return attempt
