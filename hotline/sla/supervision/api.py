"""Supervision endpoints of the JSON API: warnings and breaches, escalations,
extension requests and on-time rates."""
from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from hotline.core import clock
from hotline.core.api import bp, committed, json_body
from hotline.core.errors import NotFound
from hotline.core.events import LiveEvent
from hotline.core.counting import LIST_CAP, count_rows
from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.openapi import operation
from hotline.core.permissions import ACK_ESCALATION, SUPERVISE_SLA, require, scope_for
from hotline.core.validation import parse, parse_query
from hotline.sla.engine import services
from hotline.sla.engine.escalations import LADDER
from hotline.sla.models import Escalation, EscalationStep, Extension, SlaClock
from hotline.sla.supervision import reports
from hotline.sla.supervision.schemas import (
    AlertAck,
    AlertBulkAck,
    AlertQuery,
    EscalationAck,
    EscalationOut,
    EscalationPageOut,
    EscalationQuery,
    ExtensionDecision,
    ExtensionQuery,
    OnTimeQuery,
    OnTimeReportOut,
    SlaAlertListOut,
    SlaAlertOut,
    SlaAlertPageOut,
    SlaExtensionOut,
    SlaExtensionPageOut,
)
from hotline.tickets.models import Ticket
from hotline.users.models import User


def _iso(value):
    return value.isoformat() if value else None


def _person(user: User | None) -> dict | None:
    return {"username": user.username, "name": user.display_name} if user else None


def _last_seq() -> int:
    return db.session.scalar(select(func.max(LiveEvent.seq))) or 0


# ---- warnings and breaches -------------------------------------------------------------------


@bp.get("/v1/sla/alerts")
@operation("SLA warnings and breaches, newest first, filtered (supervisors)", query=AlertQuery,
           response=SlaAlertPageOut, returns="A page of alerts", operation_id="listSlaAlerts")
@require(SUPERVISE_SLA)
def sla_alerts():
    """`seq` is the last live event the list reflects (read first), so a live page
    applies only the sla.* events after it."""
    seq = _last_seq()
    query = parse_query(AlertQuery, request.args)
    items, total, capped, after = reports.alert_page(query)
    return jsonify(
        items=[reports.alert_view(a) for a in items], total=total, total_capped=capped, page=query.page, per_page=query.per_page,
        next=after, seq=seq, now=clock.now().isoformat(),
    )


@bp.post("/v1/sla/alerts/<int:alert_id>/acknowledge")
@operation("Acknowledge a warning or breach, with a comment; the first acknowledgement keeps its person and time",
           body=AlertAck, response=SlaAlertOut, returns="The alert")
@require(SUPERVISE_SLA)
def acknowledge_sla_alert(alert_id: int):
    data = parse(AlertAck, json_body())
    alert = services.acknowledge_alert(alert_id, current_user, data.comment)
    view = reports.alert_view(alert)  # before the commit expires it (see tickets/api.py)
    return committed(view)


@bp.post("/v1/sla/alerts/acknowledge")
@operation("Acknowledge several warnings and breaches at once, with one comment; each as a single "
           "acknowledgement (the first keeps its person and time)", body=AlertBulkAck, response=SlaAlertListOut,
           returns="The alerts", operation_id="acknowledgeSlaAlerts",
           description="All or nothing: an unknown id is a 422 naming it and nothing is acknowledged.")
@require(SUPERVISE_SLA)
def acknowledge_sla_alerts():
    data = parse(AlertBulkAck, json_body())
    alerts = services.acknowledge_alerts(data.ids, current_user, data.comment)
    views = [reports.alert_view(a) for a in alerts]
    return committed({"items": views})


# ---- escalations -----------------------------------------------------------------------------


def _escalation_scope(user: User) -> set[int] | None:
    """Whose escalations a person may see and acknowledge; None: every unit's.

    A crew is the unit on the ladder's first rung: it answers for its own unit's
    tickets only. The dispatch desk sits on that first rung beside every unit and
    keeps the whole center's work in hand, so it may take an escalation on at any
    level it has climbed to (a supervisor who sees level 2 usually asks the desk to
    act); supervisors and managers are the rungs above."""
    return scope_for(user).unit_ids


def _escalation_view(esc: Escalation) -> dict:
    ticket = esc.ticket
    return {
        "id": esc.id,
        "number": ticket.number,
        "priority": ticket.priority.value,
        "category": ticket.category.code if ticket.category else None,
        "unit": ticket.unit.code if ticket.unit else None,
        "reason": esc.reason,
        "level": esc.level,
        "audience": LADDER.get(esc.level),
        "started_at": _iso(esc.started_at),
        "next_at": _iso(esc.next_at),
        "acknowledged_at": _iso(esc.acknowledged_at),
        "acknowledged_by": _person(db.session.get(User, esc.acknowledged_by_id) if esc.acknowledged_by_id else None),
        "steps": [
            {
                "level": s.level,
                "audience": s.audience,
                "at": _iso(s.at),
                "acknowledged_at": _iso(s.acknowledged_at),
                "acknowledged_by": _person(s.acknowledged_by),
                "note": s.note,
            }
            for s in esc.steps
        ],
    }


@bp.get("/v1/sla/escalations")
@operation("Escalations (逐级上报) newest first, with their steps; a crew sees its own unit's only",
           query=EscalationQuery, response=EscalationPageOut, returns="A page of escalations", operation_id="listEscalations")
@require(ACK_ESCALATION)
def sla_escalations():
    query = parse_query(EscalationQuery, request.args)
    stmt = select(Escalation).join(Ticket, Ticket.id == Escalation.ticket_id)
    scope = _escalation_scope(current_user)
    if scope is not None:
        stmt = stmt.where(Ticket.unit_id.in_(scope or {-1}))
    if query.open:
        stmt = stmt.where(Escalation.acknowledged_at.is_(None))
    total = count_rows(stmt, LIST_CAP)
    rows = db.session.scalars(
        stmt.options(
            joinedload(Escalation.ticket).joinedload(Ticket.category),
            joinedload(Escalation.ticket).joinedload(Ticket.unit),
            selectinload(Escalation.steps).joinedload(EscalationStep.acknowledged_by),
        )
        .order_by(Escalation.started_at.desc(), Escalation.id.desc())
        .limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).unique().all()
    return jsonify(items=[_escalation_view(e) for e in rows], total=min(total, LIST_CAP), total_capped=total > LIST_CAP,
                   page=query.page, per_page=query.per_page)


@bp.post("/v1/sla/escalations/<int:esc_id>/acknowledge")
@operation("Take an escalation on: it stops climbing; the step records who and when", body=EscalationAck,
           response=EscalationOut, returns="The escalation", operation_id="acknowledgeEscalation")
@require(ACK_ESCALATION)
def acknowledge_sla_escalation(esc_id: int):
    data = parse(EscalationAck, json_body())
    esc = db.session.get(Escalation, esc_id)
    scope = _escalation_scope(current_user)
    if esc is None or (scope is not None and esc.ticket.unit_id not in scope):
        raise NotFound("not_found", what=_l("escalation"), id=esc_id)  # not 403: do not confirm it exists
    services.acknowledge_escalation(esc_id, current_user, data.note)
    view = _escalation_view(esc)
    return committed(view)


# ---- extensions (延期) ---------------------------------------------------------------------------


def _extension_view(ext: Extension) -> dict:
    c: SlaClock = ext.clock
    ticket = c.ticket
    return {
        "id": ext.id,
        "number": ticket.number,
        "priority": ticket.priority.value,
        "category": ticket.category.code if ticket.category else None,
        "unit": ticket.unit.code if ticket.unit else None,
        "stage": c.stage.value,
        "due_at": _iso(c.due_at),
        "minutes": ext.minutes,
        "reason": ext.reason,
        "status": ext.status.value,
        "requested_at": _iso(ext.requested_at),
        "requested_by": _person(ext.requested_by),
        "decided_at": _iso(ext.decided_at),
        "decided_by": _person(ext.decided_by),
        "decision_note": ext.decision_note,
    }


@bp.get("/v1/sla/extensions")
@operation("Extension requests (延期), newest first", query=ExtensionQuery, response=SlaExtensionPageOut,
           returns="A page of extension requests", operation_id="listSlaExtensions")
@require(SUPERVISE_SLA)
def sla_extensions():
    query = parse_query(ExtensionQuery, request.args)
    stmt = select(Extension)
    if query.status:
        stmt = stmt.where(Extension.status == query.status)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.options(
            joinedload(Extension.clock).joinedload(SlaClock.ticket),
            joinedload(Extension.requested_by),
            joinedload(Extension.decided_by),
        )
        .order_by(Extension.requested_at.desc(), Extension.id.desc())
        .limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).all()
    return jsonify(items=[_extension_view(e) for e in rows], total=total, page=query.page, per_page=query.per_page)


@bp.post("/v1/sla/extensions/<int:ext_id>/decision")
@operation("Approve (the deadline moves) or refuse a pending extension request", body=ExtensionDecision,
           response=SlaExtensionOut, returns="The decided request", errors=[409])
@require(SUPERVISE_SLA)
def decide_sla_extension(ext_id: int):
    data = parse(ExtensionDecision, json_body())
    ext = services.decide_extension(services.get_extension(ext_id), data.approve, data.note, current_user)
    view = _extension_view(ext)
    return committed(view)


# ---- on-time rates -----------------------------------------------------------------------------


@bp.get("/v1/sla/on-time")
@operation("On-time rates per unit or category and stage for clocks stopped in the period (default: the last 7 days), "
           "and running clocks overdue now", query=OnTimeQuery, response=OnTimeReportOut, returns="The report")
@require(SUPERVISE_SLA)
def sla_on_time():
    query = parse_query(OnTimeQuery, request.args)
    return jsonify(reports.on_time(query, clock.now(), current_locale()))
