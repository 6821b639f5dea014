"""The ticket page's SLA panel: its clocks, what is pending, and its forms (the same
rules as /api/v1/tickets/<number>/sla...). The ticket page asks for it through the
`ticket_panels` hook; the forms post here and show the ticket page again on error."""
from flask import Blueprint, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from hotline.core.errors import DomainError
from hotline.core.permissions import (
    PAUSE_CLOCKS,
    RECLASSIFY,
    REPLY_TO_CALLER,
    REQUEST_EXTENSION,
    can,
    require,
)
from hotline.core.validation import parse
from hotline.sla.engine import services as sla
from hotline.sla.engine.escalations import LADDER
from hotline.sla.models import ExtensionStatus
from hotline.sla.panel.schemas import (
    ExtensionIn,
    PauseIn,
    ReclassifyIn,
    ReplyIn,
    ResumeIn,
)
from hotline.sla.panel.views import (
    clock_rows,
    extension_rows,
    left_text,
    open_escalations,
    target_text,
)
from hotline.tickets import services as tickets
from hotline.tickets.access import actionable_ticket
from hotline.tickets.models import Priority
from hotline.tickets.routes import form_action
from hotline.tickets.services import active_categories

bp = Blueprint("ticket_sla", __name__)

TEMPLATE = "sla/_ticket_panel.html"


def sla_panel(ticket, user) -> dict:
    """The SLA panel: each clock, what is pending, and the forms this person may use."""
    rows = clock_rows(ticket)
    current = [r for r in rows if r["cycle"] == ticket.cycle]
    may_act = ticket.is_open and _may_act(ticket, user)
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
        "categories": active_categories(),
        "priorities": list(Priority),
        "target_text": target_text,
        "left_text": left_text,
        "ladder": LADDER,
    }


def _may_act(ticket, user) -> bool:
    """A crew acts only on its own unit's tickets (the same rule the API applies)."""
    try:
        actionable_ticket(ticket.number, user)
    except DomainError:
        return False
    return True


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

    return form_action(number, action, "pause")


@bp.post("/tickets/<number>/sla/resume")
@require(PAUSE_CLOCKS)
def resume_clocks(number: str):
    def action(ticket):
        data = parse(ResumeIn, _form("stage"))
        sla.resume_ticket(actionable_ticket(ticket.number, current_user), current_user, data.stage)
        flash(_("Clocks running again."), "ok")

    return form_action(number, action, "resume")


@bp.post("/tickets/<number>/sla/extensions")
@require(REQUEST_EXTENSION)
def request_extension(number: str):
    def action(ticket):
        data = parse(ExtensionIn, _form("stage", "minutes", "reason"))
        sla.request_extension(actionable_ticket(ticket.number, current_user), data.stage, data.minutes, data.reason, current_user)
        flash(_("Extension requested: a supervisor decides."), "ok")

    return form_action(number, action, "extension")


@bp.post("/tickets/<number>/reply")
@require(REPLY_TO_CALLER)
def reply(number: str):
    def action(ticket):
        data = parse(ReplyIn, _with_version(_form("message")))
        tickets.reply_to_caller(actionable_ticket(ticket.number, current_user), data.message, current_user, data.version)
        flash(_("Reply recorded."), "ok")

    return form_action(number, action, "reply")


@bp.post("/tickets/<number>/reclassify")
@require(RECLASSIFY)
def reclassify(number: str):
    def action(ticket):
        fields = _form("category", "priority", "reason")
        if "area" in request.form:
            fields["area"] = request.form["area"].strip()
        data = parse(ReclassifyIn, _with_version(fields))
        tickets.reclassify(
            actionable_ticket(ticket.number, current_user), current_user, data.version,
            category=data.category, priority=data.priority, area=data.area, reason=data.reason,
        )
        flash(_("Reclassified: the deadlines follow the new category and priority."), "ok")

    return form_action(number, action, "reclassify")
