"""SLA settings in the JSON API: policies, working calendars with their exception days
and a deadline preview, areas. Admins edit; supervisors and managers read."""
from datetime import date

from flask import jsonify, request
from flask_babel import lazy_gettext as _l

from hotline.core import error_catalog
from hotline.core.api import bp, json_body
from hotline.core.errors import NotFound
from hotline.core.extensions import db
from hotline.core.permissions import MANAGE_SETTINGS, READ_SLA_SETTINGS, require
from hotline.core.validation import parse, parse_query
from hotline.sla.settings import services as svc
from hotline.sla.settings.schemas import (
    AreaIn,
    AreaUpdate,
    CalendarDayIn,
    CalendarIn,
    CalendarUpdate,
    PolicyIn,
    PolicyUpdate,
    PreviewQuery,
)

error_catalog.define({"not_a_day": _l("'%(day)s' is not a date (YYYY-MM-DD)")})


@bp.get("/v1/sla/policies")
@require(READ_SLA_SETTINGS)
def sla_policies():
    return jsonify(items=[svc.policy_view(p) for p in svc.all_policies()])


@bp.post("/v1/sla/policies")
@require(MANAGE_SETTINGS)
def create_sla_policy():
    policy = svc.create_policy(parse(PolicyIn, json_body()))
    db.session.commit()
    return jsonify(svc.policy_view(policy)), 201


@bp.put("/v1/sla/policies/<int:policy_id>")
@require(MANAGE_SETTINGS)
def update_sla_policy(policy_id: int):
    policy = svc.update_policy(policy_id, parse(PolicyUpdate, json_body()))
    db.session.commit()
    return jsonify(svc.policy_view(policy))


@bp.get("/v1/sla/calendars")
@require(READ_SLA_SETTINGS)
def sla_calendars():
    return jsonify(items=[svc.calendar_view(c) for c in svc.all_calendars()])


@bp.post("/v1/sla/calendars")
@require(MANAGE_SETTINGS)
def create_sla_calendar():
    calendar = svc.create_calendar(parse(CalendarIn, json_body()))
    db.session.commit()
    return jsonify(svc.calendar_view(calendar)), 201


@bp.put("/v1/sla/calendars/<int:calendar_id>")
@require(MANAGE_SETTINGS)
def update_sla_calendar(calendar_id: int):
    calendar = svc.update_calendar(calendar_id, parse(CalendarUpdate, json_body()))
    db.session.commit()
    return jsonify(svc.calendar_view(calendar))


@bp.post("/v1/sla/calendars/<int:calendar_id>/days")
@require(MANAGE_SETTINGS)
def put_sla_calendar_day(calendar_id: int):
    row = svc.put_day(calendar_id, parse(CalendarDayIn, json_body()))
    db.session.commit()
    return jsonify(svc.calendar_view(row.calendar)), 201


@bp.delete("/v1/sla/calendars/<int:calendar_id>/days/<day>")
@require(MANAGE_SETTINGS)
def remove_sla_calendar_day(calendar_id: int, day: str):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise NotFound("not_a_day", day=day) from None
    calendar = svc.remove_day(calendar_id, parsed)
    db.session.commit()
    return jsonify(svc.calendar_view(calendar))


@bp.get("/v1/sla/calendars/<int:calendar_id>/preview")
@require(READ_SLA_SETTINGS)
def preview_sla_calendar(calendar_id: int):
    calendar = svc.get_calendar(calendar_id)
    query = parse_query(PreviewQuery, request.args)
    return jsonify(svc.preview(calendar, query.start, query.minutes))


@bp.get("/v1/areas")
@require(READ_SLA_SETTINGS)
def areas():
    return jsonify(items=[svc.area_view(a) for a in svc.all_areas()])


@bp.post("/v1/areas")
@require(MANAGE_SETTINGS)
def create_area():
    area = svc.create_area(parse(AreaIn, json_body()))
    db.session.commit()
    return jsonify(svc.area_view(area)), 201


@bp.put("/v1/areas/<int:area_id>")
@require(MANAGE_SETTINGS)
def update_area(area_id: int):
    area = svc.update_area(area_id, parse(AreaUpdate, json_body()))
    db.session.commit()
    return jsonify(svc.area_view(area))
