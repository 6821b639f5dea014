"""SLA settings in the JSON API: policies, working calendars with their exception days
and a deadline preview, areas. Admins edit; supervisors and managers read."""
from datetime import date

from flask import jsonify, request
from flask_babel import lazy_gettext as _l

from hotline.core.api import bp, committed, json_body
from hotline.core import error_catalog
from hotline.core.errors import NotFound
from hotline.core.openapi import operation
from hotline.core.permissions import MANAGE_SETTINGS, READ_SLA_SETTINGS, require
from hotline.core.validation import FIRST_DAY, LAST_DAY, parse, parse_query
from hotline.sla.settings import services as svc
from hotline.sla.settings.schemas import (
    AreaIn,
    AreaListOut,
    AreaOut,
    AreaUpdate,
    CalendarDayIn,
    CalendarIn,
    CalendarListOut,
    CalendarOut,
    CalendarPreviewOut,
    CalendarUpdate,
    DayPath,
    PolicyIn,
    PolicyListOut,
    PolicyOut,
    PolicyUpdate,
    PreviewQuery,
)

_APPLIES = (
    " A new clock takes the policy as it is now; a running clock keeps its target unless its ticket is"
    " reclassified (category, priority or area), then counts the time already used against the new one."
)
error_catalog.define({"not_a_day": _l("'%(day)s' is not a date (YYYY-MM-DD)")})


@bp.get("/v1/sla/policies")
@operation("SLA policies (supervisors, managers and admins read)", response=PolicyListOut, returns="Policies, by stage")
@require(READ_SLA_SETTINGS)
def sla_policies():
    return jsonify(items=[svc.policy_view(p) for p in svc.all_policies()])


@bp.post("/v1/sla/policies")
@operation("Create a policy (admin): one active policy per category, priority and stage." + _APPLIES,
           body=PolicyIn, response=PolicyOut, status=201, returns="The policy")
@require(MANAGE_SETTINGS)
def create_sla_policy():
    policy = svc.create_policy(parse(PolicyIn, json_body()))
    return committed(svc.policy_view(policy), 201)


@bp.put("/v1/sla/policies/<int:policy_id>")
@operation("Change a policy (admin): only the fields sent; deactivate with active=false (never deleted)." + _APPLIES,
           body=PolicyUpdate, response=PolicyOut, returns="The policy")
@require(MANAGE_SETTINGS)
def update_sla_policy(policy_id: int):
    policy = svc.update_policy(policy_id, parse(PolicyUpdate, json_body()))
    return committed(svc.policy_view(policy))


@bp.get("/v1/sla/calendars")
@operation("Working calendars with their exception days", response=CalendarListOut, returns="Calendars")
@require(READ_SLA_SETTINGS)
def sla_calendars():
    return jsonify(items=[svc.calendar_view(c) for c in svc.all_calendars()])


@bp.post("/v1/sla/calendars")
@operation("Create a working calendar (admin)", body=CalendarIn, response=CalendarOut, status=201, returns="The calendar")
@require(MANAGE_SETTINGS)
def create_sla_calendar():
    calendar = svc.create_calendar(parse(CalendarIn, json_body()))
    return committed(svc.calendar_view(calendar), 201)


@bp.put("/v1/sla/calendars/<int:calendar_id>")
@operation("Change a calendar's name, hours or public holidays (admin); a new version", body=CalendarUpdate,
           response=CalendarOut, returns="The calendar")
@require(MANAGE_SETTINGS)
def update_sla_calendar(calendar_id: int):
    calendar = svc.update_calendar(calendar_id, parse(CalendarUpdate, json_body()))
    return committed(svc.calendar_view(calendar))


@bp.post("/v1/sla/calendars/<int:calendar_id>/days")
@operation("Add (or change) a center holiday or extra working day (admin); a new version", body=CalendarDayIn,
           response=CalendarOut, status=201, returns="The calendar")
@require(MANAGE_SETTINGS)
def put_sla_calendar_day(calendar_id: int):
    row = svc.put_day(calendar_id, parse(CalendarDayIn, json_body()))
    return committed(svc.calendar_view(row.calendar), 201)


@bp.delete("/v1/sla/calendars/<int:calendar_id>/days/<day>")
@operation("Remove an exception day (admin); a new version", path=DayPath, response=CalendarOut, returns="The calendar")
@require(MANAGE_SETTINGS)
def remove_sla_calendar_day(calendar_id: int, day: str):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise NotFound("not_a_day", day=day) from None
    if not FIRST_DAY <= parsed <= LAST_DAY:
        raise NotFound("not_a_day", day=day)  # no calendar holds such a day
    calendar = svc.remove_day(calendar_id, parsed)
    return committed(svc.calendar_view(calendar))


@bp.get("/v1/sla/calendars/<int:calendar_id>/preview")
@operation("The deadline of a clock of N working minutes started at a given time on this calendar",
           query=PreviewQuery, response=CalendarPreviewOut, returns="The deadline")
@require(READ_SLA_SETTINGS)
def preview_sla_calendar(calendar_id: int):
    calendar = svc.get_calendar(calendar_id)
    query = parse_query(PreviewQuery, request.args)
    return jsonify(svc.preview(calendar, query.start, query.minutes))


@bp.get("/v1/areas")
@operation("Areas and whether each lies outside the city", response=AreaListOut, returns="Areas")
@require(READ_SLA_SETTINGS)
def areas():
    return jsonify(items=[svc.area_view(a) for a in svc.all_areas()])


@bp.post("/v1/areas")
@operation("Create an area (admin); its name is what tickets carry in `area`", body=AreaIn, response=AreaOut,
           status=201, returns="The area")
@require(MANAGE_SETTINGS)
def create_area():
    area = svc.create_area(parse(AreaIn, json_body()))
    return committed(svc.area_view(area), 201)


@bp.put("/v1/areas/<int:area_id>")
@operation("Rename an area or move it in or out of the city (admin)", body=AreaUpdate, response=AreaOut,
           returns="The area")
@require(MANAGE_SETTINGS)
def update_area(area_id: int):
    area = svc.update_area(area_id, parse(AreaUpdate, json_body()))
    return committed(svc.area_view(area))
