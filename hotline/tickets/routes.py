"""Browser pages: the operator console, the ticket list and the ticket page."""
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hotline.callers.privacy import (
    address_for,
    needs_reason_to_search_phone,
)
from hotline.core import signals
from hotline.core.errors import DomainError, ValidationFailed, page_errors
from hotline.core.extensions import db
from hotline.core.navigation import may_open
from hotline.core.permissions import (
    ADD_NOTE,
    CANCEL_TICKET,
    CREATE_TICKET,
    READ_TICKETS,
    can,
    require,
)
from hotline.core.validation import parse, parse_query
from hotline.core.web import filter_args
from hotline.tickets import services
from hotline.tickets.access import find_tickets, visible_ticket
from hotline.tickets.columns import list_columns
from hotline.tickets.fulltext import RECENT_WINDOW
from hotline.tickets.models import Priority, Status
from hotline.tickets.schemas import NoteCreate, TicketCancel, TicketQuery
from hotline.tickets.serialize import caller_view, facts_for
from hotline.tickets.sorting import DEFAULT, SortDir, default_dir
from hotline.units.models import Unit

bp = Blueprint("tickets", __name__)


@bp.get("/console")
@require(CREATE_TICKET)
def console():
    return render_template(
        "tickets/console.html",
        categories=services.active_categories(),
        priorities=list(Priority),
    )


@dataclass(frozen=True)
class SortState:
    """The list's order, and where a click on a column's heading leads."""

    key: str
    dir: SortDir

    def next_dir(self, key: str) -> SortDir:
        if key != self.key:
            return default_dir(key)
        return SortDir.ASC if self.dir == SortDir.DESC else SortDir.DESC

    def aria(self, key: str) -> str | None:
        if key != self.key:
            return None
        return "ascending" if self.dir == SortDir.ASC else "descending"


@bp.get("/tickets")
@require(READ_TICKETS)
def ticket_list():
    try:
        query = parse_query(TicketQuery, filter_args(request.args))
        found = find_tickets(query, current_user)
        errors = {}
    except ValidationFailed as exc:
        db.session.rollback()
        query, errors = TicketQuery(), page_errors(exc)
        found = find_tickets(query, current_user)
    tickets = found.items
    columns = list_columns().values()
    page = render_template(
        "tickets/list.html",
        tickets=tickets,
        found=found,
        recent_window=RECENT_WINDOW,
        query=query,
        errors=errors,
        sort=SortState(query.sort or DEFAULT, query.dir or default_dir(query.sort or DEFAULT)),
        columns=[(c, c.values(tickets)) for c in columns],
        categories=services.active_categories(),
        units=db.session.scalars(db.select(Unit).where(Unit.active).order_by(Unit.name)).all(),
        statuses=list(Status),
        priorities=list(Priority),
        caller_view=caller_view,
        address_for=address_for,
        phone_needs_reason=needs_reason_to_search_phone(current_user),
    )
    db.session.commit()  # a search by phone with its reason is in the audit log
    return page


@bp.get("/tickets/<number>")
@require(READ_TICKETS)
def ticket_page(number: str):
    return _detail_page(visible_ticket(number, current_user), {})


def ticket_panels(ticket, user) -> dict:
    """The panels other domains add to the ticket page (the SLA clocks, ...)."""
    templates, context = [], {}
    for _receiver, (template, values) in signals.ticket_panels.send(ticket, user=user):
        templates.append(template)
        context.update(values)
    return {"panel_templates": templates, **context}


def _detail_page(ticket, form_errors: dict, failed_form: str | None = None):
    return render_template(
        "tickets/detail.html",
        ticket=ticket,
        caller=caller_view(ticket, current_user),
        address=address_for(current_user, ticket),
        facts=facts_for(ticket, current_user),
        can_note=can(ADD_NOTE),
        can_cancel=can(CANCEL_TICKET) and ticket.is_open,
        form_errors=form_errors,
        failed_form=failed_form,
        work_order_print=_work_order_print(ticket),
        **ticket_panels(ticket, current_user),
    )


def _work_order_print(ticket) -> str | None:
    """The printed work order's address (dispatch's page), for a dispatched ticket and
    whoever may open that page."""
    endpoint = "dispatch.work_order_print"
    if ticket.dispatched_at is None or not may_open(current_user, endpoint):
        return None
    return url_for(endpoint, number=ticket.number)


def form_action(number: str, action, form: str | None = None):
    """Run a form action on the ticket page; show the page again with errors beside the
    fields of the form that was sent (`form`), and its input kept."""
    ticket = visible_ticket(number, current_user)
    try:
        action(ticket)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _detail_page(visible_ticket(number, current_user), page_errors(exc), form), exc.status
    return redirect(url_for("tickets.ticket_page", number=number))


@bp.post("/tickets/<number>/notes")
@require(ADD_NOTE)
def add_note(number: str):
    def action(ticket):
        data = parse(NoteCreate, {"body": request.form.get("body", "")})
        services.add_note(ticket, data.body, current_user)
        flash(_("Note added."), "ok")

    return form_action(number, action, "note")


@bp.post("/tickets/<number>/cancel")
@require(CANCEL_TICKET)
def cancel(number: str):
    def action(ticket):
        version = request.form.get("version", "")
        data = parse(
            TicketCancel,
            {"reason": request.form.get("reason", ""), "version": int(version) if version.isdigit() else None},
        )
        services.cancel_ticket(ticket, data.reason, current_user, data.version)
        flash(_("Ticket cancelled."), "ok")

    return form_action(number, action, "cancel")
