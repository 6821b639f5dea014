"""The roster and seat paths of the OpenAPI document (merged into hotline/api/openapi.py)."""
from hotline.duty.rosters.schemas import (
    CellIn,
    DecisionIn,
    PublishIn,
    ShiftRequestIn,
    ShiftTemplateIn,
    WithdrawIn,
)
from hotline.duty.seats.schemas import SeatIn, SignInIn, SignOutIn, StateIn

SCHEMA_MODELS = (ShiftTemplateIn, CellIn, PublishIn, ShiftRequestIn, DecisionIn, WithdrawIn, SeatIn, SignInIn, StateIn, SignOutIn)

_ERR = {"$ref": "#/components/responses/Error"}
_ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "422": {"$ref": "#/components/responses/ValidationFailed"},
}
_MONTH = {"name": "month", "in": "path", "required": True, "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}, "example": "2026-11"}
_REQUEST_ID = {"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _op(summary: str, op_id: str, ok: str, body: str | None = None, status: str = "200", extra: dict | None = None, params=None) -> dict:
    out = {"summary": summary, "operationId": op_id, "responses": {status: {"description": ok}, **_ERRORS, **(extra or {})}}
    if body:
        out["requestBody"] = _body(body)
    if params:
        out["parameters"] = params
    return out


_CONFLICT = {"409": {"description": "Stale version, or refused by a rule; `code` says which (gaps, nobody_on_duty, coverage, overlap, seat_taken, not_rostered...)",
                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}

PATHS = {
    "/api/v1/shift-templates": {
        "get": _op("Shift templates with their head counts per role; whether they cover 24 hours", "listShiftTemplates", "Templates"),
        "post": _op("Create a shift template (201), or change the one with this code given the version you saw (200; 409 when stale or missing); ends at or before starts: ends the next day", "saveShiftTemplate", "The template", "ShiftTemplateIn", "201"),
    },
    "/api/v1/rosters/{month}": {
        "get": _op("The month roster 排班表: days x shifts with the people in each cell, coverage gaps, the hours with nobody on duty (24-hour center), history",
                   "getRoster", "The roster", params=[_MONTH]),
    },
    "/api/v1/rosters/{month}/cells": {
        "post": _op("Draw one cell: exactly these people on this shift of this day (supervisor; recorded)", "setRosterCell", "The roster", "CellIn", extra=_CONFLICT, params=[_MONTH]),
    },
    "/api/v1/rosters/{month}/publish": {
        "post": _op("Publish the month: gaps need confirm_gaps; nobody on duty in a 24-hour center needs override_reason (recorded)",
                    "publishRoster", "The published roster", "PublishIn", extra={**_CONFLICT, "404": _ERR}, params=[_MONTH]),
    },
    "/api/v1/shift-requests": {
        "get": _op("Swap and leave requests: a supervisor sees all, others their own (?status=pending...)", "listShiftRequests", "Requests",
                   params=[{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["pending", "approved", "refused", "withdrawn"]}}]),
        "post": _op("File a swap 调班 or leave 请假 request for one's own shift; waits for a supervisor", "fileShiftRequest", "The request", "ShiftRequestIn", "201", extra=_CONFLICT),
    },
    "/api/v1/shift-requests/{request_id}/decision": {
        "post": _op("Approve (re-checks coverage, then changes the roster) or refuse; a leave names the substitute 顶班", "decideShiftRequest",
                    "The decided request", "DecisionIn", extra={**_CONFLICT, "404": _ERR}, params=[_REQUEST_ID]),
    },
    "/api/v1/shift-requests/{request_id}/withdraw": {
        "post": _op("Withdraw one's own pending request", "withdrawShiftRequest", "The request", "WithdrawIn", extra={**_CONFLICT, "404": _ERR}, params=[_REQUEST_ID]),
    },
    "/api/v1/shifts/current": {
        "get": _op("The shift on duty now and the next one, with the people rostered", "currentShift", "Current and next shift"),
    },
    "/api/v1/shifts/{day}/{shift}": {
        "get": _op("One shift of a day: the people rostered and the tickets and calls each handled within it", "shiftDetail", "The shift",
                   extra={"404": _ERR},
                   params=[{"name": "day", "in": "path", "required": True, "schema": {"type": "string", "format": "date"}},
                           {"name": "shift", "in": "path", "required": True, "schema": {"type": "string"}}]),
    },
    "/api/v1/seats": {
        "get": _op("Seats and who sits at each", "listSeats", "Seats"),
        "post": _op("Create a seat (201), or change the one with this code given the version you saw (200; 409 when stale or missing) (admin)", "saveSeat", "The seat", "SeatIn", "201"),
    },
    "/api/v1/seats/me": {
        "get": _op("My seat session, my shifts I may sign in to now, the seats", "mySeat", "My seat"),
    },
    "/api/v1/seats/sign-in": {
        "post": _op("Sign in to a seat for my rostered shift (now, or starting within the hour)", "seatSignIn", "My seat", "SignInIn", "201", extra=_CONFLICT),
    },
    "/api/v1/seats/state": {
        "post": _op("Ready, busy 示忙 or away with a reason; back after more than 5 minutes away writes the sign-out log 签出登记", "seatState", "My seat", "StateIn", extra=_CONFLICT),
    },
    "/api/v1/seats/sign-out": {
        "post": _op("Sign out of the seat at the end of the shift", "seatSignOut", "My seat", "SignOutIn", extra=_CONFLICT),
    },
    "/api/v1/seats/on-duty": {
        "get": _op("Who is on duty and their state, the current and next shift, tickets and calls per person this shift; live: seat.changed",
                   "onDuty", "On duty"),
    },
    "/api/v1/seats/away-log": {
        "get": _op("签出登记: times away longer than 5 minutes on a local day", "awayLog", "The sign-out log",
                   params=[{"name": "day", "in": "query", "schema": {"type": "string", "format": "date"}}]),
    },
}
