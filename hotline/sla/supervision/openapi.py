"""The supervision endpoints in the OpenAPI document (merged by hotline/api/openapi.py)."""
from hotline.sla.models import AlertKind, ExtensionStatus, Stage
from hotline.sla.supervision.schemas import AlertAck, EscalationAck, ExtensionDecision

MODELS = (AlertAck, EscalationAck, ExtensionDecision)

_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "422": {"$ref": "#/components/responses/ValidationFailed"},
}
_NOT_FOUND = {"404": {"$ref": "#/components/responses/Error"}}
_TIME = {"type": "string", "format": "date-time"}
_TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
_STAGE = {"type": "string", "enum": [s.value for s in Stage]}
_PERSON = {"type": ["object", "null"], "properties": {"username": {"type": "string"}, "name": {"type": "string"}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def _ok(description: str, schema: dict) -> dict:
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}}


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _query(name: str, schema: dict, description: str | None = None) -> dict:
    out = {"name": name, "in": "query", "schema": schema}
    return {**out, "description": description} if description else out


def _page(item: str, **extra) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            **extra,
        },
    }


_PAGING = [
    _query("page", {"type": "integer", "minimum": 1}),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 200}),
]
_ALERT_FILTERS = [
    _query("unit", {"type": "string"}, "unit code; its sub-units (crews) are included"),
    _query("category", {"type": "string"}, "category code"),
    _query("stage", _STAGE),
    _query("kind", {"type": "string", "enum": [k.value for k in AlertKind]}),
    _query("from", _TIME, "alerts at or after (ISO 8601 with a time zone)"),
    _query("to", _TIME, "alerts at or before"),
    _query("acknowledged", {"type": "boolean"}),
]

SCHEMAS = {
    "SlaAlert": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": [k.value for k in AlertKind]},
            "stage": _STAGE,
            "number": {"type": "string", "description": "the ticket"},
            "priority": {"type": "string"},
            "category": {"type": ["string", "null"]},
            "unit": {"type": ["string", "null"]},
            "due_at": _TIME,
            "at": {**_TIME, "description": "when the warning or breach was recorded"},
            "acknowledged_at": _TIME_OR_NULL,
            "acknowledged_by": _PERSON,
            "comment": {"type": ["string", "null"]},
        },
    },
    "SlaAlertPage": _page(
        "SlaAlert",
        seq={"type": "integer", "description": "the last live event this list reflects"},
        now=_TIME,
    ),
    "Escalation": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string"},
            "priority": {"type": "string"},
            "category": {"type": ["string", "null"]},
            "unit": {"type": ["string", "null"]},
            "reason": {"type": "string", "enum": ["breach", "emergency"]},
            "level": {"type": "integer", "description": "1 unit and desk, 2 supervisor, 3 manager"},
            "audience": {"type": "string", "enum": ["unit", "supervisor", "manager"]},
            "started_at": _TIME,
            "next_at": {**_TIME_OR_NULL, "description": "when it climbs again unless acknowledged"},
            "acknowledged_at": _TIME_OR_NULL,
            "acknowledged_by": _PERSON,
            "steps": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "level": {"type": "integer"},
                        "audience": {"type": "string"},
                        "at": _TIME,
                        "acknowledged_at": _TIME_OR_NULL,
                        "acknowledged_by": _PERSON,
                        "note": {"type": ["string", "null"]},
                    },
                },
            },
        },
    },
    "EscalationPage": _page("Escalation"),
    "SlaExtension": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string"},
            "priority": {"type": "string"},
            "category": {"type": ["string", "null"]},
            "unit": {"type": ["string", "null"]},
            "stage": _STAGE,
            "due_at": {**_TIME_OR_NULL, "description": "the clock's current deadline"},
            "minutes": {"type": "integer"},
            "reason": {"type": "string"},
            "status": {"type": "string", "enum": [s.value for s in ExtensionStatus]},
            "requested_at": _TIME,
            "requested_by": _PERSON,
            "decided_at": _TIME_OR_NULL,
            "decided_by": _PERSON,
            "decision_note": {"type": ["string", "null"]},
        },
    },
    "SlaExtensionPage": _page("SlaExtension"),
    "OnTimeReport": {
        "type": "object",
        "properties": {
            "from": _TIME,
            "to": _TIME,
            "now": _TIME,
            "by": {"type": "string", "enum": ["unit", "category"]},
            "stages": {"type": "array", "items": _STAGE},
            "groups": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "key": {"type": ["string", "null"], "description": "unit or category code; null: no unit"},
                        "name": {"type": ["string", "null"]},
                        "stages": {"type": "object", "additionalProperties": _ref("OnTimeCell")},
                    },
                },
            },
            "all": {"type": "object", "additionalProperties": _ref("OnTimeCell")},
        },
    },
    "OnTimeCell": {
        "type": "object",
        "properties": {
            "total": {"type": "integer", "description": "clocks stopped in the period"},
            "met": {"type": "integer"},
            "late": {"type": "integer"},
            "rate": {"type": ["number", "null"], "description": "met / total"},
            "overdue": {"type": "integer", "description": "running now and past the deadline"},
        },
    },
}

PATHS = {
    "/api/v1/sla/alerts": {
        "get": {
            "summary": "SLA warnings and breaches, newest first, filtered (supervisors)",
            "operationId": "listSlaAlerts",
            "parameters": _ALERT_FILTERS + [
                _query("page", {"type": "integer", "minimum": 1}),
                _query("per_page", {"type": "integer", "minimum": 1, "maximum": 500}),
            ],
            "responses": {**_ok("A page of alerts", _ref("SlaAlertPage")), **_ERRORS},
        }
    },
    "/api/v1/sla/alerts/{alert_id}/acknowledge": {
        "post": {
            "summary": "Acknowledge a warning or breach, with a comment; the first acknowledgement keeps its person and time",
            "operationId": "acknowledgeSlaAlert",
            "parameters": [_id("alert_id")],
            "requestBody": _body("AlertAck"),
            "responses": {**_ok("The alert", _ref("SlaAlert")), **_NOT_FOUND, **_ERRORS},
        }
    },
    "/api/v1/sla/escalations": {
        "get": {
            "summary": "Escalations (逐级上报) newest first, with their steps; a crew sees its own unit's only",
            "operationId": "listEscalations",
            "parameters": [_query("open", {"type": "boolean"}, "only those nobody has acknowledged"), *_PAGING],
            "responses": {**_ok("A page of escalations", _ref("EscalationPage")), **_ERRORS},
        }
    },
    "/api/v1/sla/escalations/{esc_id}/acknowledge": {
        "post": {
            "summary": "Take an escalation on: it stops climbing; the step records who and when",
            "operationId": "acknowledgeEscalation",
            "parameters": [_id("esc_id")],
            "requestBody": _body("EscalationAck"),
            "responses": {**_ok("The escalation", _ref("Escalation")), **_NOT_FOUND, **_ERRORS},
        }
    },
    "/api/v1/sla/extensions": {
        "get": {
            "summary": "Extension requests (延期), newest first",
            "operationId": "listSlaExtensions",
            "parameters": [_query("status", {"type": "string", "enum": [s.value for s in ExtensionStatus]}), *_PAGING],
            "responses": {**_ok("A page of extension requests", _ref("SlaExtensionPage")), **_ERRORS},
        }
    },
    "/api/v1/sla/extensions/{ext_id}/decision": {
        "post": {
            "summary": "Approve (the deadline moves) or refuse a pending extension request",
            "operationId": "decideSlaExtension",
            "parameters": [_id("ext_id")],
            "requestBody": _body("ExtensionDecision"),
            "responses": {
                **_ok("The decided request", _ref("SlaExtension")), **_NOT_FOUND,
                "409": {"$ref": "#/components/responses/Error"}, **_ERRORS,
            },
        }
    },
    "/api/v1/sla/on-time": {
        "get": {
            "summary": "On-time rates per unit or category and stage for clocks stopped in the period (default: the last 7 days), and running clocks overdue now",
            "operationId": "slaOnTime",
            "parameters": [
                _query("from", _TIME), _query("to", _TIME),
                _query("by", {"type": "string", "enum": ["unit", "category"]}),
            ],
            "responses": {**_ok("The report", _ref("OnTimeReport")), **_ERRORS},
        }
    },
}
