"""Roster endpoints of the JSON API: shift templates, the month grid, publishing,
swap and leave requests, and who is on which shift."""
from datetime import date

from flask import current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from hotline.core import clock
from hotline.core.api import bp, committed, json_body
from hotline.core.errors import Problem, ValidationFailed, check_version
from hotline.core.extensions import db
from hotline.core.i18n import current_locale
from hotline.core.openapi import operation
from hotline.core.permissions import (
    DRAW_ROSTER,
    MANAGE_DUTY_SETUP,
    READ_ROSTER,
    require,
)
from hotline.core.validation import parse
from hotline.duty.rosters import doubles, planning, services
from hotline.duty.rosters import requests as shift_requests
from hotline.duty.rosters.models import RequestStatus, ShiftRequest, ShiftTemplate
from hotline.duty.rosters.schemas import (
    CellIn,
    CopyIn,
    DecisionIn,
    DoubleShiftIn,
    DoubleShiftQuery,
    MonthPath,
    PublishIn,
    RotationIn,
    ShiftRequestIn,
    ShiftRequestQuery,
    ShiftTemplateIn,
    WithdrawIn,
)

_CONFLICT = {409: "Stale version, or refused by a rule; `code` says which (gaps, nobody_on_duty, coverage, overlap, "
                  "double_shift: a back-to-back double shift 连班 nobody approved, with `double_shift` naming the "
                  "person and both shifts...)"}


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
@operation("Shift templates with their head counts per role; whether they cover 24 hours", returns="Templates")
@require(READ_ROSTER | MANAGE_DUTY_SETUP)
def list_shift_templates():
    items = db.session.scalars(select(ShiftTemplate).order_by(ShiftTemplate.sort_order, ShiftTemplate.starts)).all()
    return jsonify(items=[template_view(t) for t in items], around_the_clock=services.covers_whole_day(services.active_templates()))


@bp.post("/v1/shift-templates")
@operation("Create a shift template (201), or change the one with this code given the version you saw (200; 409 when "
           "stale or missing); ends at or before starts: ends the next day", body=ShiftTemplateIn,
           status={201: "The new template", 200: "The template, changed"})
@require(MANAGE_DUTY_SETUP)
def save_shift_template():
    data = parse(ShiftTemplateIn, json_body())
    existing = db.session.scalar(select(ShiftTemplate).where(ShiftTemplate.code == data.code))
    if existing is None:
        template = services.create_template(data)
    else:  # never overwrite a shift the caller has not seen: the version is required
        check_version(existing, data.version, what=_l("shift"), ident=data.code, required=True)
        template = services.update_template(existing.id, data, data.version)
    return committed(template_view(template), 201 if existing is None else 200)


@bp.get("/v1/rosters/<month>")
@operation("The month roster 排班表: days x shifts with the people in each cell, coverage gaps, the hours with nobody "
           "on duty (24-hour center), history", path=MonthPath, returns="The roster",
           errors={422: "Not a month (YYYY-MM)"}, never=[404])
@require(READ_ROSTER)
def get_roster(month: str):
    return jsonify(roster_view(services.parse_month(month)))


@bp.post("/v1/rosters/<month>/cells")
@operation("Draw one cell: exactly these people on this shift of this day (supervisor; recorded)", path=MonthPath,
           body=CellIn, returns="The roster", errors=_CONFLICT, never=[404])
@require(DRAW_ROSTER)
def set_roster_cell(month: str):
    first = services.parse_month(month)
    data = parse(CellIn, json_body())
    template = services.find_template(data.shift)
    people = [services.find_staff(name, f"people.{i}") for i, name in enumerate(data.people)]
    services.set_cell(first, data.day, template, people, current_user, data.version, data.reason)
    return committed(roster_view(first))


@bp.post("/v1/rosters/<month>/publish")
@operation("Publish the month: gaps need confirm_gaps; nobody on duty in a 24-hour center needs override_reason "
           "(recorded)", path=MonthPath, body=PublishIn, returns="The published roster", errors=_CONFLICT)
@require(DRAW_ROSTER)
def publish_roster(month: str):
    first = services.parse_month(month)
    data = parse(PublishIn, json_body())
    services.publish(first, current_user, data.version, data.confirm_gaps, data.override_reason)
    return committed(roster_view(first))


@bp.get("/v1/shift-requests")
@operation("Swap and leave requests: a supervisor sees all, others their own (?status=pending...)",
           query=ShiftRequestQuery, returns="Requests")
@require(READ_ROSTER)
def list_shift_requests():
    items = shift_requests.visible_requests(current_user, _status_arg(request.args.get("status")))
    return jsonify(items=[request_view(r) for r in items])


@bp.post("/v1/shift-requests")
@operation("File a swap 调班 or leave 请假 request for one's own shift; waits for a supervisor", body=ShiftRequestIn,
           status=201, returns="The request", errors=_CONFLICT)
@require(READ_ROSTER)
def file_shift_request():
    data = parse(ShiftRequestIn, json_body())
    template = services.find_template(data.shift)
    partner = services.find_staff(data.partner, "partner") if data.partner else None
    partner_template = services.find_template(data.partner_shift, "partner_shift") if data.partner_shift else None
    r = shift_requests.file_request(current_user, data.kind, data.day, template, data.reason,
                                    partner, data.partner_day, partner_template)
    return committed(request_view(r), 201)


@bp.post("/v1/shift-requests/<int:request_id>/decision")
@operation("Approve (re-checks coverage, then changes the roster) or refuse; a leave names the substitute 顶班",
           body=DecisionIn, returns="The decided request", errors=_CONFLICT)
@require(DRAW_ROSTER)
def decide_shift_request(request_id: int):
    data = parse(DecisionIn, json_body())
    r = shift_requests.get_request(request_id)
    substitute = services.find_staff(data.substitute, "substitute") if data.substitute else None
    shift_requests.decide(r, current_user, data.approve, data.version, substitute, data.note)
    return committed(request_view(r))


@bp.post("/v1/shift-requests/<int:request_id>/withdraw")
@operation("Withdraw one's own pending request", body=WithdrawIn, returns="The request", errors=_CONFLICT)
@require(READ_ROSTER)
def withdraw_shift_request(request_id: int):
    data = parse(WithdrawIn, json_body())
    r = shift_requests.get_request(request_id)
    shift_requests.withdraw(r, current_user, data.version)
    return committed(request_view(r))


def _status_arg(status: str | None) -> RequestStatus | None:
    if status and status not in RequestStatus.__members__.values():
        raise ValidationFailed({"status": Problem(
            "not_allowed_value", english="Input should be 'pending', 'approved', 'refused' or 'withdrawn'")})
    return RequestStatus(status) if status else None


@bp.post("/v1/rosters/<month>/copy-previous")
@operation("Copy last month's roster into this month by weekday (each day takes the people of the same weekday four "
           "weeks earlier). Only adds: cells already drawn are kept and every placement not made is listed in "
           "`plan.skipped` with its code (cell_taken, overlap_skipped, double_shift...)", path=MonthPath, body=CopyIn,
           returns="The roster and the plan", errors=_CONFLICT, never=[404])
@require(DRAW_ROSTER)
def copy_previous_month(month: str):
    first = services.parse_month(month)
    data = parse(CopyIn, json_body())
    plan = planning.copy_previous_month(first, current_user, data.version)
    return committed({**roster_view(first), "plan": plan.view()})


@bp.post("/v1/roster-rotations")
@operation("Lay a rotation (e.g. 白班-中班-夜班-休) over a group of people from `start` to `end` (62 days at most); "
           "only adds, and lists in `skipped` what it left as it was or a rule refused (busy_that_day, double_shift...)",
           body=RotationIn, returns="The plan", errors=_CONFLICT)
@require(DRAW_ROSTER)
def apply_rotation():
    data = parse(RotationIn, json_body())
    plan = planning.apply_rotation(data.people, data.pattern, data.start, data.end, current_user, data.stagger)
    return committed(plan.view())


@bp.get("/v1/double-shifts")
@operation("Back-to-back double shifts (连班) asked for and decided (?status=pending...)", query=DoubleShiftQuery,
           returns="Double shifts")
@require(DRAW_ROSTER)
def list_double_shifts():
    return jsonify(items=[doubles.view(r) for r in doubles.listed(_status_arg(request.args.get("status")))])


@bp.post("/v1/double-shifts")
@operation("Ask another supervisor to approve one double shift (连班) of a person: two shifts with less than the "
           "required rest between them (water hotline rules 1.5)", body=DoubleShiftIn, status=201,
           returns="The request", errors=_CONFLICT)
@require(DRAW_ROSTER)
def ask_double_shift():
    data = parse(DoubleShiftIn, json_body())
    user = services.find_staff(data.user, "user")
    first = (data.first_day, services.find_template(data.first_shift, "first_shift"))
    second = (data.second_day, services.find_template(data.second_shift, "second_shift"))
    row = doubles.ask(user, first, second, data.reason, current_user)
    return committed(doubles.view(row), 201)


@bp.post("/v1/double-shifts/<int:ident>/decision")
@operation("Approve or refuse a double shift (连班): not the person who would work it, not the one who asked "
           "(403 own_request); audited", body=DecisionIn, returns="The decided request", errors=_CONFLICT)
@require(DRAW_ROSTER)
def decide_double_shift(ident: int):
    data = parse(DecisionIn, json_body())
    if data.substitute:
        raise ValidationFailed.at("substitute", "substitute_for_leave_only")
    row = doubles.decide(doubles.get(ident), current_user, data.approve, data.version, data.note)
    return committed(doubles.view(row))
