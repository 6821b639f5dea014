"""Roster endpoints of the JSON API: shift templates, the month grid, publishing,
swap and leave requests, and who is on which shift."""
from datetime import date

from flask import current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from hotline.core import clock
from hotline.core.api import bp, json_body
from hotline.core.errors import Problem, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.permissions import (
    DRAW_ROSTER,
    MANAGE_DUTY_SETUP,
    READ_ROSTER,
    require,
)
from hotline.core.validation import parse
from hotline.duty.rosters import requests as shift_requests
from hotline.duty.rosters import services
from hotline.duty.rosters.models import RequestStatus, ShiftRequest, ShiftTemplate
from hotline.duty.rosters.schemas import (
    CellIn,
    DecisionIn,
    PublishIn,
    ShiftRequestIn,
    ShiftTemplateIn,
    WithdrawIn,
)


def template_view(t: ShiftTemplate) -> dict:
    return {
        "code": t.code,
        "name_en": t.name_en,
        "name_zh": t.name_zh,
        "name": t.name(current_locale()),
        "starts": t.starts.strftime("%H:%M"),
        "ends": t.ends.strftime("%H:%M"),
        "overnight": t.overnight,
        "sort_order": t.sort_order,
        "active": t.active,
        "version": t.version,
        "staffing": [{"role": s.role.value, "min": s.min_count, "max": s.max_count} for s in t.staffing],
    }


def person(u) -> dict | None:
    return {"username": u.username, "name": u.display_name, "role": u.role.value} if u else None


def roster_view(month: date) -> dict:
    roster = services.roster_of(month)
    days = services.month_days(month)
    grid = services.cells(days[0], days[-1])
    templates = services.active_templates()
    return {
        "month": f"{month:%Y-%m}",
        "timezone": current_app.config["HOTLINE_TIMEZONE"],  # times below are shown in the center's zone
        "today": clock.local().date().isoformat(),
        "status": roster.status.value if roster else "none",
        "version": roster.version if roster else None,
        "published_at": roster.published_at.isoformat() if roster and roster.published_at else None,
        "published_by": person(roster.published_by) if roster else None,
        "shifts": [template_view(t) for t in templates],
        "days": [d.isoformat() for d in days],
        "cells": {
            d.isoformat(): {t.code: [u.username for u in grid.get((d, t.id), [])] for t in templates} for d in days
        },
        "staff": [person(u) for u in services.rosterable_staff()],
        "coverage": services.coverage(month).view(),
        "history": [
            {
                "at": c.at.isoformat(),
                "actor": person(c.actor),
                "kind": c.kind,
                "day": c.day.isoformat() if c.day else None,
                "shift": c.template.code if c.template else None,
                "changes": c.changes,
                "reason": c.reason,
                "request": c.request_id,
            }
            for c in (services.history(roster)[:50] if roster else [])
        ],
    }


def request_view(r: ShiftRequest) -> dict:
    return {
        "id": r.id,
        "kind": r.kind.value,
        "status": r.status.value,
        "version": r.version,
        "requester": person(r.requester),
        "day": r.day.isoformat(),
        "shift": r.template.code,
        "partner": person(r.partner),
        "partner_day": r.partner_day.isoformat() if r.partner_day else None,
        "partner_shift": r.partner_template.code if r.partner_template else None,
        "substitute": person(r.substitute),
        "reason": r.reason,
        "created_at": r.created_at.isoformat(),
        "decided_at": r.decided_at.isoformat() if r.decided_at else None,
        "decided_by": person(r.decided_by),
        "decision_note": r.decision_note,
    }


@bp.get("/v1/shift-templates")
@require(READ_ROSTER | MANAGE_DUTY_SETUP)
def list_shift_templates():
    items = db.session.scalars(select(ShiftTemplate).order_by(ShiftTemplate.sort_order, ShiftTemplate.starts)).all()
    return jsonify(items=[template_view(t) for t in items], around_the_clock=services.covers_whole_day(services.active_templates()))


@bp.post("/v1/shift-templates")
@require(MANAGE_DUTY_SETUP)
def save_shift_template():
    data = parse(ShiftTemplateIn, json_body())
    existing = db.session.scalar(select(ShiftTemplate).where(ShiftTemplate.code == data.code))
    if existing is None:
        template = services.create_template(data)
    else:  # never overwrite a shift the caller has not seen: the version is required
        check_version(existing, data.version, what=_l("shift"), ident=data.code, required=True)
        template = services.update_template(existing.id, data, data.version)
    db.session.commit()
    return jsonify(template_view(template)), 201 if existing is None else 200


@bp.get("/v1/rosters/<month>")
@require(READ_ROSTER)
def get_roster(month: str):
    return jsonify(roster_view(services.parse_month(month)))


@bp.post("/v1/rosters/<month>/cells")
@require(DRAW_ROSTER)
def set_roster_cell(month: str):
    first = services.parse_month(month)
    data = parse(CellIn, json_body())
    template = services.find_template(data.shift)
    people = [services.find_staff(name, f"people.{i}") for i, name in enumerate(data.people)]
    services.set_cell(first, data.day, template, people, current_user, data.version, data.reason)
    db.session.commit()
    return jsonify(roster_view(first))


@bp.post("/v1/rosters/<month>/publish")
@require(DRAW_ROSTER)
def publish_roster(month: str):
    first = services.parse_month(month)
    data = parse(PublishIn, json_body())
    services.publish(first, current_user, data.version, data.confirm_gaps, data.override_reason)
    db.session.commit()
    return jsonify(roster_view(first))


@bp.get("/v1/shift-requests")
@require(READ_ROSTER)
def list_shift_requests():
    status = request.args.get("status")
    if status and status not in RequestStatus.__members__.values():
        raise ValidationFailed({"status": Problem(
            "not_allowed_value", english="Input should be 'pending', 'approved', 'refused' or 'withdrawn'")})
    items = shift_requests.visible_requests(current_user, RequestStatus(status) if status else None)
    return jsonify(items=[request_view(r) for r in items])


@bp.post("/v1/shift-requests")
@require(READ_ROSTER)
def file_shift_request():
    data = parse(ShiftRequestIn, json_body())
    template = services.find_template(data.shift)
    partner = services.find_staff(data.partner, "partner") if data.partner else None
    partner_template = services.find_template(data.partner_shift, "partner_shift") if data.partner_shift else None
    r = shift_requests.file_request(current_user, data.kind, data.day, template, data.reason,
                                    partner, data.partner_day, partner_template)
    db.session.commit()
    return jsonify(request_view(r)), 201


@bp.post("/v1/shift-requests/<int:request_id>/decision")
@require(DRAW_ROSTER)
def decide_shift_request(request_id: int):
    data = parse(DecisionIn, json_body())
    r = shift_requests.get_request(request_id)
    substitute = services.find_staff(data.substitute, "substitute") if data.substitute else None
    shift_requests.decide(r, current_user, data.approve, data.version, substitute, data.note)
    db.session.commit()
    return jsonify(request_view(r))


@bp.post("/v1/shift-requests/<int:request_id>/withdraw")
@require(READ_ROSTER)
def withdraw_shift_request(request_id: int):
    data = parse(WithdrawIn, json_body())
    r = shift_requests.get_request(request_id)
    shift_requests.withdraw(r, current_user, data.version)
    db.session.commit()
    return jsonify(request_view(r))
