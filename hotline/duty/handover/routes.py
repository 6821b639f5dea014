"""Browser pages of the handover: the list with standing items, one handover (prepare,
review, sign), its print view, and the checklist settings. Actions go through the
JSON API (static/js/handover.js); these pages only read."""
from datetime import datetime

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from hotline.core import clock
from hotline.core.errors import Problem, ValidationFailed, page_errors, say
from hotline.core.extensions import db
from hotline.core.i18n import local_time
from hotline.core.permissions import HANDOVER, MANAGE_CHECKLIST, require
from hotline.core.validation import parse_query
from hotline.core.web import filter_args
from hotline.duty.handover import checksum, services, standing
from hotline.duty.handover.models import (
    Handover,
    HandoverStatus,
    ItemKind,
    Review,
    StandingKind,
)
from hotline.duty.handover.search import HandoverQuery, find_handovers
from hotline.duty.handover.services import REASONS, SUPERVISORS, blockers
from hotline.duty.handover.timing import timing
from hotline.users.models import Role, User

bp = Blueprint("handover", __name__)

SHIFT_ROLES = (Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.MANAGER)


@bp.get("/handover")
@require(HANDOVER)
def index():
    try:
        query = parse_query(HandoverQuery, filter_args(request.args))
        errors = {}
    except ValidationFailed as exc:
        query, errors = HandoverQuery(), page_errors(exc)
    handovers, total = find_handovers(query)
    mine = db.session.scalars(
        select(Handover).where(
            Handover.status == HandoverStatus.DRAFT,
            or_(Handover.outgoing_id == current_user.id, Handover.incoming_id == current_user.id),
        )
    ).all()
    return render_template(
        "handover/index.html",
        handovers=handovers, total=total, query=query, errors=errors, mine=mine,
        standing=standing.open_standing_items(), standing_kinds=list(StandingKind),
        people=_people(),
    )


def _people() -> list[User]:
    return db.session.scalars(
        select(User).where(User.active, User.role.in_(SHIFT_ROLES), User.id != current_user.id).order_by(User.display_name)
    ).all()


def _sections(h: Handover) -> dict:
    return {
        "tickets": [i for i in h.items if i.kind == ItemKind.TICKET],
        "standing": [i for i in h.items if i.kind == ItemKind.STANDING],
        "handled": [i for i in h.items if i.kind == ItemKind.HANDLED],
    }


@bp.get("/handover/<int:handover_id>")
@require(HANDOVER)
def page(handover_id: int):
    h = services.get_handover(handover_id)
    draft = not h.is_signed
    return render_template(
        "handover/page.html",
        h=h, **_sections(h), timing=timing(h, clock.now()),
        to_review=sum(1 for i in h.items if i.kind != ItemKind.HANDLED and i.review == Review.PENDING),
        blockers=blockers(h) if draft else [], reason_text=reason_texts(),
        verification=checksum.verify(h) if h.is_signed else None,
        can_prepare=draft and (current_user.id == h.outgoing_id or current_user.role in SUPERVISORS),
        can_review=draft and current_user.id == h.incoming_id,
        can_override=draft and current_user.role in SUPERVISORS,
        people=_people() if draft else [],
    )


@bp.get("/handover/<int:handover_id>/print")
@require(HANDOVER)
def print_view(handover_id: int):
    h = services.get_handover(handover_id)
    return render_template(
        "handover/print.html", h=h, **_sections(h), timing=timing(h, clock.now()),
        verification=checksum.verify(h) if h.is_signed else None,
    )


@bp.get("/handover/checklist")
@require(MANAGE_CHECKLIST)
def checklist():
    return render_template("handover/checklist.html", lines=standing.all_checklist())


@bp.app_template_filter("iso_local_time")
def _iso_local_time(value: str | None, fmt: str = "MM-dd HH:mm") -> str:
    """A snapshot's ISO time (items keep their text as JSON) in the reader's zone."""
    return local_time(datetime.fromisoformat(value), fmt) if value else ""


@bp.app_template_global()
def step_source(source: str | None) -> str:
    """Where a proposed next step came from, for the line under it."""
    kind, ident = (source or ":").split(":", 1)
    if kind == "handover":
        return _("Proposed from handover #%(id)s: check or rewrite it.", id=ident)
    if kind == "note":
        return _("Proposed from the ticket's latest note: check or rewrite it.")
    return ""


@bp.app_template_global()
def reason_texts() -> dict:
    """The refusal reasons by code, in the reader's language, for the page's script."""
    return {code: say(Problem(code)) for code in REASONS}
