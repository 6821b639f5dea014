"""The callback paths of the OpenAPI document (merged into hotline/api/openapi.py)."""
from hotline.callbacks.models import CallbackStatus, Satisfaction
from hotline.callbacks.schemas import AttemptIn

MODELS = (AttemptIn,)

_ERR = {"$ref": "#/components/responses/Error"}
_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "422": {"$ref": "#/components/responses/ValidationFailed"},
}


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


PATHS = {
    "/api/v1/callbacks": {
        "get": {
            "summary": "The callback queue (回访): pending callbacks, nearest deadline first; due=1 only those to try now",
            "operationId": "listCallbacks",
            "parameters": [
                {"name": "due", "in": "query", "schema": {"type": "boolean"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
            ],
            "responses": {"200": _json("CallbackPage", "A page of the queue"), **_ERRORS},
        }
    },
    "/api/v1/callbacks/{callback_id}/attempts": {
        "post": {
            "summary": "Record one call to the caller. Reached: solved and satisfied closes (归档) the ticket; "
                       "unsolved or dissatisfied reopens it to its unit with the caller's words (required then). "
                       "Not reached: tried again later until the attempts run out",
            "operationId": "recordCallbackAttempt",
            "parameters": [{"name": "callback_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AttemptIn"}}}},
            "responses": {
                "201": _json("CallbackAttemptResult", "The callback and the ticket's new status"),
                "404": _ERR,
                "409": {**_json("Error", "Stale version (`current_version` given) or the callback is already done")},
                **_ERRORS,
            },
        }
    },
    "/api/v1/callbacks/rates": {
        "get": {
            "summary": "Callback, satisfaction, solved and on-time rates per unit or category, counted from the "
                       "callbacks of tickets resolved in [from, to)",
            "operationId": "callbackRates",
            "parameters": [
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["unit", "category"], "default": "unit"}},
            ],
            "responses": {"200": _json("CallbackRates", "One row per unit or category, and the total"), **_ERRORS},
        }
    },
}

_TIME = {"type": "string", "format": "date-time"}
_MAYBE_TIME = {"type": ["string", "null"], "format": "date-time"}
_RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "null when nothing to divide by"}

_CALLBACK = {
    "type": "object",
    "required": ["id", "version", "status", "ticket", "attempts"],
    "properties": {
        "id": {"type": "integer"},
        "version": {"type": "integer"},
        "status": {"type": "string", "enum": [s.value for s in CallbackStatus]},
        "ticket": {"type": "string", "description": "ticket number"},
        "cycle": {"type": "integer", "description": "a reopened ticket is called back again in its next cycle"},
        "category": {"type": "string"},
        "unit": {"type": ["string", "null"], "description": "the unit that resolved it"},
        "matter": {"type": "string"},
        "address": {"type": ["string", "null"]},
        "result": {"type": ["string", "null"], "description": "the work order's 办结 result"},
        "confidential": {"type": "boolean"},
        "caller": {"type": ["object", "null"], "description": "as on tickets: masked unless the viewer may see the caller"},
        "resolved_at": _TIME,
        "due_at": _MAYBE_TIME,
        "overdue": {"type": "boolean"},
        "due_now": {"type": "boolean", "description": "its next try has come"},
        "attempts": {"type": "integer"},
        "next_try_at": _MAYBE_TIME,
        "solved": {"type": ["boolean", "null"]},
        "satisfaction": {"type": ["string", "null"], "enum": [s.value for s in Satisfaction] + [None]},
        "done_at": _MAYBE_TIME,
    },
}

_RATE_ROW = {
    "type": "object",
    "properties": {
        "key": {"type": ["string", "null"], "description": "unit or category code"},
        "name_en": {"type": "string"},
        "name_zh": {"type": "string"},
        "opened": {"type": "integer", "description": "callbacks opened (tickets resolved)"},
        "reached": {"type": "integer"},
        "unreachable": {"type": "integer"},
        "pending": {"type": "integer"},
        "satisfaction": {"type": "object", "properties": {s.value: {"type": "integer"} for s in Satisfaction}},
        "answered": {"type": "integer"},
        "solved": {"type": "integer"},
        "callback_rate": _RATE,
        "satisfaction_rate": _RATE,
        "solved_rate": _RATE,
        "on_time_rate": _RATE,
        "on_time": {"type": "integer"},
        "timed": {"type": "integer", "description": "callback clocks with an outcome (met or missed)"},
    },
}

SCHEMAS = {
    "Callback": _CALLBACK,
    "CallbackPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Callback"}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    },
    "CallbackAttemptResult": {
        "type": "object",
        "properties": {
            "callback": {"$ref": "#/components/schemas/Callback"},
            "ticket": {
                "type": "object",
                "properties": {"number": {"type": "string"}, "status": {"type": "string"}, "cycle": {"type": "integer"}, "version": {"type": "integer"}},
            },
        },
    },
    "CallbackRates": {
        "type": "object",
        "properties": {
            "by": {"type": "string", "enum": ["unit", "category"]},
            "from": _MAYBE_TIME,
            "to": _MAYBE_TIME,
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/CallbackRateRow"}},
            "total": {"$ref": "#/components/schemas/CallbackRateRow"},
        },
    },
    "CallbackRateRow": _RATE_ROW,
}
