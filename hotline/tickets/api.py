"""Ticket endpoints of the JSON API."""
from flask import jsonify, request, url_for
from flask_login import current_user

from hotline.core.api import bp, committed, json_body, via_token
from hotline.core.extensions import db
from hotline.core.idempotency import idempotent
from hotline.core.openapi import operation
from hotline.core.permissions import (
    ADD_NOTE,
    CANCEL_TICKET,
    CREATE_TICKET,
    READ_TICKETS,
    require,
)
from hotline.core.validation import parse, parse_query
from hotline.tickets import services
from hotline.tickets.access import find_tickets, visible_ticket
from hotline.tickets.models import Channel
from hotline.tickets.schemas import (
    NoteCreate,
    NoteOut,
    TicketCancel,
    TicketCreate,
    TicketNumber,
    TicketOut,
    TicketPageOut,
    TicketQuery,
)
from hotline.tickets.serialize import note_view, ticket_detail, ticket_summary


@bp.post("/v1/tickets")
@operation("Create a ticket (log a call); a consultation with an answer is closed at once",
           body=TicketCreate, response=TicketOut, status=201, returns="The new ticket",
           description="Send an `Idempotency-Key` header to make a retry safe: the same key again "
                       "answers the first answer and creates no second ticket.")
@require(CREATE_TICKET)
@idempotent
def create_ticket():
    data = parse(TicketCreate, json_body())
    default_channel = Channel.API if via_token() else Channel.PHONE
    ticket = services.create_ticket(data, current_user, default_channel)
    location = url_for("api.get_ticket", number=ticket.number)
    return committed(ticket_detail(ticket, current_user), 201, {"Location": location})


@bp.get("/v1/tickets")
@operation("List and search tickets, newest first or as `sort` says", query=TicketQuery,
           description="Callers, phones and addresses as you may see them; `q` matches a phone, name or address only "
                       "where you see it in full. A role that sees masked phones searches by `phone` (a full "
                       "number) with a `reason`, kept in the audit log (ticket.phone_search).",
           response=TicketPageOut, returns="A page of tickets")
@require(READ_TICKETS)
def list_tickets():
    query = parse_query(TicketQuery, request.args)
    found = find_tickets(query, current_user)
    answer = jsonify(
        items=[ticket_summary(t, current_user) for t in found.items],
        total=found.total,
        total_capped=found.capped,
        recent_only=found.recent_only,
        page=query.page,
        per_page=query.per_page,
        next=found.next,
    )
    db.session.commit()  # a search by phone with its reason is in the audit log
    return answer


@bp.get("/v1/tickets/<number>")
@operation("One ticket with its timeline and notes", path=TicketNumber, response=TicketOut, returns="The ticket")
@require(READ_TICKETS)
def get_ticket(number: str):
    return jsonify(ticket_detail(visible_ticket(number, current_user), current_user))


@bp.post("/v1/tickets/<number>/notes")
@operation("Add a note to a ticket", path=TicketNumber, body=NoteCreate, response=NoteOut, status=201, returns="The note")
@require(ADD_NOTE)
def add_note(number: str):
    data = parse(NoteCreate, json_body())
    ticket = visible_ticket(number, current_user)
    note = services.add_note(ticket, data.body, current_user)
    return committed(note_view(note), 201)


@bp.post("/v1/tickets/<number>/cancel")
@operation("Cancel a wrong ticket with a reason (nothing is deleted)", path=TicketNumber, body=TicketCancel,
           response=TicketOut, returns="The cancelled ticket")
@require(CANCEL_TICKET)
def cancel_ticket(number: str):
    data = parse(TicketCancel, json_body())
    ticket = visible_ticket(number, current_user)
    services.cancel_ticket(ticket, data.reason, current_user, data.version)
    return committed(ticket_detail(ticket, current_user))
