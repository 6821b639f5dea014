"""The SLA settings endpoints in the OpenAPI document (merged by hotline/api/openapi.py)."""
from hotline.sla.settings.schemas import (
    AreaIn,
    AreaUpdate,
    CalendarDayIn,
    CalendarIn,
    CalendarUpdate,
    PolicyIn,
    PolicyUpdate,
)

SCHEMA_MODELS = (PolicyIn, PolicyUpdate, CalendarIn, CalendarUpdate, CalendarDayIn, AreaIn, AreaUpdate)

_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "422": {"$ref": "#/components/responses/ValidationFailed"},
}
_NOT_FOUND = {"404": {"$ref": "#/components/responses/Error"}}
_STALE = {"409": {"$ref": "#/components/responses/Error"}}


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _answer(description: str, schema: dict, status: str = "200") -> dict:
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}}}


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


_POLICY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "category": {"type": ["string", "null"], "description": "category code; null: any category"},
        "priority": {"type": ["string", "null"], "description": "null: any priority"},
        "stage": {"type": "string", "enum": ["accept", "arrive", "reply", "resolve", "callback"]},
        "minutes": {"type": "number"},
        "minutes_outside_city": {"type": ["number", "null"]},
        "calendar": {"type": ["string", "null"], "description": "calendar code; null: round the clock"},
        "warn_percent": {"type": "integer"},
        "active": {"type": "boolean"},
        "version": {"type": "integer"},
    },
}
_CALENDAR = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "name": {"type": "string"},
        "hours": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
        "public_holidays": {"type": "boolean"},
        "working_day_minutes": {"type": "number"},
        "days": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"day": {"type": "string", "format": "date"}, "working": {"type": "boolean"}, "note": {"type": ["string", "null"]}},
            },
        },
        "version": {"type": "integer", "description": "bumped by every change, its exception days included"},
    },
}
_AREA = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "outside_city": {"type": "boolean"}}}
_PREVIEW = {
    "type": "object",
    "properties": {
        "calendar": {"type": "string"},
        "version": {"type": "integer"},
        "from": {"type": "string", "format": "date-time"},
        "minutes": {"type": "number"},
        "working_day_minutes": {"type": "number"},
        "deadline": {"type": "string", "format": "date-time"},
    },
}


def _items(schema: dict) -> dict:
    return {"type": "object", "properties": {"items": {"type": "array", "items": schema}}}


_APPLIES = (
    " A new clock takes the policy as it is now; a running clock keeps its target unless its ticket is"
    " reclassified (category, priority or area), then counts the time already used against the new one."
)

PATHS = {
    "/api/v1/sla/policies": {
        "get": {
            "summary": "SLA policies (supervisors, managers and admins read)",
            "operationId": "slaPolicies",
            "responses": {**_answer("Policies, by stage", _items(_POLICY)), **_ERRORS},
        },
        "post": {
            "summary": "Create a policy (admin): one active policy per category, priority and stage." + _APPLIES,
            "operationId": "createSlaPolicy",
            "requestBody": _body("PolicyIn"),
            "responses": {**_answer("The policy", _POLICY, "201"), **_ERRORS},
        },
    },
    "/api/v1/sla/policies/{policy_id}": {
        "put": {
            "summary": "Change a policy (admin): only the fields sent; deactivate with active=false (never deleted)." + _APPLIES,
            "operationId": "updateSlaPolicy",
            "parameters": [_id("policy_id")],
            "requestBody": _body("PolicyUpdate"),
            "responses": {**_answer("The policy", _POLICY), **_NOT_FOUND, **_STALE, **_ERRORS},
        }
    },
    "/api/v1/sla/calendars": {
        "get": {
            "summary": "Working calendars with their exception days",
            "operationId": "slaCalendars",
            "responses": {**_answer("Calendars", _items(_CALENDAR)), **_ERRORS},
        },
        "post": {
            "summary": "Create a working calendar (admin)",
            "operationId": "createSlaCalendar",
            "requestBody": _body("CalendarIn"),
            "responses": {**_answer("The calendar", _CALENDAR, "201"), **_ERRORS},
        },
    },
    "/api/v1/sla/calendars/{calendar_id}": {
        "put": {
            "summary": "Change a calendar's name, hours or public holidays (admin); a new version",
            "operationId": "updateSlaCalendar",
            "parameters": [_id("calendar_id")],
            "requestBody": _body("CalendarUpdate"),
            "responses": {**_answer("The calendar", _CALENDAR), **_NOT_FOUND, **_STALE, **_ERRORS},
        }
    },
    "/api/v1/sla/calendars/{calendar_id}/days": {
        "post": {
            "summary": "Add (or change) a center holiday or extra working day (admin); a new version",
            "operationId": "putSlaCalendarDay",
            "parameters": [_id("calendar_id")],
            "requestBody": _body("CalendarDayIn"),
            "responses": {**_answer("The calendar", _CALENDAR, "201"), **_NOT_FOUND, **_ERRORS},
        }
    },
    "/api/v1/sla/calendars/{calendar_id}/days/{day}": {
        "delete": {
            "summary": "Remove an exception day (admin); a new version",
            "operationId": "removeSlaCalendarDay",
            "parameters": [_id("calendar_id"), {"name": "day", "in": "path", "required": True, "schema": {"type": "string", "format": "date"}}],
            "responses": {**_answer("The calendar", _CALENDAR), **_NOT_FOUND, **_ERRORS},
        }
    },
    "/api/v1/sla/calendars/{calendar_id}/preview": {
        "get": {
            "summary": "The deadline of a clock of N working minutes started at a given time on this calendar",
            "operationId": "previewSlaCalendar",
            "parameters": [
                _id("calendar_id"),
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date-time"},
                 "description": "ISO time; without a zone, the center's; default now"},
                {"name": "minutes", "in": "query", "required": True, "schema": {"type": "number", "exclusiveMinimum": 0}},
            ],
            "responses": {**_answer("The deadline", _PREVIEW), **_NOT_FOUND, **_ERRORS},
        }
    },
    "/api/v1/areas": {
        "get": {
            "summary": "Areas and whether each lies outside the city",
            "operationId": "areas",
            "responses": {**_answer("Areas", _items(_AREA)), **_ERRORS},
        },
        "post": {
            "summary": "Create an area (admin); its name is what tickets carry in `area`",
            "operationId": "createArea",
            "requestBody": _body("AreaIn"),
            "responses": {**_answer("The area", _AREA, "201"), **_ERRORS},
        },
    },
    "/api/v1/areas/{area_id}": {
        "put": {
            "summary": "Rename an area or move it in or out of the city (admin)",
            "operationId": "updateArea",
            "parameters": [_id("area_id")],
            "requestBody": _body("AreaUpdate"),
            "responses": {**_answer("The area", _AREA), **_NOT_FOUND, **_ERRORS},
        }
    },
}
