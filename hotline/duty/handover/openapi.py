"""The handover and duty log part of the OpenAPI document (merged by hotline/api/openapi.py)."""
from hotline.duty.dutylog.schemas import EntryIn, ReviewIn
from hotline.duty.handover.schemas import (
    AddendumIn,
    ChecklistSave,
    HandoverOpen,
    HandoverOverrideIn,
    HandoverSign,
    HandoverUpdate,
    ItemReview,
    StandingClose,
    StandingItemIn,
    VersionIn,
)

MODELS = (HandoverOpen, HandoverUpdate, ItemReview, HandoverSign, HandoverOverrideIn, AddendumIn,
          StandingItemIn, StandingClose, ChecklistSave, VersionIn, EntryIn, ReviewIn)

_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "422": {"$ref": "#/components/responses/ValidationFailed"},
}
_404 = {"404": {"$ref": "#/components/responses/Error"}}
_409 = {"409": {"$ref": "#/components/responses/Conflict"}}
_ID = {"name": "handover_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _ok(description: str, schema: str, status: str = "200") -> dict:
    return {status: {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}}


def _post(summary: str, op: str, body: str, result: tuple[str, str], status="200", params=(), errors=None) -> dict:
    return {"post": {"summary": summary, "operationId": op, "parameters": list(params), "requestBody": _body(body),
                     "responses": {**_ok(result[0], result[1], status), **(errors or {}), **_ERRORS}}}


PATHS = {
    "/api/v1/handovers": {
        "get": {
            "summary": "Find handovers: words (notes, next steps, reviews, addenda, ticket number or matter), period, status",
            "operationId": "listHandovers",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}},
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["draft", "signed"]}},
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
            ],
            "responses": {"200": {"description": "A page of handover summaries"}, **_ERRORS},
        },
        **_post("The outgoing person opens a handover; the system fills in the shift's tickets, emergencies, "
                "deadlines, escalations, standing items and the checklist", "openHandover", "HandoverOpen",
                ("The new handover", "Handover"), "201", errors=_409),
    },
    "/api/v1/handovers/{handover_id}": {
        "get": {
            "summary": "One handover: items, counts, overrides, addenda, what refuses it now, and its checksum check once signed",
            "operationId": "getHandover",
            "parameters": [_ID],
            "responses": {**_ok("The handover", "Handover"), **_404, **_ERRORS},
        },
        "patch": {
            "summary": "The outgoing person (or a supervisor) edits notes, next steps, counts, the incoming person. "
                       "Withdraws any signature; 409 once signed (add an addendum) or on a stale version",
            "operationId": "updateHandover",
            "parameters": [_ID],
            "requestBody": _body("HandoverUpdate"),
            "responses": {**_ok("The handover", "Handover"), **_404, **_409, **_ERRORS},
        },
    },
    "/api/v1/handovers/{handover_id}/refresh": _post(
        "Collect the items again (work that came in meanwhile); written next steps stay", "refreshHandover",
        "VersionIn", ("The handover", "Handover"), params=[_ID], errors={**_404, **_409}),
    "/api/v1/handovers/{handover_id}/items/{item_id}/review": _post(
        "The incoming person acknowledges an item, or disputes it with a note", "reviewHandoverItem", "ItemReview",
        ("The handover", "Handover"),
        params=[_ID, {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        errors={**_404, **_409}),
    "/api/v1/handovers/{handover_id}/sign": _post(
        "Sign as the outgoing or incoming person (own password again). Refused (409, with `blockers`) while an "
        "emergency has no plan, the checklist is incomplete, the incoming person is not signed in for the next "
        "shift, or flagged items are not acknowledged. The second signature locks the record, computes its "
        "checksum and passes every carried ticket to the incoming person", "signHandover", "HandoverSign",
        ("The handover", "Handover"), params=[_ID], errors={**_404, **_409}),
    "/api/v1/handovers/{handover_id}/override": _post(
        "A supervisor lets the handover go ahead despite the refusals standing now, with a recorded reason",
        "overrideHandover", "HandoverOverrideIn", ("The handover", "Handover"), "201", params=[_ID], errors={**_404, **_409}),
    "/api/v1/handovers/{handover_id}/addenda": _post(
        "Add a remark to a signed handover, marked as an addendum; the signed record never changes",
        "addHandoverAddendum", "AddendumIn", ("The addendum", "Addendum"), "201", params=[_ID], errors={**_404, **_409}),
    "/api/v1/handovers/{handover_id}/verify": {
        "get": {
            "summary": "Recompute the SHA-256 of the signed content (and of each addendum) and compare with the stored ones",
            "operationId": "verifyHandover",
            "parameters": [_ID],
            "responses": {**_ok("The check", "Verification"), **_404, **_ERRORS},
        }
    },
    "/api/v1/standing-items": {
        "get": {
            "summary": "The center's standing items (equipment faults, instructions, documents, messages): open ones, or all=1 for recent",
            "operationId": "listStandingItems",
            "parameters": [{"name": "all", "in": "query", "schema": {"type": "boolean"}}],
            "responses": {"200": {"description": "Standing items"}, **_ERRORS},
        },
        **_post("Record a standing item; it stays on every handover until closed", "addStandingItem",
                "StandingItemIn", ("The item", "StandingItem"), "201"),
    },
    "/api/v1/standing-items/{item_id}/close": _post(
        "Close a standing item with a note", "closeStandingItem", "StandingClose", ("The item", "StandingItem"),
        params=[{"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}], errors={**_404, **_409}),
    "/api/v1/handover-checklist": {
        "get": {"summary": "What is counted at each handover, with the expected numbers", "operationId": "getHandoverChecklist",
                "responses": {"200": {"description": "Checklist lines"}, **_ERRORS}},
        "put": {"summary": "Replace the checklist (supervisor): lines left out stop being counted", "operationId": "saveHandoverChecklist",
                "requestBody": _body("ChecklistSave"), "responses": {"200": {"description": "Checklist lines"}, **_ERRORS}},
    },
    "/api/v1/duty-log": {
        "get": {
            "summary": "One local day of the duty log (default today) and its review",
            "operationId": "dutyLogDay",
            "parameters": [{"name": "day", "in": "query", "schema": {"type": "string", "format": "date"}}],
            "responses": {"200": {"description": "Entries and review"}, **_ERRORS},
        },
        **_post("Write a duty log entry (event, call of note, visit, fault, other); refused (409) once the day is signed",
                "addDutyLogEntry", "EntryIn", ("The entry", "DutyLogEntry"), "201", errors=_409),
    },
    "/api/v1/duty-log/reviews": _post(
        "The supervisor's daily review and signature of a local day (closes the day)", "reviewDutyLog", "ReviewIn",
        ("The review", "DutyLogReview"), "201", errors=_409),
    "/api/v1/duty-log/search": {
        "get": {
            "summary": "Search past duty logs and handovers: words, local days from/to, kinds (entry kinds and 'handover')",
            "operationId": "searchDutyLog",
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}},
                {"name": "kind", "in": "query", "explode": True, "schema": {"type": "array", "items": {
                    "type": "string", "enum": ["event", "call", "visit", "fault", "other", "handover"]}}},
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
            ],
            "responses": {"200": {"description": "Hits, newest first: {type: entry|handover, at, entry|handover}"}, **_ERRORS},
        }
    },
}

_PERSON = {"type": ["object", "null"], "properties": {"username": {"type": "string"}, "display_name": {"type": "string"}}}

SCHEMAS = {
    "Handover": {
        "type": "object",
        "required": ["id", "version", "status"],
        "properties": {
            "id": {"type": "integer"},
            "version": {"type": "integer"},
            "status": {"type": "string", "enum": ["draft", "signed"]},
            "outgoing": _PERSON,
            "incoming": _PERSON,
            "items": {"type": "array", "items": {"type": "object", "description": "kind ticket|handled|standing, flags, summary (snapshot), next_step, review"}},
            "counts": {"type": "array", "items": {"type": "object"}},
            "blockers": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}, "overridable": {"type": "boolean"},
                "overridden": {"type": "boolean"}, "items": {"type": "array", "items": {"type": "integer"}}}}},
            "overrides": {"type": "array", "items": {"type": "object"}},
            "addenda": {"type": "array", "items": {"$ref": "#/components/schemas/Addendum"}},
            "checksum": {"type": ["string", "null"], "description": "SHA-256 of the canonical JSON of the signed content"},
            "verification": {"$ref": "#/components/schemas/Verification"},
        },
    },
    "Addendum": {"type": "object", "properties": {
        "id": {"type": "integer"}, "addendum": {"type": "boolean", "const": True}, "at": {"type": "string", "format": "date-time"},
        "author": _PERSON, "body": {"type": "string"}, "checksum": {"type": "string"}}},
    "Verification": {"type": "object", "properties": {
        "ok": {"type": "boolean"}, "stored": {"type": ["string", "null"]}, "computed": {"type": ["string", "null"]},
        "addenda": {"type": "array", "items": {"type": "object"}}}},
    "StandingItem": {"type": "object", "properties": {
        "id": {"type": "integer"}, "version": {"type": "integer"}, "kind": {"type": "string"}, "title": {"type": "string"},
        "closed_at": {"type": ["string", "null"], "format": "date-time"}}},
    "DutyLogEntry": {"type": "object", "properties": {
        "id": {"type": "integer"}, "day": {"type": "string", "format": "date"}, "at": {"type": "string", "format": "date-time"},
        "kind": {"type": "string"}, "body": {"type": "string"}, "ticket": {"type": ["string", "null"]}, "author": _PERSON}},
    "DutyLogReview": {"type": "object", "properties": {
        "day": {"type": "string", "format": "date"}, "reviewer": _PERSON, "signed_at": {"type": "string", "format": "date-time"},
        "entry_count": {"type": "integer"}, "checksum": {"type": "string"}, "verified": {"type": "boolean"}}},
}
