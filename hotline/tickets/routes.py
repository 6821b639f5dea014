"""Browser pages: the operator console, the ticket list and the ticket page."""
import re
from datetime import date, datetime, time, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from hotline.core import clock

from hotline.core.errors import DomainError, ValidationFailed
from hotline.core.extensions import db
from hotline.core.messages import localize, localize_fields
from hotline.tickets import services
from hotline.tickets.access import find_tickets, visible_ticket
from hotline.tickets.models import Priority, Status
from hotline.tickets.schemas import NoteCreate, TicketCancel, TicketQuery, parse, parse_query
from hotline.tickets.serialize import caller_view
from hotline.sla.panel.views import actionable_ticket, clock_rows, extension_rows, left_text, open_escalations, target_text
from hotline.sla.panel.schemas import ExtensionIn, PauseIn, ReclassifyIn, ReplyIn, ResumeIn
from hotline.sla.engine import services as sla
from hotline.sla.engine.escalations import LADDER
from hotline.sla.models import ExtensionStatus
from hotline.units.models import Unit
from hotline.core.permissions import (
    ADD_NOTE,
    CANCEL_TICKET,
    CREATE_TICKET,
    PAUSE_CLOCKS,
    READ_TICKETS,
    RECLASSIFY,
    REPLY_TO_CALLER,
    REQUEST_EXTENSION,
    can,
    require,
)

bp = Blueprint("tickets", __name__)


@bp.get("/console")
@require(CREATE_TICKET)
def console():
    return render_template(
        "tickets/console.html",
        categories=services.active_categories(),
        priorities=list(Priority),
    )


def _filter_args(args: MultiDict) -> MultiDict:
    """The filter form's values as the query wants them: empty fields dropped, and a day
    (YYYY-MM-DD, center time) made a moment; 'to' includes the whole day."""
    out = MultiDict()
    for key, value in args.items(multi=True):
        if value == "":
            continue
        if key in ("from", "to") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                day = date.fromisoformat(value) + timedelta(days=1 if key == "to" else 0)
                value = datetime.combine(day, time(), tzinfo=clock.center_tz()).isoformat()
            except ValueError:
                pass  # left as typed: the query says what is wrong with it
        out.add(key, value)
    return out


@bp.get("/tickets")
@require(READ_TICKETS)
def ticket_list():
    try:
        query = parse_query(TicketQuery, _filter_args(request.args))
        errors = {}
    except ValidationFailed as exc:
        query, errors = TicketQuery(), localize_fields(exc.fields)
    tickets, total = find_tickets(query, current_user)
    return render_template(
        "tickets/list.html",
        tickets=tickets,
        total=total,
        query=query,
        errors=errors,
        categories=services.active_categories(),
        units=db.session.scalars(db.select(Unit).where(Unit.active).order_by(Unit.name)).all(),
        statuses=list(Status),
        priorities=list(Priority),
        caller_view=caller_view,
    )


@bp.get("/tickets/<number>")
@require(READ_TICKETS)
def ticket_page(number: str):
    return _detail_page(visible_ticket(number, current_user), {})


def _detail_page(ticket, form_errors: dict, failed_form: str | None = None):
    return render_template(
        "tickets/detail.html",
        ticket=ticket,
        caller=caller_view(ticket, current_user),
        can_note=can(ADD_NOTE),
        can_cancel=can(CANCEL_TICKET) and ticket.is_open,
        form_errors=form_errors,
        failed_form=failed_form,
        **_sla_panel(ticket),
    )


def _sla_panel(ticket) -> dict:
    """The SLA panel: each clock, what is pending, and the forms this person may use."""
    rows = clock_rows(ticket)
    current = [r for r in rows if r["cycle"] == ticket.cycle]
    may_act = ticket.is_open and _may_act(ticket)
    extensions = extension_rows(ticket)
    pending = {e.clock.stage.value for e in extensions if e.status == ExtensionStatus.PENDING and e.clock.cycle == ticket.cycle}
    return {
        "sla_clocks": current,
        "sla_earlier": [r for r in rows if r["cycle"] != ticket.cycle],
        "sla_extensions": extensions,
        "sla_escalations": open_escalations(ticket),
        "sla_can_pause": may_act and can(PAUSE_CLOCKS) and any(r["state"] == "running" for r in current),
        "sla_can_resume": may_act and can(PAUSE_CLOCKS) and any(r["state"] == "paused" for r in current),
        "sla_extendable": [
            r["stage"] for r in current
            if r["state"] != "stopped" and not r["overdue"] and r["stage"] not in pending
        ] if may_act and can(REQUEST_EXTENSION) else [],
        "sla_can_reply": may_act and can(REPLY_TO_CALLER),
        "sla_can_reclassify": may_act and can(RECLASSIFY),
        "categories": services.active_categories(),
        "priorities": list(Priority),
        "target_text": target_text,
        "left_text": left_text,
        "ladder": LADDER,
    }


def _may_act(ticket) -> bool:
    """A crew acts only on its own unit's tickets (the same rule the API applies)."""
    try:
        actionable_ticket(ticket.number, current_user)
    except DomainError:
        return False
    return True


def _form_action(number: str, action, form: str | None = None):
    """Run a form action on the ticket page; show the page again with errors beside the
    fields of the form that was sent (`form`), and its input kept."""
    ticket = visible_ticket(number, current_user)
    try:
        action(ticket)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        errors = localize_fields(exc.fields) if isinstance(exc, ValidationFailed) else {"": localize(exc.message)}
        return _detail_page(visible_ticket(number, current_user), errors, form), exc.status
    return redirect(url_for("tickets.ticket_page", number=number))


@bp.post("/tickets/<number>/notes")
@require(ADD_NOTE)
def add_note(number: str):
    def action(ticket):
        data = parse(NoteCreate, {"body": request.form.get("body", "")})
        services.add_note(ticket, data.body, current_user)
        flash(_("Note added."), "ok")

    return _form_action(number, action, "note")


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

    return _form_action(number, action, "cancel")


# --- SLA: the panel's forms (the same rules as /api/v1/tickets/<number>/sla...) ---------------


def _form(*names: str) -> dict:
    """The posted fields, empty ones left out (an optional field left blank is not sent)."""
    return {name: request.form[name].strip() for name in names if request.form.get(name, "").strip()}


def _with_version(data: dict) -> dict:
    version = request.form.get("version", "")
    return {**data, "version": int(version) if version.isdigit() else version or None}


@bp.post("/tickets/<number>/sla/pause")
@require(PAUSE_CLOCKS)
def pause_clocks(number: str):
    def action(ticket):
        data = parse(PauseIn, _form("reason", "stage"))
        sla.pause_ticket(actionable_ticket(ticket.number, current_user), data.reason, current_user, data.stage)
        flash(_("Clocks paused."), "ok")

    return _form_action(number, action, "pause")


@bp.post("/tickets/<number>/sla/resume")
@require(PAUSE_CLOCKS)
def resume_clocks(number: str):
    def action(ticket):
        data = parse(ResumeIn, _form("stage"))
        sla.resume_ticket(actionable_ticket(ticket.number, current_user), current_user, data.stage)
        flash(_("Clocks running again."), "ok")

    return _form_action(number, action, "resume")


@bp.post("/tickets/<number>/sla/extensions")
@require(REQUEST_EXTENSION)
def request_extension(number: str):
    def action(ticket):
        data = parse(ExtensionIn, _form("stage", "minutes", "reason"))
        sla.request_extension(actionable_ticket(ticket.number, current_user), data.stage, data.minutes, data.reason, current_user)
        flash(_("Extension requested: a supervisor decides."), "ok")

    return _form_action(number, action, "extension")


@bp.post("/tickets/<number>/reply")
@require(REPLY_TO_CALLER)
def reply(number: str):
    def action(ticket):
        data = parse(ReplyIn, _with_version(_form("message")))
        services.reply_to_caller(actionable_ticket(ticket.number, current_user), data.message, current_user, data.version)
        flash(_("Reply recorded."), "ok")

    return _form_action(number, action, "reply")


@bp.post("/tickets/<number>/reclassify")
@require(RECLASSIFY)
def reclassify(number: str):
    def action(ticket):
        fields = _form("category", "priority", "reason")
        if "area" in request.form:
            fields["area"] = request.form["area"].strip()
        data = parse(ReclassifyIn, _with_version(fields))
        services.reclassify(
            actionable_ticket(ticket.number, current_user), current_user, data.version,
            category=data.category, priority=data.priority, area=data.area, reason=data.reason,
        )
        flash(_("Reclassified: the deadlines follow the new category and priority."), "ok")

    return _form_action(number, action, "reclassify")
