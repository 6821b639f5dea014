"""The OpenAPI 3 document at /api/openapi.json, built from the same models that validate."""
from flask import current_app, jsonify

from dispatch.schemas import DispatchIn, ReturnIn, RoutingRuleIn, StepIn, TransferIn
from hotline.core.api import bp
from hotline.duty.rosters.openapi import PATHS as ROSTER_PATHS
from hotline.duty.rosters.openapi import SCHEMA_MODELS as ROSTER_SCHEMA_MODELS
from hotline.sla.panel.schemas import (
    ExtensionIn,
    PauseIn,
    ReclassifyIn,
    ReplyIn,
    ResumeIn,
)
from hotline.sla.settings.openapi import PATHS as SLA_SETTINGS_PATHS
from hotline.sla.settings.openapi import SCHEMA_MODELS as SLA_SETTINGS_MODELS
from hotline.tickets.models import Status
from hotline.tickets.schemas import NoteCreate, TicketCancel, TicketCreate

_SCHEMA_MODELS = (TicketCreate, NoteCreate, TicketCancel, DispatchIn, TransferIn, ReturnIn, StepIn, RoutingRuleIn,
                  PauseIn, ResumeIn, ExtensionIn, ReplyIn, ReclassifyIn)

_ERROR = {"$ref": "#/components/responses/Error"}
_CONFLICT = {"$ref": "#/components/responses/Conflict"}
_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "422": {"$ref": "#/components/responses/ValidationFailed"},
}


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _ok(description: str, schema: str, status: str = "200") -> dict:
    return {status: {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}}


_NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}, "example": "20261123-0001"}

PATHS = {
    "/api/v1/tickets": {
        "post": {
            "summary": "Create a ticket (log a call); a consultation with an answer is closed at once",
            "operationId": "createTicket",
            "requestBody": _body("TicketCreate"),
            "responses": {**_ok("The new ticket", "Ticket", "201"), **_ERRORS},
        },
        "get": {
            "summary": "List and search tickets, newest first",
            "operationId": "listTickets",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}, "description": "ticket number, caller phone or words"},
                {"name": "status", "in": "query", "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Status"}}, "explode": True},
                {"name": "open", "in": "query", "schema": {"type": "boolean"}},
                {"name": "category", "in": "query", "schema": {"type": "string"}},
                {"name": "priority", "in": "query", "schema": {"$ref": "#/components/schemas/Priority"}},
                {"name": "unit", "in": "query", "schema": {"type": "string"}},
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
            ],
            "responses": {**_ok("A page of tickets", "TicketPage"), **_ERRORS},
        },
    },
    "/api/v1/tickets/{number}": {
        "get": {
            "summary": "One ticket with its timeline and notes",
            "operationId": "getTicket",
            "parameters": [_NUMBER],
            "responses": {**_ok("The ticket", "Ticket"), "404": _ERROR, **_ERRORS},
        },
        "patch": {
            "summary": "Reclassify an open ticket: category, priority or area, with a reason; its SLA deadlines are recomputed (paused time still excluded)",
            "operationId": "reclassifyTicket",
            "parameters": [_NUMBER],
            "requestBody": _body("ReclassifyIn"),
            "responses": {**_ok("The ticket with its clocks", "TicketWithClocks"), "404": _ERROR, "409": _CONFLICT, **_ERRORS},
        },
    },
    "/api/v1/tickets/{number}/sla": {
        "get": {
            "summary": "The ticket's SLA clocks (newest cycle first), pauses, extensions and open escalations",
            "operationId": "getTicketSla",
            "parameters": [_NUMBER],
            "responses": {**_ok("The SLA state", "TicketSla"), "404": _ERROR, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/sla/pause": {
        "post": {
            "summary": "Pause the running clocks (or one stage's) with a reason; paused time never counts",
            "operationId": "pauseTicketClocks",
            "parameters": [_NUMBER],
            "requestBody": _body("PauseIn"),
            "responses": {**_ok("The SLA state", "TicketSla"), "404": _ERROR, "409": _ERROR, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/sla/resume": {
        "post": {
            "summary": "Resume the paused clocks (or one stage's)",
            "operationId": "resumeTicketClocks",
            "parameters": [_NUMBER],
            "requestBody": _body("ResumeIn"),
            "responses": {**_ok("The SLA state", "TicketSla"), "404": _ERROR, "409": _ERROR, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/sla/extensions": {
        "post": {
            "summary": "Ask for an extension of a running clock (延期), before its deadline; a supervisor decides",
            "operationId": "requestExtension",
            "parameters": [_NUMBER],
            "requestBody": _body("ExtensionIn"),
            "responses": {**_ok("The pending request", "Extension", "201"), "404": _ERROR, "409": _ERROR, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/reply": {
        "post": {
            "summary": "Record the reply given to the caller (答复): stops the reply clock",
            "operationId": "replyToCaller",
            "parameters": [_NUMBER],
            "requestBody": _body("ReplyIn"),
            "responses": {**_ok("The ticket with its clocks", "TicketWithClocks"), "404": _ERROR, "409": _CONFLICT, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/notes": {
        "post": {
            "summary": "Add a note to a ticket",
            "operationId": "addNote",
            "parameters": [_NUMBER],
            "requestBody": _body("NoteCreate"),
            "responses": {**_ok("The note", "Note", "201"), "404": _ERROR, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/cancel": {
        "post": {
            "summary": "Cancel a wrong ticket with a reason (nothing is deleted)",
            "operationId": "cancelTicket",
            "parameters": [_NUMBER],
            "requestBody": _body("TicketCancel"),
            "responses": {**_ok("The cancelled ticket", "Ticket"), "404": _ERROR, "409": _ERROR, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/dispatch": {
        "post": {
            "summary": "Send a new or returned ticket to a unit or crew (派单)",
            "operationId": "dispatchTicket",
            "parameters": [_NUMBER],
            "requestBody": _body("DispatchIn"),
            "responses": {**_ok("The ticket, dispatched", "Ticket"), "404": _ERROR, "409": _CONFLICT, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/transfer": {
        "post": {
            "summary": "Transfer a dispatched ticket to another unit with a reason (转办)",
            "operationId": "transferTicket",
            "parameters": [_NUMBER],
            "requestBody": _body("TransferIn"),
            "responses": {**_ok("The ticket, with its new unit", "Ticket"), "404": _ERROR, "409": _CONFLICT, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/return": {
        "post": {
            "summary": "The unit returns the ticket to the dispatcher's queue with a reason (退回)",
            "operationId": "returnTicket",
            "parameters": [_NUMBER],
            "requestBody": _body("ReturnIn"),
            "responses": {**_ok("The ticket, returned", "Ticket"), "404": _ERROR, "409": _CONFLICT, **_ERRORS},
        }
    },
    "/api/v1/tickets/{number}/steps/{step}": {
        "post": {
            "summary": "A crew's step on its work order: accept (接单), en_route, on_site (到场), resolve (办结, needs result)",
            "operationId": "stepTicket",
            "parameters": [
                _NUMBER,
                {"name": "step", "in": "path", "required": True, "schema": {"type": "string", "enum": ["accept", "en_route", "on_site", "resolve"]}},
            ],
            "requestBody": _body("StepIn"),
            "responses": {**_ok("The ticket after the step", "Ticket"), "404": _ERROR, "409": _CONFLICT, **_ERRORS},
        }
    },
    "/api/v1/board": {
        "get": {
            "summary": "The wall board snapshot: open tickets, units, and the last event sequence number",
            "operationId": "board",
            "responses": {"200": {"description": "Snapshot; apply live events with a greater seq"}, **_ERRORS},
        }
    },
    "/api/v1/work-orders": {
        "get": {
            "summary": "Active work orders: a crew's own, or every unit's for the desk",
            "description": "Each item's ticket carries `sla`, its nearest deadline (stage, due_at, warn_at, warned, breached, paused; null without a running clock); `now` is the server's time for the countdown.",
            "operationId": "workOrders",
            "responses": {"200": {"description": "Work orders"}, **_ERRORS},
        }
    },
    "/api/v1/units": {
        "get": {
            "summary": "Active units and crews",
            "operationId": "units",
            "responses": {"200": {"description": "Units"}, **_ERRORS},
        }
    },
    "/api/v1/routing-rules": {
        "get": {"summary": "Routing rules (admin)", "operationId": "routingRules", "responses": {"200": {"description": "Rules"}, **_ERRORS}},
        "post": {
            "summary": "Create or update the rule for a category and area (admin); deactivate with active=false",
            "operationId": "saveRoutingRule",
            "requestBody": _body("RoutingRuleIn"),
            "responses": {"201": {"description": "The rule"}, **_ERRORS},
        },
    },
    "/api/v1/callers/{phone}/tickets": {
        "get": {
            "summary": "A caller's history by phone, in any spelling of the number",
            "operationId": "callerTickets",
            "parameters": [{"name": "phone", "in": "path", "required": True, "schema": {"type": "string"}, "example": "13800138000"}],
            "responses": {**_ok("The caller and their tickets", "CallerHistory"), **_ERRORS},
        }
    },
    "/api/v1/categories": {
        "get": {
            "summary": "Active ticket categories",
            "operationId": "listCategories",
            "responses": {"200": {"description": "Categories"}, **_ERRORS},
        }
    },
    "/healthz": {
        "get": {
            "summary": "200 when the app and its database are up",
            "operationId": "health",
            "security": [],
            "responses": {"200": {"description": "Up"}, "503": {"description": "Database down"}},
        }
    },
}

_CALLER = {
    "type": ["object", "null"],
    "properties": {
        "phone": {"type": "string", "description": "E.164, or masked"},
        "display_phone": {"type": "string"},
        "name": {"type": ["string", "null"]},
        "masked": {"type": "boolean"},
    },
}

_TICKET = {
    "type": "object",
    "required": ["number", "status", "priority", "category", "version"],
    "properties": {
        "number": {"type": "string"},
        "status": {"$ref": "#/components/schemas/Status"},
        "priority": {"$ref": "#/components/schemas/Priority"},
        "category": {"type": "string"},
        "channel": {"type": "string"},
        "unit": {"type": ["string", "null"]},
        "caller": _CALLER,
        "address": {"type": ["string", "null"]},
        "matter": {"type": "string"},
        "confidential": {"type": "boolean"},
        "version": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "timeline": {"type": "array", "items": {"type": "object"}},
        "notes": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}},
        "steps": {"type": "array", "items": {"type": "string"},
                  "description": "The work steps the status allows (in the answers of dispatch, transfer, return and steps)"},
    },
}

_CLOCK = {
    "type": "object",
    "properties": {
        "stage": {"$ref": "#/components/schemas/Stage"},
        "cycle": {"type": "integer"},
        "state": {"type": "string", "enum": ["running", "paused", "stopped"]},
        "started_at": {"type": "string", "format": "date-time"},
        "warn_at": {"type": ["string", "null"], "format": "date-time"},
        "due_at": {"type": ["string", "null"], "format": "date-time"},
        "warned_at": {"type": ["string", "null"], "format": "date-time"},
        "breached_at": {"type": ["string", "null"], "format": "date-time"},
        "stopped_at": {"type": ["string", "null"], "format": "date-time"},
        "budget_seconds": {"type": "integer"},
        "extended_seconds": {"type": "integer"},
        "paused_reason": {"type": ["string", "null"]},
        "working_time": {"type": "boolean", "description": "counts working time on a calendar, not round the clock"},
        "met": {"type": ["boolean", "null"], "description": "on time, late, or null while it runs"},
        "overdue": {"type": "boolean"},
    },
}

_EXTENSION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "stage": {"$ref": "#/components/schemas/Stage"},
        "cycle": {"type": "integer"},
        "minutes": {"type": "integer"},
        "reason": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "approved", "refused"]},
        "requested_at": {"type": "string", "format": "date-time"},
        "requested_by": {"type": ["string", "null"]},
        "decided_at": {"type": ["string", "null"], "format": "date-time"},
        "decided_by": {"type": ["string", "null"]},
        "decision_note": {"type": ["string", "null"]},
    },
}

_TICKET_SLA = {
    "type": "object",
    "properties": {
        "number": {"type": "string"},
        "version": {"type": "integer"},
        "clocks": {"type": "array", "items": {"$ref": "#/components/schemas/Clock"}},
        "pauses": {"type": "array", "items": {"type": "object"}},
        "extensions": {
            "type": "object",
            "properties": {
                "pending": {"type": "array", "items": {"$ref": "#/components/schemas/Extension"}},
                "decided": {"type": "array", "items": {"$ref": "#/components/schemas/Extension"}},
            },
        },
        "escalations": {"type": "array", "items": {"type": "object"}, "description": "unacknowledged, with their level and audience"},
    },
}

_EXTRA_SCHEMAS = {
    "Status": {"type": "string", "enum": [s.value for s in Status]},
    "Ticket": _TICKET,
    "TicketWithClocks": {"allOf": [{"$ref": "#/components/schemas/Ticket"},
                                   {"type": "object", "properties": {"clocks": {"type": "array", "items": {"$ref": "#/components/schemas/Clock"}}}}]},
    "Clock": _CLOCK,
    "Extension": _EXTENSION,
    "TicketSla": _TICKET_SLA,
    "TicketPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Ticket"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    },
    "Note": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "author": {"type": "string"}, "body": {"type": "string"}},
    },
    "CallerHistory": {
        "type": "object",
        "properties": {
            "caller": {"type": ["object", "null"]},
            "tickets": {"type": "array", "items": {"$ref": "#/components/schemas/Ticket"}},
            "open_count": {"type": "integer"},
            "recent_count": {"type": "integer"},
            "repeat": {"type": "boolean"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}, "description": "a message per field path"},
        },
    },
}


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def build_document() -> dict:
    # each domain's hand-written part of the document
    from hotline.callbacks import (
        openapi as callbacks_doc,  # the callback queue and rates
    )
    from hotline.duty.handover import openapi as handover_doc  # handover and duty log
    from hotline.sla.supervision import (
        openapi as sla_doc,  # alerts, escalations, extensions, on-time
    )

    schemas = dict(_EXTRA_SCHEMAS) | callbacks_doc.SCHEMAS | sla_doc.SCHEMAS | handover_doc.SCHEMAS
    for model in callbacks_doc.MODELS + sla_doc.MODELS + _SCHEMA_MODELS + ROSTER_SCHEMA_MODELS + SLA_SETTINGS_MODELS + handover_doc.MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hotline API", "version": current_app.config.get("API_VERSION", "1")},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {**PATHS, **callbacks_doc.PATHS, **sla_doc.PATHS, **ROSTER_PATHS, **SLA_SETTINGS_PATHS, **handover_doc.PATHS},
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "created with `flask tokens create`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session", "description": "browser session; writes need the X-CSRFToken header"},
            },
            "responses": {
                "Error": _error_response("Error"),
                "Unauthorized": _error_response("Missing or bad credentials"),
                "Forbidden": _error_response("The role may not do this"),
                "ValidationFailed": _error_response("Bad input: a message per field"),
                "Conflict": _error_response("Illegal step or stale version; `ticket` holds the current state"),
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(build_document())


def init_app(app) -> None:
    """The document's route is declared above, on the API blueprint."""
